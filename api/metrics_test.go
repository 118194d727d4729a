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
	"strings"
	"testing"
	"time"

	"routewatch/api"
	"routewatch/loader"
	"routewatch/store/storetest"
)

// scrape returns the /metrics text of m, served as `routewatch serve --metrics-addr` serves
// it: on a listener of its own.
func scrape(t *testing.T, m *api.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: got %d %s, want 200 text/plain", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return string(b)
}

func wantLines(t *testing.T, text string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(text, l) {
			t.Errorf("/metrics lacks %q", l)
		}
	}
}

func TestMetricsRequestsByRouteTemplate(t *testing.T) {
	db := storetest.Open(t, "apimetrics")
	m := api.NewMetrics(db)
	r, err := api.New(api.Config{}, api.Deps{Ready: db, Data: db, Ingest: loader.Service{DB: db}, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	defer srv.Close()
	for _, path := range []string{"/healthz", "/healthz", "/no/such/secret-path", "/api/v1/heatmap?bbox=1,2,3",
		"/api/v1/cells/85283473fffffff?from=2024-01-01&to=2024-02-01", "/api/v1/cells/zz"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	m.ObserveJob("corridors", 2*time.Second, nil)
	m.ObserveJob("hotspots", time.Second, errors.New("boom"))
	text := scrape(t, m)
	wantLines(t, text,
		`routewatch_http_request_duration_seconds_count{method="GET",route="/healthz",status="2xx"} 2`,
		`routewatch_http_request_duration_seconds_count{method="GET",route="unmatched",status="4xx"} 1`,
		`routewatch_http_request_duration_seconds_count{method="GET",route="/api/v1/heatmap",status="4xx"} 1`,
		`routewatch_http_request_duration_seconds_count{method="GET",route="/api/v1/cells/:h3",status="2xx"} 1`,
		`routewatch_http_request_duration_seconds_count{method="GET",route="/api/v1/cells/:h3",status="4xx"} 1`,
		`routewatch_job_duration_seconds_count{kind="corridors",outcome="completed"} 1`,
		`routewatch_job_duration_seconds_count{kind="hotspots",outcome="failed"} 1`,
		`routewatch_job_last_success_timestamp_seconds{kind="corridors"}`,
		`routewatch_db_open_connections `, `routewatch_db_in_use_connections `, `routewatch_db_idle_connections `,
		`routewatch_db_wait_count_total `, `routewatch_db_max_open_connections 16`,
		`routewatch_http_requests_in_flight 0`, // the scrape goes to the metrics listener, not through the router
		`process_resident_memory_bytes `, `go_goroutines `)
	if strings.Contains(text, "secret-path") || strings.Contains(text, "85283473fffffff") {
		t.Errorf("/metrics carries a raw path; labels must be route templates:\n%s", grepLines(text, "routewatch_http"))
	}
	if strings.Contains(text, `job_last_success_timestamp_seconds{kind="hotspots"}`) {
		t.Error("a failed run set the last-success time")
	}
}

// TestNoMetricsOnTheAPIListener: /metrics is not public: the API router does not serve it,
// with or without a key (it is on --metrics-addr when that is set).
func TestNoMetricsOnTheAPIListener(t *testing.T) {
	srv, _, keys := secured(t, api.Config{}, nil)
	for _, key := range []string{"", keys["admin"]} {
		resp := call(t, "GET", srv.URL+"/metrics", key)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /metrics on the API listener (key %v): got %d, want 404", key != "", resp.StatusCode)
		}
	}
}

func TestMetricsCountIngest(t *testing.T) {
	db := storetest.Open(t, "apidata")
	m := api.NewMetrics(db)
	r, err := api.New(api.Config{}, api.Deps{Ready: db, Data: db, Ingest: loader.Service{DB: db}, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	defer srv.Close()
	var b strings.Builder
	b.WriteString(csvHeader)
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, "AG-M,m-%d,2024-03-0%dT10:00:00Z,36.1,14.2,,,,,,,2,boat_rubber,,,B,2,H0\n", i, i+1)
	}
	b.WriteString("AG-M,m-bad,2024-03-09T10:00:00Z,36.1,14.2,,,,,,,2,hovercraft,,,B,2,H0\n")
	if code, body := do(t, "POST", srv.URL+"/api/v1/ingest", "text/csv", b.String()); code != 201 {
		t.Fatalf("ingest: got %d %v", code, body)
	}
	if code, _ := do(t, "POST", srv.URL+"/api/v1/ingest?dry_run=true", "text/csv", b.String()+"AG-M,m-9,2024-03-09T10:00:00Z,36.1,14.2,,,,,,,2,car,,,B,2,H0\n"); code != 200 {
		t.Fatalf("dry run: got %d", code)
	}
	wantLines(t, scrape(t, m),
		`routewatch_ingest_batches_total{status="completed"} 1`,
		`routewatch_ingest_batches_total{status="dry_run"} 1`,
		`routewatch_ingest_rows_total{outcome="loaded"} 3`,
		`routewatch_ingest_rows_total{outcome="rejected"} 1`,
		`routewatch_ingest_rows_total{outcome="duplicate"} 0`)
}

// TestRequestLog checks the one log line per request: route template, status, duration and
// the request id the client got (on protected routes, the audit log's id), and never the
// key or the query values.
func TestRequestLog(t *testing.T) {
	srv, db, keys := secured(t, api.Config{}, nil)
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	defer slog.SetDefault(old)

	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/heatmap?bbox=10,30,20,40&res=3&nationality=SY&from=2024-01-01&to=2024-02-01", nil)
	req.Header.Set("Authorization", "Bearer "+keys["analyst"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Header.Get("X-Request-Id")
	if resp.StatusCode != 200 || len(id) != 16 {
		t.Fatalf("heatmap: got %d, X-Request-Id %q; want 200 and a 16-hex-digit id", resp.StatusCode, id)
	}
	resp, err = http.Get(srv.URL + "/healthz") // debug level: not logged at info
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("got %d request lines, want 1 (heatmap; healthz logs at debug):\n%s", len(lines), buf.String())
	}
	l := lines[0]
	if l["route"] != "/api/v1/heatmap" || l["method"] != "GET" || l["status"] != float64(200) || l["request_id"] != id {
		t.Errorf("request line %v: want route /api/v1/heatmap, GET, 200, request_id %s", l, id)
	}
	if _, ok := l["ms"].(float64); !ok {
		t.Errorf("request line %v has no duration", l)
	}
	for _, secret := range []string{keys["analyst"], "SY", "10,30,20,40", "Bearer"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("the log carries %q:\n%s", secret, buf.String())
		}
	}
	var n int
	if err := db.SQLX().GetContext(context.Background(), &n, `SELECT count(*) FROM audit_log WHERE request_id = $1`, id); err != nil || n != 2 {
		t.Errorf("audit rows with the logged request id %s: got %d (%v), want 2 (request and result)", id, n, err)
	}
}

func TestReadyzShowsPool(t *testing.T) {
	db := storetest.Open(t, "apimetrics")
	r, err := api.New(api.Config{}, api.Deps{Ready: db})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	defer srv.Close()
	code, body := do(t, "GET", srv.URL+"/readyz", "", "")
	pool, _ := body["pool"].(map[string]any)
	if code != 200 || pool == nil || pool["max_open"] != float64(16) {
		t.Fatalf("GET /readyz: got %d %v, want 200 with pool stats (max_open 16)", code, body)
	}
}

func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
