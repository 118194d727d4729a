package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"routewatch/api"
	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/store/storetest"
)

// hygieneQueries are raw queries with refused bytes, the parameter the 400 must name and
// what the message must quote.
var hygieneQueries = []struct{ query, param, quoted string }{
	{"mode=a%00b", "mode", `"a\x00b"`},
	{"route=%ff", "route", `"\xff"`},
	{"source=%c3%28", "source", `"\xc3("`},
	{"mo=\xfe", "mo", `"\xfe"`}, // a raw byte, not an escape
	{"route=a%0Ab", "route", `"a\nb"`},
	{"nationality=%1b", "nationality", `"\x1b"`},
	{"from=%zz", "from", `"%zz"`},
	{"to=2024-01%", "to", `"2024-01%"`},
	{"mode=a;b", "mode", `"a;b"`},
	{"res=4&mode=%00", "mode", `"\x00"`}, // after a good parameter
	{"a%00b=1", "query", `"a\x00b"`},
	{"%ff=1", "query", `"\xff"`},
	{"%c3%28", "query", `"\xc3("`}, // a name without a value
	{"%zz=1", "query", `"%zz"`},
	{"bbox%=1", "query", `"bbox%"`},
	{"=%00", "query", `"\x00"`},
}

// hygienePaths are raw path segments with refused bytes, put in place of a route parameter:
// the 400 names that parameter (or the path, for a bad escape) and quotes what it refused.
var hygienePaths = []struct{ seg, quoted string }{
	{"%00", `"\x00"`}, {"%ff", `"\xff"`}, {"%c3%28", `"\xc3("`}, {"a%0Db", `"a\rb"`}, {"%7f", `"\x7f"`},
	{"%zz", "invalid percent-encoding"},
}

