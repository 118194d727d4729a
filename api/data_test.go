package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"routewatch/api"
	"routewatch/loader"
	"routewatch/store/storetest"
)

const csvHeader = "source,external_id,observed_at,lat,lon,location_precision_m,journey_id,route_label,origin_country,destination_country,nationalities,persons,transport_mode,modus_operandi,facilitator_detected,source_reliability,info_credibility,handling_code\n"

func newServer(t *testing.T, cfg api.Config) *httptest.Server {
	t.Helper()
	db := storetest.Open(t, "apidata")
	r, err := api.New(cfg, api.Deps{Ready: db, Data: db, Ingest: loader.Service{DB: db}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, method, url, ctype, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s %s: body is not JSON: %q", method, url, b)
		}
	}
	return resp.StatusCode, m
}

func TestIngestThenHeatmap(t *testing.T) {
	srv := newServer(t, api.Config{MaxUpload: 4096})
	var b strings.Builder
	b.WriteString(csvHeader)
	for i := 0; i < 10; i++ { // 10 near Lampedusa in June 2024, 4 persons each
		fmt.Fprintf(&b, "AG-IT,h-%d,2024-06-1%dT10:00:00Z,35.5,12.6,,,,,,,4,boat_rubber,,,A,1,H0\n", i, i)
	}
	fmt.Fprintf(&b, "AG-IT,bad,2024-06-10T10:00:00Z,35.5,12.6,,,,,,,4,zeppelin,,,A,1,H0\n")
	code, rep := do(t, "POST", srv.URL+"/api/v1/ingest", "text/csv", b.String())
	if code != 201 || rep["loaded"] != 10.0 || rep["rejected"] != 1.0 {
		t.Fatalf("ingest: got %d %v, want 201 with 10 loaded and 1 rejected", code, rep)
	}
	code, hm := do(t, "GET", srv.URL+"/api/v1/heatmap?bbox=10,30,20,40&res=4&from=2024-06-01&to=2024-07-01", "", "")
	if code != 200 {
		t.Fatalf("heatmap: got %d %v", code, hm)
	}
	cells := hm["cells"].([]any)
	if len(cells) != 1 || cells[0].(map[string]any)["sightings"] != 10.0 || cells[0].(map[string]any)["persons"] != 40.0 {
		t.Fatalf("heatmap cells: got %v, want one cell with 10 sightings and 40 persons", cells)
	}
	code, tl := do(t, "GET", srv.URL+"/api/v1/timeline?bucket=month&bbox=10,30,20,40&res=4", "", "")
	if code != 200 || tl["totals"].(map[string]any)["sightings"] != 10.0 {
		t.Fatalf("timeline: got %d %v, want 10 sightings", code, tl)
	}
	code, gj := do(t, "GET", srv.URL+"/api/v1/heatmap?bbox=10,30,20,40&res=4&format=geojson", "", "")
	if code != 200 || gj["type"] != "FeatureCollection" || len(gj["features"].([]any)) != 1 {
		t.Fatalf("geojson heatmap: got %d %v", code, gj)
	}
	// Too large a body is a 413 naming the limit.
	code, e := do(t, "POST", srv.URL+"/api/v1/ingest", "text/csv", csvHeader+strings.Repeat("x", 5000))
	if code != 413 {
		t.Fatalf("oversize upload: got %d %v, want 413", code, e)
	}
	code, _ = do(t, "POST", srv.URL+"/api/v1/ingest", "image/png", "x")
	if code != 400 {
		t.Fatalf("wrong content type: got %d, want 400", code)
	}
}

func TestBadParametersAre400NamingTheParameter(t *testing.T) {
	srv := newServer(t, api.Config{})
	cases := []struct{ query, param string }{
		{"/api/v1/heatmap?bbox=1,2,3", "bbox"},
		{"/api/v1/heatmap?bbox=0,50,10,40", "bbox"},
		{"/api/v1/heatmap?bbox=a,b,c,d", "bbox"},
		{"/api/v1/heatmap?res=11", "res"},
		{"/api/v1/heatmap?res=x", "res"},
		{"/api/v1/heatmap?from=yesterday", "from"},
		{"/api/v1/heatmap?from=2024-02-01&to=2024-01-01", "from"},
		{"/api/v1/heatmap?min_reliability=G", "min_reliability"},
		{"/api/v1/heatmap?nationality=Syria", "nationality"},
		{"/api/v1/heatmap?format=kml", "format"},
		{"/api/v1/heatmap?bbox=-180,-90,180,90&res=8", "bbox"}, // over the cell cap
		{"/api/v1/timeline?bucket=year", "bucket"},
		{"/api/v1/timeline?to=2024-13-01", "to"},
	}
	for _, c := range cases {
		code, body := do(t, "GET", srv.URL+c.query, "", "")
		e, _ := body["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if code != 400 || !strings.HasPrefix(msg, c.param+":") {
			t.Errorf("GET %s: got %d %q, want 400 with a message about %s", c.query, code, msg, c.param)
		}
	}
	// The cap refusal says how to narrow the request.
	_, body := do(t, "GET", srv.URL+"/api/v1/heatmap?bbox=-180,-90,180,90&res=8", "", "")
	if d := body["error"].(map[string]any)["details"].(map[string]any); d["max_res_for_bbox"] == nil {
		t.Errorf("cap refusal details: got %v, want max_res_for_bbox", d)
	}
}

func TestHeatmapGzipAndETag(t *testing.T) {
	srv := newServer(t, api.Config{})
	url := srv.URL + "/api/v1/heatmap?bbox=0,0,10,10&from=2020-01-01&to=2021-01-01"
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tag := resp.Header.Get("ETag")
	if resp.Header.Get("Content-Encoding") != "gzip" || tag == "" || !bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
		t.Fatalf("gzip/etag: got encoding %q etag %q", resp.Header.Get("Content-Encoding"), tag)
	}
	req.Header.Set("If-None-Match", tag)
	resp, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: got %d, want 304", resp.StatusCode)
	}
}
