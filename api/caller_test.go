package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uber/h3-go/v4"

	"routewatch/api"
	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/store"
	"routewatch/store/storetest"
)

// callerServer is the real router with authentication, auditing and analytics on the test
// database "apicaller", holding one H0 and one H3 sighting in the same place (March 2024).
func callerServer(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	db := storetest.Open(t, "apicaller")
	r, err := api.New(api.Config{}, api.Deps{Ready: db, Data: db, Ingest: loader.Service{DB: db}, Corridors: db,
		Auth: db, Audit: db, Analytics: jobs.Service{DB: db}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	csv := csvHeader +
		"AG-C,cal-0,2024-03-10T10:00:00Z,36.8,10.2,,,Open Route,,,TN,7,boat_metal,,,A,1,H0\n" +
		"AG-C,cal-3,2024-03-11T10:00:00Z,36.8,10.2,,,Secret Route,,,DZ,9,boat_wooden,,,A,1,H3\n"
	if rep, err := loader.Load(context.Background(), db, strings.NewReader(csv), loader.Options{Name: "caller.csv"}); err != nil ||
		rep.Status != "completed" && rep.Status != "already_loaded" {
		t.Fatalf("load: %+v %v", rep, err)
	}
	return srv, db
}

func newKey(t *testing.T, db *store.DB, role string, clearance int) string {
	t.Helper()
	_, secret, err := db.CreateKey(context.Background(), "caller-"+role, role, clearance)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// get sends a GET with the key and extra headers and returns the answer with its body.
func get(t *testing.T, url, key string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no client-side decompression: Accept-Encoding as sent
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestETagPerCaller: an answer's validator names the caller's role and clearance, so an H0
// key that sends the ETag of an H3 key's answer gets its own answer, not a 304 that would
// let a cache serve it the H3 answer; the same key gets its 304.
func TestETagPerCaller(t *testing.T) {
	srv, db := callerServer(t)
	h3key, h0key, adminH3 := newKey(t, db, "expert", 3), newKey(t, db, "expert", 0), newKey(t, db, "admin", 3)
	for _, path := range []string{
		"/api/v1/heatmap?bbox=9,36,11,37&res=5&from=2024-03-01&to=2024-04-01",
		"/api/v1/timeline?bucket=day&bbox=9,36,11,37&res=5&from=2024-03-01&to=2024-04-01",
	} {
		for _, enc := range []string{"", "gzip"} {
			hdr := map[string]string{"Accept-Encoding": enc}
			hi, hiBody := get(t, srv.URL+path, h3key, hdr)
			tag := hi.Header.Get("ETag")
			if hi.StatusCode != 200 || tag == "" {
				t.Fatalf("%s as H3: got %d, ETag %q; want 200 with an ETag", path, hi.StatusCode, tag)
			}
			hdr["If-None-Match"] = tag
			if again, _ := get(t, srv.URL+path, h3key, hdr); again.StatusCode != 304 {
				t.Errorf("%s as H3 with its own ETag: got %d, want 304", path, again.StatusCode)
			}
			lo, loBody := get(t, srv.URL+path, h0key, hdr)
			if lo.StatusCode != 200 {
				t.Errorf("%s as H0 with the H3 answer's ETag: got %d, want 200 (a 304 hands it the H3 answer)", path, lo.StatusCode)
			}
			if lo.Header.Get("ETag") == tag || loBody == hiBody {
				t.Errorf("%s as H0: the same ETag or body as H3's (%s)", path, tag)
			}
			if other, _ := get(t, srv.URL+path, adminH3, hdr); other.StatusCode != 200 {
				t.Errorf("%s as admin H3 with an expert H3 ETag: got %d, want 200 (roles are part of the validator)", path, other.StatusCode)
			}
			for _, resp := range []*http.Response{hi, lo} {
				wantPrivate(t, path, resp)
				if v := resp.Header.Get("Vary"); !strings.Contains(v, "Accept-Encoding") {
					t.Errorf("%s: Vary %q lacks Accept-Encoding", path, v)
				}
			}
		}
	}
}

// wantPrivate checks an authenticated answer may be stored by no shared cache and only for
// the credentials that fetched it.
func wantPrivate(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("%s: Cache-Control %q, want private", what, cc)
	}
	vary := strings.ToLower(strings.Join(resp.Header.Values("Vary"), ","))
	if !strings.Contains(vary, "authorization") || !strings.Contains(vary, "cookie") {
		t.Errorf("%s: Vary %q, want Authorization and Cookie", what, vary)
	}
	if len(resp.Header.Values("Vary")) != 1 {
		t.Errorf("%s: %d Vary lines %q, want one", what, len(resp.Header.Values("Vary")), resp.Header.Values("Vary"))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("%s: Content-Security-Policy %q, want default-src 'none' and frame-ancestors 'none'", what, csp)
	}
}

// TestAuthenticatedAnswersArePrivate walks data endpoints of every kind (streamed, plain
// JSON, OGC, errors) and checks each carries Cache-Control private and Vary on the
// credentials.
func TestAuthenticatedAnswersArePrivate(t *testing.T) {
	srv, db := callerServer(t)
	key := newKey(t, db, "analyst", 3)
	for _, path := range []string{
		"/api/v1/heatmap?bbox=9,36,11,37&res=5", // current period: no validator
		"/api/v1/vocabulary",
		"/api/v1/corridors",
		"/api/v1/hotspots",
		"/api/v1/jobs",
		"/api/v1/session",
		"/api/v1/heatmap?bbox=nonsense",
		"/ogc",
		"/ogc/collections",
		"/ogc/collections/cells/items?bbox=9,36,11,37&res=5",
	} {
		resp, _ := get(t, srv.URL+path, key, nil)
		wantPrivate(t, path, resp)
		if cc := resp.Header.Get("Cache-Control"); resp.Header.Get("ETag") == "" && !strings.Contains(cc, "no-store") {
			t.Errorf("%s: Cache-Control %q without a validator, want no-store", path, cc)
		}
	}
	if resp, _ := get(t, srv.URL+"/api/v1/vocabulary", "", nil); resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("Cache-Control"), "private") {
		t.Errorf("401 without a key: got %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

// TestJobsCountCallersClearance: GET /api/v1/jobs counts a run's results at the caller's
// clearance only; job_runs.rows, the sum over every level, would tell an H0 key how much it
// does not see.
func TestJobsCountCallersClearance(t *testing.T) {
	srv, db := callerServer(t)
	ctx := context.Background()
	run, err := db.StartRun(ctx, "hotspots", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	cell := h3.LatLngToCell(h3.NewLatLng(36.8, 10.2), 4)
	perLevel := map[int]int{0: 1, 1: 2, 3: 3}
	var rows []store.Hotspot
	for clearance, n := range perLevel {
		for i := range n {
			rows = append(rows, store.Hotspot{Clearance: clearance, Cell: cell.Parent(4 - i), Res: 4 - i, Pattern: "New Hot Spot"})
		}
	}
	if err := db.CompleteHotspotRun(ctx, run, rows); err != nil {
		t.Fatal(err)
	}
	for clearance := range 4 {
		resp, body := get(t, srv.URL+"/api/v1/jobs?kind=hotspots", newKey(t, db, "expert", clearance), nil)
		var doc struct {
			Items []store.Run `json:"items"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil || resp.StatusCode != 200 {
			t.Fatalf("jobs as H%d: %d %s", clearance, resp.StatusCode, body)
		}
		var got *store.Run
		for i := range doc.Items {
			if doc.Items[i].ID == run {
				got = &doc.Items[i]
			}
		}
		if got == nil {
			t.Fatalf("jobs as H%d: run %d not listed: %s", clearance, run, body)
		}
		if got.Rows != perLevel[clearance] {
			t.Errorf("jobs as H%d: run %d has %d rows, want %d (its level's; all levels hold %d)", clearance, run, got.Rows, perLevel[clearance], len(rows))
		}
	}
}
