package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"routewatch/api"
	"routewatch/errs"
	"routewatch/frontend"
	"routewatch/loader"
	"routewatch/store"
)

// routerSeeds are FuzzRouter's seed corpus: (raw query, raw path segment) pairs with the
// bytes the hygiene middleware refuses (NUL, invalid UTF-8, bad escapes, control bytes,
// semicolons) in names, values and paths, and a few clean requests.
var routerSeeds = [][2]string{
	{"bbox=-6,30,36,46&res=4&from=2024-01-01&to=2024-07-01&mode=boat_rubber", "85283473fffffff"},
	{"datetime=2024-01-01/..&limit=5&f=json&properties=h3,sightings", "cells"},
	{"", ""},
	{"mode=a%00b", "1"},
	{"route=%ff&bbox=-6,30,36,46", "%ff"},
	{"source=%c3%28", "%c3%28"},
	{"from=%zz", "%zz"},
	{"to=2024-01%", "1%"},
	{"%ff=1", "%00"},
	{"a%00b=1&res=4", "corridors"},
	{"%zz=1", "a%0Ab"},
	{"mode=a;b", "%7f"},
	{"route=%1b[31m", "hotspots"},
	{"mode=\xff", "\xff"},
	{"nationality=SY%09", "%00/"},
}

// FuzzRouter sends every registered route, and the fuzzed path on its own, a fuzzed raw
// query with the fuzzed raw segment in place of the route's parameters, to two routers
// over in-memory fakes: one without authentication (the handlers run) and one with an admin
// key and an audit log that refuses what PostgreSQL's jsonb refuses (NUL). No answer may be
// a 5xx; a query or path with NUL, invalid UTF-8, a bad escape or a control byte must be a
// 400 whose message starts with the parameter it is about.
func FuzzRouter(f *testing.F) {
	for _, s := range routerSeeds {
		f.Add(s[0], s[1])
	}
	old := slog.Default() // one request line per call would flood the fuzzer's output
	slog.SetDefault(slog.New(slog.DiscardHandler))
	f.Cleanup(func() { slog.SetDefault(old) })
	open, secure := fuzzRouters(f)
	routes := open.Routes()
	f.Fuzz(func(t *testing.T, query, seg string) {
		for _, rt := range routes {
			path, params := fillRoute(rt.Path, seg)
			static := strings.Contains(rt.Handler, "api.mountDist")
			checkAnswer(t, open, rt.Method, path, query, params, "", static)
			checkAnswer(t, secure, rt.Method, path, query, params, fuzzAdminSecret, static)
		}
		path := "/" + strings.TrimPrefix(seg, "/")
		checkAnswer(t, open, "GET", path, query, nil, "", strings.HasPrefix(path, "/assets/"))
	})
}

// fuzzRouters builds the real router twice over fakes: without authentication, and with an
// admin key (no rate limit) and the jsonb-like audit log.
func fuzzRouters(tb testing.TB) (open, secure *gin.Engine) {
	fake := newOGCFake(tb, 20)
	deps := api.Deps{Ready: readyFake{}, Ingest: ingestFake{}, Data: fake, Corridors: fake, Analytics: &fakeAnalytics{}}
	open, err := api.New(api.Config{}, deps)
	if err != nil {
		tb.Fatal(err)
	}
	deps.Auth, deps.Audit = adminKeys{}, jsonbAudit{}
	secure, err = api.New(api.Config{RateLimit: 1e9, RateBurst: 1 << 30}, deps)
	if err != nil {
		tb.Fatal(err)
	}
	return open, secure
}

// checkAnswer sends method path?query and checks the answer: no 5xx, the error envelope on
// every 4xx, and a 400 naming the parameter when the path or query holds refused bytes.
// params are the route's parameter names. static marks the web app's files, whose missing
// ones are http.FileServer's plain-text 404 (api/static.go), not the envelope.
func checkAnswer(t *testing.T, r http.Handler, method, path, query string, params []string, key string, static bool) {
	t.Helper()
	req := rawRequest(method, path, query)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	what := method + " " + strings.TrimSuffix(path+"?"+query, "?")
	if rec.Code == http.StatusServiceUnavailable && req.URL.Path == "/" && !frontend.Built() {
		return // the "web app not built" page (api/static.go): the binary's state, not the input's
	}
	if rec.Code >= 500 {
		t.Fatalf("%q: got %d %s", what, rec.Code, rec.Body)
	}
	if rec.Code == http.StatusMovedPermanently || rec.Code == http.StatusTemporaryRedirect {
		// gin's trailing-slash redirect, answered before any middleware runs; the client's
		// next request (to the Location) is checked like this one.
		return
	}
	bad := badPath(path) || badQuery(query)
	if rec.Code < 400 || static && !bad {
		if bad {
			t.Fatalf("%q: got %d, want 400", what, rec.Code)
		}
		return
	}
	var env struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Error.Code == "" || env.Error.Message == "" {
		t.Fatalf("%q: %d without the error envelope: %q", what, rec.Code, rec.Body)
	}
	if !bad {
		return
	}
	param, _, _ := strings.Cut(env.Error.Message, ": ")
	if rec.Code != http.StatusBadRequest || !namesOf(path, query, params)[param] {
		t.Fatalf("%q: got %d %q, want 400 naming the path, a route parameter %v or a query parameter", what, rec.Code, env.Error.Message, params)
	}
	if badText(env.Error.Message) || strings.ContainsRune(env.Error.Message, utf8.RuneError) {
		t.Fatalf("%q: the message echoes raw bytes: %q", what, env.Error.Message)
	}
}