// hygieneServer is the real router without authentication over the package's test database.
func hygieneServer(t *testing.T) (*gin.Engine, *httptest.Server) {
	t.Helper()
	db := storetest.Open(t, "apidata")
	r, err := api.New(api.Config{}, api.Deps{Ready: db, Data: db, Ingest: loader.Service{DB: db}, Corridors: db,
		Analytics: jobs.Service{DB: db}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv
}

// routeSample is a valid value for each route parameter.
var routeSample = map[string]string{"h3": "85283473fffffff", "id": "1", "collectionId": "cells", "featureId": "1",
	"name": "no-such-job", "filepath": "index.js", "layer": "heatmap", "z": "5", "x": "17", "y": "12.mvt"}

// samplePath fills a route template with sample values, and seg in place of parameter i (-1:
// none). It returns the path and the name the refusal must use for that parameter.
func samplePath(template string, i int, seg string) (string, string) {
	parts := strings.Split(template, "/")
	n, name := 0, ""
	for j, p := range parts {
		if p == "" || (p[0] != ':' && p[0] != '*') {
			continue
		}
		parts[j] = routeSample[p[1:]]
		if n == i {
			parts[j], name = seg, p[1:]
		}
		n++
	}
	if name == "filepath" {
		name = "path"
	}
	return strings.Join(parts, "/"), name
}

// checkRefusal checks a 400 whose message starts with param and quotes quoted (HEAD answers
// have no body: only the status).
func checkRefusal(t *testing.T, what string, code int, body []byte, head bool, param, quoted string) {
	t.Helper()
	if head && code == http.StatusBadRequest {
		return
	}
	var env struct {
		Error struct{ Code, Message string }
	}
	_ = json.Unmarshal(body, &env)
	msg := env.Error.Message
	if code != http.StatusBadRequest || env.Error.Code != "invalid_argument" || !strings.HasPrefix(msg, param+": ") || !strings.Contains(msg, quoted) {
		t.Errorf("%s: got %d %q, want 400 invalid_argument starting %q and quoting %s", what, code, body, param+":", quoted)
	}
}

// TestHygieneQueryBytesOnEveryRoute sends every registered route, through a real server, a
// query with a NUL, invalid UTF-8, a control byte, a bad escape or a semicolon in a name or a
// value: each is a 400 naming the parameter.
func TestHygieneQueryBytesOnEveryRoute(t *testing.T) {
	r, srv := hygieneServer(t)
	for _, rt := range r.Routes() {
		path, _ := samplePath(rt.Path, -1, "")
		for _, c := range hygieneQueries {
			target := srv.URL + path + "?" + c.query
			req, err := http.NewRequest(rt.Method, target, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			checkRefusal(t, rt.Method+" "+path+"?"+c.query, resp.StatusCode, body, rt.Method == "HEAD", c.param, c.quoted)
		}
	}
}

// TestHygienePathBytesOnEveryRoute puts refused bytes in each parameter of every route
// with parameters, and in paths no route matches (the web app's assets among them): each is
// a 400 naming the parameter (or the path). The requests go to the router directly, since
// net/http itself answers a bad escape in the path before any handler.
func TestHygienePathBytesOnEveryRoute(t *testing.T) {
	r, _ := hygieneServer(t)
	send := func(method, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, rawRequest(method, path, ""))
		return rec
	}
	for _, rt := range r.Routes() {
		for i := 0; i < strings.Count(rt.Path, ":")+strings.Count(rt.Path, "*"); i++ {
			for _, c := range hygienePaths {
				path, param := samplePath(rt.Path, i, c.seg)
				quoted := c.quoted
				switch {
				case c.seg == "%zz":
					param = "path" // a bad escape leaves nothing to name but the path
				case param == "path": // a catch-all: the message quotes the whole path
					quoted = strings.Trim(quoted, `"`)
				}
				rec := send(rt.Method, path)
				checkRefusal(t, rt.Method+" "+path, rec.Code, rec.Body.Bytes(), rt.Method == "HEAD", param, quoted)
			}
		}
	}
	for _, c := range hygienePaths {
		for _, path := range []string{"/assets/" + c.seg, "/assets/x" + c.seg + ".js", "/api/v1/heatmap" + c.seg, "/nosuch/" + c.seg} {
			rec := send("GET", path)
			checkRefusal(t, "GET "+path, rec.Code, rec.Body.Bytes(), false, "path", strings.Trim(c.quoted, `"`)) // inside the quoted path
		}
	}
}

// TestHygieneAllowsCleanText keeps what is not refused: tab, non-ASCII UTF-8, '+' for a
// space, escaped '%' and ';', empty pairs.
func TestHygieneAllowsCleanText(t *testing.T) {
	_, srv := hygieneServer(t)
	for _, q := range []string{
		"route=M%C3%A9diterran%C3%A9e%09centrale", "route=Central+Mediterranean&&mode=boat_rubber&",
		"route=a%25b%3Bc", "route=Средиземное", "bbox=10,30,20,40&res=4",
	} {
		code, body := do(t, "GET", srv.URL+"/api/v1/heatmap?"+q, "", "")
		if code != http.StatusOK {
			t.Errorf("GET /api/v1/heatmap?%s: got %d %v, want 200", q, code, body)
		}
	}
}

// TestHygieneBeforeAuthAndAudit: with authentication and the real audit log, refused bytes
// are a 400 with or without a key (never the audit log's 503 or a 401), and no audit row is
// written for them; bad bytes in the Authorization header or the session cookie are a 401.
func TestHygieneBeforeAuthAndAudit(t *testing.T) {
	srv, db, _ := secured(t, api.Config{}, nil)
	ctx := context.Background()
	key, secret, err := db.CreateKey(ctx, "hygiene", "admin", 3)
	if err != nil {
		t.Fatal(err)
	}
	since := time.Now().Add(-time.Minute)
	cases := []struct{ path, param, quoted string }{
		{"/api/v1/heatmap?mode=a%00b", "mode", `"a\x00b"`},
		{"/api/v1/heatmap?route=%ff", "route", `"\xff"`},
		{"/ogc/collections/cells/items?route=%00", "route", `"\x00"`},
		{"/api/v1/cells/%00", "h3", `"\x00"`},
		{"/api/v1/heatmap?a%00=1", "query", `"a\x00"`},
		{"/api/v1/jobs?%zz", "query", `"%zz"`},
	}
	for _, c := range cases {
		for _, k := range []string{secret, ""} {
			req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
			if k != "" {
				req.Header.Set("Authorization", "Bearer "+k)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			checkRefusal(t, "GET "+c.path+" (key: "+k+")", resp.StatusCode, body, false, c.param, c.quoted)
		}
	}
	if rows, err := db.AuditLog(ctx, key.Prefix, since, 100); err != nil || len(rows) != 0 {
		t.Errorf("audit rows of the refused requests: got %d (%v), want none", len(rows), err)
	}
	resp := call(t, "GET", srv.URL+"/api/v1/vocabulary", secret)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("clean request: got %d, want 200", resp.StatusCode)
	}
	auditRows(t, db, resp.Header.Get("X-Request-Id")) // waits for its result row
	if rows, err := db.AuditLog(ctx, key.Prefix, since, 100); err != nil || len(rows) != 2 {
		t.Errorf("audit rows of a clean request: got %d (%v), want 2 (request and result)", len(rows), err)
	}

	// The key and token are only hashed: bad bytes in them are an unknown key. net/http
	// refuses control bytes in headers itself, so NUL is sent to the router directly.
	r, err := api.New(api.Config{}, api.Deps{Ready: db, Data: db, Corridors: db, Auth: db, Audit: db})
	if err != nil {
		t.Fatal(err)
	}
	for name, header := range map[string][2]string{
		"key with invalid UTF-8": {"Authorization", "Bearer rwk_\xff\xfe_" + secret[4:]},
		"key with NUL":           {"Authorization", "Bearer rwk_\x00" + secret[4:]},
		"cookie invalid UTF-8":   {"Cookie", "rw_session=\xff\xc3("},
		"cookie with NUL":        {"Cookie", "rw_session=a\x00b"},
	} {
		req := rawRequest("GET", "/api/v1/heatmap", "bbox=10,30,20,40")
		req.Header.Set(header[0], header[1])
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: got %d %s, want 401", name, rec.Code, rec.Body)
		}
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/heatmap", nil)
	req.Header.Set("Authorization", "Bearer rwk_\xff\xfe")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("key with invalid UTF-8 over the wire: got %d, want 401", resp.StatusCode)
	}
}
