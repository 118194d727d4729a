package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"routewatch/api"
	"routewatch/loader"
	"routewatch/store"
	"routewatch/store/storetest"
)

// secured builds the real router with authentication and auditing on the package's test
// database, and returns it with a key per role (clearance H3) and a way to make more keys.
func secured(t *testing.T, cfg api.Config, audit api.Auditor) (*httptest.Server, *store.DB, map[string]string) {
	t.Helper()
	db := storetest.Open(t, "apiauth")
	if audit == nil {
		audit = db
	}
	r, err := api.New(cfg, api.Deps{Ready: db, Data: db, Ingest: loader.Service{DB: db}, Corridors: db, Auth: db, Audit: audit})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	keys := map[string]string{}
	for _, role := range store.Roles {
		_, secret, err := db.CreateKey(context.Background(), "test-"+role, role, 3)
		if err != nil {
			t.Fatal(err)
		}
		keys[role] = secret
	}
	return srv, db, keys
}

func call(t *testing.T, method, url, key string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestBadKeysAre401(t *testing.T) {
	srv, db, keys := secured(t, api.Config{}, nil)
	revokedKey, secret, _ := db.CreateKey(context.Background(), "gone", "analyst", 3)
	if _, err := db.RevokeKey(context.Background(), revokedKey.Prefix); err != nil {
		t.Fatal(err)
	}
	url := srv.URL + "/api/v1/vocabulary"
	for name, header := range map[string]string{
		"missing":   "",
		"malformed": "Basic dXNlcjpwYXNz",
		"unknown":   "Bearer rwk_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"revoked":   "Bearer " + secret,
	} {
		req, _ := http.NewRequest("GET", url, nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s key: got %d, want 401 with WWW-Authenticate", name, resp.StatusCode)
		}
	}
	if resp := call(t, "GET", url, keys["analyst"]); resp.StatusCode != 200 {
		t.Errorf("valid key: got %d, want 200", resp.StatusCode)
	}
	if resp := call(t, "GET", srv.URL+"/healthz", ""); resp.StatusCode != 200 {
		t.Errorf("/healthz without a key: got %d, want 200", resp.StatusCode)
	}
}

// TestEveryRouteHasRoles walks every registered route for every role against the expected
// table. A protected route missing from the table fails here.
func TestEveryRouteHasRoles(t *testing.T) {
	srv, _, keys := secured(t, api.Config{}, nil)
	r, _ := api.New(api.Config{}, api.Deps{})
	expected := api.RouteRoles()
	for _, rt := range r.Routes() {
		if !api.IsProtected(rt.Method, rt.Path) {
			continue
		}
		roles, ok := expected[rt.Method+" "+rt.Path]
		if !ok {
			t.Errorf("%s %s has no entry in the role table", rt.Method, rt.Path)
			continue
		}
		path := strings.NewReplacer(":h3", "85283473fffffff", ":id", "1", ":collectionId", "corridors",
			":featureId", "1", ":name", "no-such-job").Replace(rt.Path)
		for _, role := range store.Roles {
			resp := call(t, rt.Method, srv.URL+path, keys[role])
			allowed := false
			for _, x := range roles {
				allowed = allowed || x == role
			}
			denied := resp.StatusCode == 403
			if allowed == denied || resp.StatusCode == 401 {
				t.Errorf("%s %s as %s: got %d, want allowed=%v", rt.Method, path, role, resp.StatusCode, allowed)
			}
		}
	}
}

func TestRateLimit(t *testing.T) {
	srv, _, keys := secured(t, api.Config{RateLimit: 1, RateBurst: 2}, nil)
	var last *http.Response
	for i := 0; i < 4; i++ {
		last = call(t, "GET", srv.URL+"/api/v1/session", keys["expert"])
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
		t.Errorf("fourth request within a second at 1/s, burst 2: got %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	if resp := call(t, "GET", srv.URL+"/api/v1/session", keys["planner"]); resp.StatusCode != 200 {
		t.Errorf("another key is not limited: got %d", resp.StatusCode)
	}
}

type failingAudit struct{}

func (failingAudit) Audit(context.Context, store.AuditEntry) error { return errors.New("disk full") }

func TestAuditRowsAndFailClosed(t *testing.T) {
	srv, db, keys := secured(t, api.Config{}, nil)
	resp := call(t, "GET", srv.URL+"/api/v1/heatmap?bbox=10,30,20,40&res=3", keys["expert"])
	if resp.StatusCode != 200 {
		t.Fatalf("heatmap: %d", resp.StatusCode)
	}
	rid := resp.Header.Get("X-Request-Id")
	var phases []string
	for _, e := range auditRows(t, db, rid) {
		phases = append(phases, e.Phase)
		if e.Route != "/api/v1/heatmap" || e.Role != "expert" || !strings.Contains(string(e.Params), `"res": ["3"]`) {
			t.Errorf("audit row: %+v", e)
		}
		if e.Phase == "result" && (e.Rows == nil || e.Status == nil || *e.Status != 200) {
			t.Errorf("result row without rows/status: %+v", e)
		}
	}
	if strings.Join(phases, ",") != "request,result" {
		t.Errorf("audit phases for %s: got %v, want request,result", rid, phases)
	}
	if _, err := db.SQLX().Exec(`UPDATE audit_log SET role = 'x'`); err == nil {
		t.Error("UPDATE audit_log succeeded; it must be append-only")
	}
	if _, err := db.SQLX().Exec(`DELETE FROM audit_log`); err == nil {
		t.Error("DELETE FROM audit_log succeeded; it must be append-only")
	}
	bad, _, badKeys := secured(t, api.Config{}, failingAudit{})
	if resp := call(t, "GET", bad.URL+"/api/v1/vocabulary", badKeys["analyst"]); resp.StatusCode != 503 {
		t.Errorf("audit failing: got %d, want 503 and no data", resp.StatusCode)
	}
}

// TestNoSecretInLogs runs authenticated requests, including failing ones, while capturing
// every log line, and checks no key, token or Authorization header appears.
func TestNoSecretInLogs(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)
	srv, _, keys := secured(t, api.Config{}, failingAudit{})
	for _, k := range keys {
		call(t, "GET", srv.URL+"/api/v1/heatmap?bbox=nonsense", k)
		call(t, "GET", srv.URL+"/api/v1/vocabulary", k)
		call(t, "POST", srv.URL+"/api/v1/ingest", k)
	}
	out := buf.String()
	if out == "" {
		t.Fatal("nothing was logged; the test would prove nothing")
	}
	for _, k := range keys {
		if strings.Contains(out, k) || strings.Contains(out, k[len(k)-20:]) {
			t.Errorf("a key appears in the logs")
		}
	}
	if strings.Contains(out, "Bearer") || strings.Contains(strings.ToLower(out), "authorization") {
		t.Errorf("an Authorization header appears in the logs:\n%s", out)
	}
}

// TestClearanceHidesHigherHandlingCodes loads one H1 and one H3 sighting in the same place:
// an H1 key must never count the H3 one, in any output.
func TestClearanceHidesHigherHandlingCodes(t *testing.T) {
	srv, db, keys := secured(t, api.Config{}, nil)
	csv := csvHeader +
		"AG-C,clr-1,2024-03-10T10:00:00Z,36.8,10.2,,,Clearance Route,,,TN,7,boat_metal,mothership,,A,1,H1\n" +
		"AG-C,clr-3,2024-03-11T10:00:00Z,36.8,10.2,,,Secret Route,,,DZ,9,boat_wooden,crypto_payment,,A,1,H3\n"
	if rep, err := loader.Load(context.Background(), db, strings.NewReader(csv), loader.Options{Name: "clr.csv"}); err != nil || rep.Loaded != 2 {
		t.Fatalf("load: %+v %v", rep, err)
	}
	_, low, _ := db.CreateKey(context.Background(), "h1", "admin", 1)
	get := func(key, path string) map[string]any {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
		}
		return m
	}
	area := "bbox=9,36,11,37&res=5"
	for _, c := range []struct {
		path    string
		count   func(map[string]any) float64
		hi, low float64
	}{
		{"/api/v1/heatmap?" + area + "&from=2024-03-01&to=2024-04-01", func(m map[string]any) float64 {
			return m["totals"].(map[string]any)["sightings"].(float64)
		}, 2, 1},
		{"/api/v1/timeline?bucket=day&" + area, func(m map[string]any) float64 {
			return m["totals"].(map[string]any)["sightings"].(float64)
		}, 2, 1},
		{"/api/v1/compare?" + area + "&a_from=2024-01-01&a_to=2024-02-01&b_from=2024-03-01&b_to=2024-04-01", func(m map[string]any) float64 {
			return m["totals"].(map[string]any)["b"].(float64)
		}, 2, 1},
		{"/api/v1/vocabulary", func(m map[string]any) float64 {
			return float64(len(m["route"].([]any)))
		}, 2, 1},
	} {
		if got := c.count(get(keys["admin"], c.path)); got < c.hi {
			t.Errorf("%s as H3: got %v, want %v", c.path, got, c.hi)
		}
		if got := c.count(get(low, c.path)); got != c.low {
			t.Errorf("%s as H1: got %v, want %v (the H3 sighting leaked)", c.path, got, c.low)
		}
	}
	hm := get(low, "/api/v1/heatmap?"+area)
	cell := hm["cells"].([]any)[0].(map[string]any)["h3"].(string)
	d := get(low, "/api/v1/cells/"+cell)["detail"].(map[string]any)
	if d["sightings"] != 1.0 || strings.Contains(fmt.Sprint(d["breakdowns"]), "Secret Route") {
		t.Errorf("cell detail as H1: %v sightings, breakdowns %v", d["sightings"], d["breakdowns"])
	}
}