// rawRequest builds the request a client writes as method rawPath?rawQuery without the
// parsing net/http does first, so what it would refuse itself (a bad escape in the path)
// reaches the router too.
func rawRequest(method, rawPath, rawQuery string) *http.Request {
	u := &url.URL{Path: rawPath, RawPath: rawPath, RawQuery: rawQuery}
	if p, err := url.PathUnescape(rawPath); err == nil {
		u.Path = p
	}
	uri := rawPath
	if rawQuery != "" {
		uri += "?" + rawQuery
	}
	return &http.Request{Method: method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Body: http.NoBody, Host: "example.org", RequestURI: uri, RemoteAddr: "192.0.2.1:4321"}
}

// fillRoute puts seg in place of each :param and *param of a route template and returns the
// path with the parameters' names.
func fillRoute(template, seg string) (string, []string) {
	parts := strings.Split(template, "/")
	var names []string
	for i, p := range parts {
		if p != "" && (p[0] == ':' || p[0] == '*') {
			parts[i] = seg
			names = append(names, p[1:])
		}
	}
	return strings.Join(parts, "/"), names
}

// namesOf lists the names a refusal may be about: the path, the query as a whole (a bad
// name), the route's parameters and the query's decodable names.
func namesOf(path, query string, params []string) map[string]bool {
	names := map[string]bool{"path": true, "query": true}
	for _, p := range params {
		names[p] = true
	}
	for _, pair := range strings.Split(query, "&") {
		name, _, _ := strings.Cut(pair, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			names[n] = true
		}
	}
	return names
}

// badQuery reports whether a raw query must be refused: url.ParseQuery fails on it (a bad
// escape, a semicolon), or a name or value is not UTF-8 or holds a control byte.
func badQuery(raw string) bool {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return true
	}
	for name, values := range q {
		if badText(name) {
			return true
		}
		for _, v := range values {
			if badText(v) {
				return true
			}
		}
	}
	return false
}

// badPath reports whether a raw path must be refused.
func badPath(raw string) bool {
	p, err := url.PathUnescape(raw)
	return err != nil || badText(p)
}

// badText reports invalid UTF-8, NUL and the other C0 control bytes but tab, and DEL.
func badText(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 && b != '\t' || b == 0x7f {
			return true
		}
	}
	return false
}

type readyFake struct{}

func (readyFake) Ready(context.Context) error { return nil }

// ingestFake reads the upload and reports it loaded.
type ingestFake struct{}

func (ingestFake) Ingest(_ context.Context, src io.ReadSeeker, _ loader.Options) (*store.Report, error) {
	_, err := io.Copy(io.Discard, src)
	return &store.Report{}, err
}

// adminKeys authenticates one key, an admin cleared to H3, and opens sessions for it.
type adminKeys struct{}

const fuzzAdminSecret = "rwk_admin_fuzz_key"

func (adminKeys) Authenticate(_ context.Context, secret string) (*store.Key, error) {
	if secret != fuzzAdminSecret {
		return nil, store.ErrBadKey
	}
	return &store.Key{ID: 1, Prefix: "rwk_admi", Role: "admin", Clearance: 3}, nil
}

func (adminKeys) SessionKey(context.Context, string) (*store.Key, error) { return nil, store.ErrBadKey }

func (adminKeys) OpenSession(context.Context, int64, time.Duration) (string, error) {
	return "session-token", nil
}

func (adminKeys) CloseSession(context.Context, string) error { return nil }

// jsonbAudit refuses what PostgreSQL's jsonb refuses in the audit row's params (a \u0000
// escape, which json.Marshal writes for a NUL byte), as the real audit log does: a 503.
type jsonbAudit struct{}

func (jsonbAudit) Audit(_ context.Context, e store.AuditEntry) error {
	if strings.Contains(string(e.Params), `\u0000`) {
		return errs.Wrap(errs.Internal, nil, `pq: unsupported Unicode escape sequence`)
	}
	return nil
}
