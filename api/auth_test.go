package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
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
	log, err := db.AuditLog(context.Background(), "", time.Time{}, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var phases []string
	for _, e := range log {
		if e.RequestID == rid {
			phases = append(phases, e.Phase)
			if e.Route != "/api/v1/heatmap" || e.Role != "expert" || !strings.Contains(string(e.Params), `"res": ["3"]`) {
				t.Errorf("audit row: %+v", e)
			}
			if e.Phase == "result" && (e.Rows == nil || e.Status == nil || *e.Status != 200) {
				t.Errorf("result row without rows/status: %+v", e)
			}
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