// send makes a request with the given headers, body and cookie and returns the response with
// its body read.
func send(t *testing.T, method, url string, header map[string]string, body string, cookie *http.Cookie) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// signIn opens a session the way the web app does (same origin, JSON) and returns its cookie.
func signIn(t *testing.T, base, key string) *http.Cookie {
	t.Helper()
	resp, body := send(t, "POST", base+"/api/v1/session", map[string]string{"Content-Type": "application/json",
		"Origin": base, "Sec-Fetch-Site": "same-origin"}, `{"key":"`+key+`"}`, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("sign in: got %d %s, want 201", resp.StatusCode, body)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "rw_session" {
			return c
		}
	}
	t.Fatal("sign in set no rw_session cookie")
	return nil
}

// auditRows are the audit rows of one request id. The 'result' row is written after the
// answer has gone out, so the client can read the log before it lands: auditRows waits
// (up to 5 s) for the result row and then returns what is there.
func auditRows(t *testing.T, db *store.DB, rid string) []store.AuditEntry {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		all, err := db.AuditLog(context.Background(), "", time.Time{}, 1000000)
		if err != nil {
			t.Fatal(err)
		}
		var out []store.AuditEntry
		done := false
		for _, e := range all {
			if e.RequestID == rid {
				out = append(out, e)
				done = done || e.Phase == "result"
			}
		}
		if done || time.Now().After(deadline) {
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCrossSiteRequestsRefused replays the reported attacks: a form on another site posting
// to POST /api/v1/jobs/:name/run with the admin's session cookie, and a cross-site text/plain
// form posting {"key": …} to sign the victim in as the attacker; and checks that the web
// app's own same-origin requests, and non-browser clients, still work.
func TestCrossSiteRequestsRefused(t *testing.T) {
	srv, _, keys := secured(t, api.Config{}, nil)
	admin := signIn(t, srv.URL, keys["admin"])
	run := srv.URL + "/api/v1/jobs/corridors/run"
	for _, c := range []struct {
		name   string
		header map[string]string
		cookie *http.Cookie
		bearer bool
		csrf   bool // refused by the same-origin check
	}{
		{"cross-site Origin", map[string]string{"Origin": "https://evil.example"}, admin, false, true},
		{"Sec-Fetch-Site cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, admin, false, true},
		{"Sec-Fetch-Site same-site", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://sub.example"}, admin, false, true},
		{"Origin null", map[string]string{"Origin": "null"}, admin, false, true},
		{"Origin of another port", map[string]string{"Origin": srv.URL + "1"}, admin, false, true},
		{"same origin", map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}, admin, false, false},
		{"no browser headers", nil, admin, false, false},
		{"bearer key, cross-site headers", map[string]string{"Origin": "https://evil.example"}, nil, true, false},
	} {
		h := map[string]string{"Content-Type": "text/plain"}
		for k, v := range c.header {
			h[k] = v
		}
		if c.bearer {
			h["Authorization"] = "Bearer " + keys["admin"]
		}
		resp, body := send(t, "POST", run, h, "x", c.cookie)
		refused := resp.StatusCode == 403 && strings.Contains(body, `"forbidden"`) && strings.Contains(body, "same-origin check")
		if refused != c.csrf || resp.StatusCode == 401 {
			t.Errorf("%s: got %d %s, want refused by the same-origin check = %v", c.name, resp.StatusCode, body, c.csrf)
		}
	}
	// A cookie-authenticated read from another origin is harmless (SameSite=Strict aside).
	if resp, body := send(t, "GET", srv.URL+"/api/v1/session", map[string]string{"Sec-Fetch-Site": "cross-site"}, "", admin); resp.StatusCode != 200 {
		t.Errorf("cross-site GET with the cookie: got %d %s, want 200", resp.StatusCode, body)
	}

	planner := `{"key":"` + keys["planner"] + `"}`
	for _, c := range []struct {
		name   string
		header map[string]string
		status int
		says   string
	}{
		{"text/plain form from another site", map[string]string{"Content-Type": "text/plain", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, 403, "same-origin check"},
		{"text/plain, no browser headers", map[string]string{"Content-Type": "text/plain"}, 415, "Content-Type"},
		{"form encoded, same origin", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": srv.URL}, 415, "Content-Type"},
		{"JSON from another site", map[string]string{"Content-Type": "application/json", "Origin": "https://evil.example"}, 403, "same-origin check"},
		{"JSON, same origin", map[string]string{"Content-Type": "application/json; charset=utf-8", "Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}, 201, ""},
		{"JSON, no browser headers", map[string]string{"Content-Type": "application/json"}, 201, ""},
	} {
		resp, body := send(t, "POST", srv.URL+"/api/v1/session", c.header, planner, nil)
		if resp.StatusCode != c.status || !strings.Contains(body, c.says) {
			t.Errorf("sign in, %s: got %d %s, want %d naming %q", c.name, resp.StatusCode, body, c.status, c.says)
		}
		if setCookie := resp.Header.Get("Set-Cookie"); (c.status == 201) != (setCookie != "") {
			t.Errorf("sign in, %s: Set-Cookie %q", c.name, setCookie)
		}
	}
	if resp, body := send(t, "POST", srv.URL+"/api/v1/session", map[string]string{"Authorization": "Bearer " + keys["planner"]}, "", nil); resp.StatusCode != 201 {
		t.Errorf("sign in with the Authorization header and no body: got %d %s, want 201", resp.StatusCode, body)
	}

	// Signing out is refused from another site and works from the app.
	expert := signIn(t, srv.URL, keys["expert"])
	if resp, _ := send(t, "DELETE", srv.URL+"/api/v1/session", map[string]string{"Origin": "https://evil.example"}, "", expert); resp.StatusCode != 403 {
		t.Errorf("cross-site sign-out: got %d, want 403", resp.StatusCode)
	}
	if resp, _ := send(t, "DELETE", srv.URL+"/api/v1/session", map[string]string{"Origin": "https://evil.example",
		"Authorization": "Bearer " + keys["expert"]}, "", expert); resp.StatusCode != 403 {
		t.Errorf("cross-site sign-out with a bearer key too: got %d, want 403", resp.StatusCode)
	}
	if resp, _ := send(t, "GET", srv.URL+"/api/v1/session", nil, "", expert); resp.StatusCode != 200 {
		t.Errorf("session after a refused cross-site sign-out: got %d, want 200", resp.StatusCode)
	}
	if resp, _ := send(t, "DELETE", srv.URL+"/api/v1/session", map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}, "", expert); resp.StatusCode != 204 ||
		resp.Header.Get("Clear-Site-Data") != `"cache"` {
		t.Errorf("same-origin sign-out: got %d (Clear-Site-Data %q), want 204 clearing the cache", resp.StatusCode, resp.Header.Get("Clear-Site-Data"))
	}
	if resp, _ := send(t, "GET", srv.URL+"/api/v1/session", nil, "", expert); resp.StatusCode != 401 {
		t.Errorf("session after signing out: got %d, want 401", resp.StatusCode)
	}
}

// TestSessionCookieSecure: the session cookie is Secure over TLS, and behind a trusted proxy
// that says X-Forwarded-Proto: https (whose X-Forwarded-Host then is the origin), but an
// untrusted client cannot claim either. --public-url's origin is the server's own too.
func TestSessionCookieSecure(t *testing.T) {
	db := storetest.Open(t, "apiauth")
	_, key, err := db.CreateKey(context.Background(), "cookie", "analyst", 1)
	if err != nil {
		t.Fatal(err)
	}
	serve := func(proxies []string, tls bool, publicURL string) *httptest.Server {
		r, err := api.New(api.Config{TrustedProxies: proxies, PublicURL: publicURL}, api.Deps{Ready: db, Data: db, Corridors: db, Auth: db, Audit: db})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewUnstartedServer(r)
		if tls {
			srv.StartTLS()
		} else {
			srv.Start()
		}
		t.Cleanup(srv.Close)
		return srv
	}
	plain, tlsSrv := serve(nil, false, ""), serve(nil, true, "")
	proxied := serve([]string{"127.0.0.1", "::1"}, false, "") // single addresses, as gin takes them
	public := serve(nil, false, "https://maps.example.org:443/app/")
	forwarded := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "routewatch.example", "Origin": "https://routewatch.example"}
	for _, c := range []struct {
		name   string
		srv    *httptest.Server
		header map[string]string
		status int
		secure bool
	}{
		{"plain HTTP", plain, nil, 201, false},
		{"TLS", tlsSrv, nil, 201, true},
		{"trusted proxy, X-Forwarded-Proto https", proxied, forwarded, 201, true},
		{"trusted proxy, plain HTTP", proxied, nil, 201, false},
		{"untrusted X-Forwarded-Proto https", plain, map[string]string{"X-Forwarded-Proto": "https"}, 201, false},
		{"untrusted X-Forwarded-Proto as the origin", plain, forwarded, 403, false},
		{"untrusted X-Forwarded-Host as the origin", plain, map[string]string{"X-Forwarded-Host": "routewatch.example", "Origin": "http://routewatch.example"}, 403, false},
		{"the origin of --public-url", public, map[string]string{"Origin": "https://maps.example.org"}, 201, false},
		{"not the origin of --public-url", public, map[string]string{"Origin": "http://maps.example.org"}, 403, false},
	} {
		client := c.srv.Client()
		req, _ := http.NewRequest("POST", c.srv.URL+"/api/v1/session", strings.NewReader(`{"key":"`+key+`"}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		secure := false
		for _, ck := range resp.Cookies() {
			secure = secure || (ck.Name == "rw_session" && ck.Secure)
		}
		if resp.StatusCode != c.status || secure != c.secure {
			t.Errorf("%s: got %d, Secure %v; want %d, Secure %v", c.name, resp.StatusCode, secure, c.status, c.secure)
		}
	}
}

// TestRefusalsAudited checks that refused requests (401 with the key's prefix, 403 by role
// and by the same-origin check, 429 per key and per address), sign-ins (good and bad) and
// sign-outs all leave audit rows with their status.
func TestRefusalsAudited(t *testing.T) {
	srv, db, keys := secured(t, api.Config{RateLimit: 1, RateBurst: 1}, nil)
	unknown := "rwk_0badc0de_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	expertPrefix := keys["expert"][:12]
	admin := signIn(t, srv.URL, keys["admin"])
	type want struct {
		phases, prefix, role string
		status               int
	}
	check := func(name string, resp *http.Response, w want) {
		t.Helper()
		rid := resp.Header.Get("X-Request-Id")
		rows := auditRows(t, db, rid)
		var phases []string
		for _, e := range rows {
			phases = append(phases, e.Phase)
			role := w.role
			if e.Phase == "request" && strings.HasPrefix(name, "sign in") {
				role = "" // not known before the key is checked
			}
			if e.KeyPrefix != w.prefix || e.Role != role || e.Route == "" {
				t.Errorf("%s: audit row %+v, want key prefix %q, role %q and the route", name, e, w.prefix, role)
			}
			if e.Phase == "result" && (e.Status == nil || *e.Status != w.status) {
				t.Errorf("%s: result row status %v, want %d", name, e.Status, w.status)
			}
		}
		if resp.StatusCode != w.status || strings.Join(phases, ",") != w.phases || len(rows) == 0 {
			t.Errorf("%s: got %d with audit rows %v (request id %q), want %d with %s", name, resp.StatusCode, phases, rid, w.status, w.phases)
		}
	}
	resp, _ := send(t, "GET", srv.URL+"/api/v1/vocabulary", nil, "", nil)
	check("no key", resp, want{"result", "", "", 401})
	resp, _ = send(t, "GET", srv.URL+"/api/v1/vocabulary", map[string]string{"Authorization": "Bearer " + unknown}, "", nil)
	check("unknown key", resp, want{"result", "rwk_0badc0de", "", 401})
	resp, _ = send(t, "GET", srv.URL+"/api/v1/cells/85283473fffffff", map[string]string{"Authorization": "Bearer " + keys["expert"]}, "", nil)
	check("role", resp, want{"result", expertPrefix, "expert", 403})
	resp, _ = send(t, "POST", srv.URL+"/api/v1/jobs/corridors/run", map[string]string{"Origin": "https://evil.example"}, "", admin)
	check("cross-site", resp, want{"result", keys["admin"][:12], "admin", 403})
	send(t, "GET", srv.URL+"/api/v1/session", map[string]string{"Authorization": "Bearer " + keys["expert"]}, "", nil)
	resp, _ = send(t, "GET", srv.URL+"/api/v1/session", map[string]string{"Authorization": "Bearer " + keys["expert"]}, "", nil)
	check("key rate", resp, want{"result", expertPrefix, "expert", 429})
	resp, _ = send(t, "POST", srv.URL+"/api/v1/session", map[string]string{"Content-Type": "application/json"}, `{"key":"`+keys["analyst"]+`"}`, nil)
	check("sign in", resp, want{"request,result", keys["analyst"][:12], "analyst", 201})
	resp, _ = send(t, "POST", srv.URL+"/api/v1/session", map[string]string{"Content-Type": "application/json"}, `{"key":"`+unknown+`"}`, nil)
	check("sign in, bad key", resp, want{"request,result", "rwk_0badc0de", "", 401})
	resp, _ = send(t, "POST", srv.URL+"/api/v1/session", map[string]string{"Content-Type": "text/plain"}, `{"key":"`+unknown+`"}`, nil)
	check("sign in as text/plain", resp, want{"result", "rwk_0badc0de", "", 415})
	resp, _ = send(t, "DELETE", srv.URL+"/api/v1/session", map[string]string{"Origin": srv.URL}, "", admin)
	check("sign out", resp, want{"request,result", keys["admin"][:12], "admin", 204})
	for i := 0; i < 100 && resp.StatusCode != 429; i++ {
		resp, _ = send(t, "GET", srv.URL+"/api/v1/vocabulary", map[string]string{"Authorization": "Bearer " + unknown}, "", nil)
	}
	check("address rate", resp, want{"result", "rwk_0badc0de", "", 429})
}

// TestNoSecretInAudit sends keys everywhere a client might put one (query parameters under
// secret-sounding names and others, path parameters, bad and good bearer keys, sign-ins)
// and checks that no audit row holds any key's secret part.
func TestNoSecretInAudit(t *testing.T) {
	srv, db, keys := secured(t, api.Config{}, nil)
	for _, k := range keys {
		for _, q := range []string{"key", "Token", "API_KEY", "access_token", "password", "secret", "Authorization", "bbox", "res"} {
			call(t, "GET", srv.URL+"/api/v1/heatmap?"+q+"="+url.QueryEscape(k), k)
		}
		call(t, "GET", srv.URL+"/api/v1/heatmap?"+url.QueryEscape(k)+"=1", k)
		call(t, "GET", srv.URL+"/api/v1/cells/"+url.PathEscape(k), k)
		call(t, "GET", srv.URL+"/api/v1/corridors/"+url.PathEscape(k)+"?password=hunter2&Token=opensesame&API_KEY=letmein", "")
		call(t, "GET", srv.URL+"/api/v1/vocabulary", k[:len(k)-2]+"xx") // a wrong secret with a real prefix
		send(t, "POST", srv.URL+"/api/v1/session", map[string]string{"Content-Type": "application/json"}, `{"key":"`+k+`"}`, nil)
		send(t, "POST", srv.URL+"/api/v1/session", map[string]string{"Content-Type": "text/plain"}, `{"key":"`+k+`"}`, nil)
		send(t, "POST", srv.URL+"/api/v1/session?key="+url.QueryEscape(k), map[string]string{"Authorization": "Bearer " + k}, "", nil)
	}
	rows, err := db.AuditLog(context.Background(), "", time.Time{}, 1000000)
	if err != nil {
		t.Fatal(err)
	}
	dump, _ := json.Marshal(rows)
	if len(rows) < 10*len(keys) || !strings.Contains(string(dump), "[redacted]") {
		t.Fatalf("%d audit rows, redacted %v: the test would prove nothing", len(rows), strings.Contains(string(dump), "[redacted]"))
	}
	for role, k := range keys {
		secret := k[13:] // after rwk_<8 hex>_
		if strings.Contains(string(dump), secret) || strings.Contains(string(dump), secret[:len(secret)-2]) {
			t.Errorf("the %s key's secret appears in the audit log", role)
		}
	}
	for _, v := range []string{"hunter2", "opensesame", "letmein"} {
		if strings.Contains(string(dump), v) {
			t.Errorf("the value of a secret-named parameter (%s) appears in the audit log", v)
		}
	}
}

// TestUnauthenticatedRateLimit: requests without a valid key (no key, bad keys, sign-ins)
// share a bucket per client address (IPv6: per /64), 10/s with bursts of 20; another
// address is not affected.
func TestUnauthenticatedRateLimit(t *testing.T) {
	db := storetest.Open(t, "apiauth")
	auth := &countingAuth{DB: db}
	r, err := api.New(api.Config{TrustedProxies: []string{"127.0.0.1/32", "::1"}}, api.Deps{Ready: db, Data: db, Auth: auth, Audit: db})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	from := func(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }
	drain(t, srv.URL, "203.0.113.7", 3)
	// The drained address's keys are not looked up (each lookup is a query): 429 at once,
	// until a token refills (every 100 ms).
	refused := 0
	for i := 0; i < 5; i++ {
		h := from("203.0.113.7")
		h["Authorization"] = "Bearer " + strings.Repeat("rwk_00000000_nope", 1+i)
		looked := auth.calls.Load()
		resp, _ := send(t, "GET", srv.URL+"/api/v1/vocabulary", h, "", nil)
		if resp.StatusCode == 429 {
			refused++
			if auth.calls.Load() != looked {
				t.Errorf("drained address: a key was looked up before the 429")
			}
		}
	}
	if refused == 0 {
		t.Error("drained address: no request refused right after draining")
	}
	drain(t, srv.URL, "192.0.2.44", 1) // sign-ins alone
	if resp, _ := send(t, "GET", srv.URL+"/api/v1/vocabulary", from("198.51.100.9"), "", nil); resp.StatusCode != 401 {
		t.Errorf("another address: got %d, want 401", resp.StatusCode)
	}
	drain(t, srv.URL, "2001:db8:1:2::5", 3)
	// The /64 shares one bucket. A token may refill between the drain and the next request on
	// a busy machine (one every 100 ms), so a few tries must meet a 429.
	codes := []int{}
	for i := 0; i < 4 && (len(codes) == 0 || codes[len(codes)-1] != 429); i++ {
		resp, _ := send(t, "GET", srv.URL+"/api/v1/vocabulary", from("2001:db8:1:2::6"), "", nil)
		codes = append(codes, resp.StatusCode)
	}
	if codes[len(codes)-1] != 429 {
		t.Errorf("another address of the same IPv6 /64: got %v, want a 429", codes)
	}
	if resp, _ := send(t, "GET", srv.URL+"/api/v1/vocabulary", from("2001:db8:1:3::5"), "", nil); resp.StatusCode != 401 {
		t.Errorf("an address of another IPv6 /64: got %d, want 401", resp.StatusCode)
	}
}

// countingAuth counts key lookups.
type countingAuth struct {
	*store.DB
	calls atomic.Int64
}

func (a *countingAuth) Authenticate(ctx context.Context, secret string) (*store.Key, error) {
	a.calls.Add(1)
	return a.DB.Authenticate(ctx, secret)
}

// drain sends requests without a valid key from addr (through the trusted proxy) until one is
// refused with 429 and Retry-After, which must not come before the burst of 20 is spent. The
// requests are sign-ins (kinds 1), or in turn sign-ins, no key and bad keys (kinds 3).
func drain(t *testing.T, base, addr string, kinds int) {
	t.Helper()
	var resp *http.Response
	n := 0
	for ; n < 200 && (resp == nil || resp.StatusCode == 401); n++ {
		h := map[string]string{"X-Forwarded-For": addr}
		switch (n%kinds + 2) % 3 {
		case 0: // no key
			resp, _ = send(t, "GET", base+"/api/v1/vocabulary", h, "", nil)
		case 1:
			h["Authorization"] = "Bearer rwk_00000000_nope"
			resp, _ = send(t, "GET", base+"/api/v1/vocabulary", h, "", nil)
		case 2:
			h["Content-Type"] = "application/json"
			resp, _ = send(t, "POST", base+"/api/v1/session", h, `{"key":"rwk_00000000_nope"}`, nil)
		}
	}
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || n <= 20 {
		t.Errorf("%s, after %d requests without a valid key: got %d, Retry-After %q; want 429 with Retry-After after more than 20",
			addr, n, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
