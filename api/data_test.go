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
	return newServerOn(t, cfg, "apidata")
}

// newServerOn serves the test database named label (one per label and test binary).
func newServerOn(t *testing.T, cfg api.Config, label string) *httptest.Server {
	t.Helper()
	db := storetest.Open(t, label)
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
	if pl, _ := gj["features"].([]any)[0].(map[string]any)["properties"].(map[string]any)["place"].(string); !strings.Contains(pl, ", ") {
		t.Errorf("geojson heatmap: cell place %q, want a town and its country", pl)
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

func TestCompareCellAndVocabulary(t *testing.T) {
	srv := newServer(t, api.Config{})
	var b strings.Builder
	b.WriteString(csvHeader)
	// Period A (Jan 2024): 2 sightings; period B (Feb 2024): 10, in the same cell; plus 5
	// new ones in another cell in B.
	for i := 0; i < 2; i++ {
		fmt.Fprintf(&b, "AG-GR,c-a%d,2024-01-1%dT10:00:00Z,39.1,26.5,,,Eastern Mediterranean,,,SY,10,boat_rubber,,,B,2,H0\n", i, i)
	}
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&b, "AG-GR,c-b%d,2024-02-1%dT10:00:00Z,39.1,26.5,,,Eastern Mediterranean,,,SY;AF,10,boat_rubber,pushoff_unaccompanied,,B,2,H0\n", i, i)
	}
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, "AG-GR,c-n%d,2024-02-0%dT10:00:00Z,36.9,27.3,,,Eastern Mediterranean,,,AF,10,boat_wooden,,,B,2,H0\n", i, i+1)
	}
	if code, rep := do(t, "POST", srv.URL+"/api/v1/ingest?filename=c.csv", "text/csv", b.String()); code != 201 {
		t.Fatalf("ingest: %d %v", code, rep)
	}
	code, cmp := do(t, "GET", srv.URL+"/api/v1/compare?bbox=20,30,30,45&res=5&a_from=2024-01-01&a_to=2024-01-29&b_from=2024-02-01&b_to=2024-02-29", "", "")
	if code != 200 {
		t.Fatalf("compare: %d %v", code, cmp)
	}
	statuses := map[string]float64{}
	for _, c := range cmp["cells"].([]any) {
		m := c.(map[string]any)
		statuses[m["status"].(string)] = m["b"].(float64)
		if m["status"] == "up" && !(m["q_up"].(float64) < 0.05) {
			t.Errorf("up cell with q_up %v", m["q_up"])
		}
	}
	// 2 → 10 over 28 days each: p = 79/4096 ≈ 0.019; two cells tested, q = 0.039 < 0.05.
	if statuses["up"] != 10 || statuses["new"] != 5 || len(statuses) != 2 {
		t.Errorf("compare statuses: got %v, want one up cell (b=10) and one new cell (b=5)", statuses)
	}
	tot := cmp["totals"].(map[string]any)
	if tot["a"] != 2.0 || tot["b"] != 15.0 {
		t.Errorf("compare totals: got %v, want a=2 b=15", tot)
	}
	if code, _ := do(t, "GET", srv.URL+"/api/v1/compare?a_from=2024-01-01&a_to=2024-02-01", "", ""); code != 400 {
		t.Errorf("compare without period B: got %d, want 400", code)
	}

	// The cell of the first point at res 5, with its breakdowns.
	_, hm := do(t, "GET", srv.URL+"/api/v1/heatmap?bbox=26,39,27,39.2&res=5", "", "")
	cell := hm["cells"].([]any)[0].(map[string]any)["h3"].(string)
	code, cd := do(t, "GET", srv.URL+"/api/v1/cells/"+cell, "", "")
	if code != 200 {
		t.Fatalf("cell: %d %v", code, cd)
	}
	// Its place in words: the points lie on and off Lesbos, beside the Turkish coast.
	if pl, _ := cd["place"].(map[string]any); pl == nil || (pl["country"] != "Greece" && pl["country"] != "Turkey") || pl["text"] == "" {
		t.Errorf("cell place: %v, want a place in or off Greece or Turkey", cd["place"])
	}
	d := cd["detail"].(map[string]any)
	if d["sightings"] != 12.0 || len(d["neighbours"].([]any)) != 6 {
		t.Errorf("cell detail: got %v sightings and %d neighbours, want 12 and 6", d["sightings"], len(d["neighbours"].([]any)))
	}
	nat := d["breakdowns"].(map[string]any)["nationality"].([]any)
	if first := nat[0].(map[string]any); first["value"] != "SY" || first["sightings"] != 12.0 {
		t.Errorf("nationality breakdown: got %v, want SY with 12 first", nat)
	}
	// A cell without sightings (a period before the data) has empty lists, not nulls: the
	// web app's cell panel read null.map before.
	code, cd = do(t, "GET", srv.URL+"/api/v1/cells/"+cell+"?from=2001-01-01&to=2001-02-01", "", "")
	if code != 200 {
		t.Fatalf("empty cell: %d %v", code, cd)
	}
	empty := cd["detail"].(map[string]any)
	for _, k := range []string{"weekly", "neighbours"} {
		if _, ok := empty[k].([]any); !ok {
			t.Errorf("empty cell's %s: got %#v, want a list", k, empty[k])
		}
	}
	if _, ok := empty["breakdowns"].(map[string]any); !ok || empty["sightings"] != 0.0 {
		t.Errorf("empty cell: got %v sightings and breakdowns %#v, want 0 and an object", empty["sightings"], empty["breakdowns"])
	}
	if code, _ := do(t, "GET", srv.URL+"/api/v1/cells/zzz", "", ""); code != 400 {
		t.Errorf("bad cell id: got %d, want 400", code)
	}
	code, voc := do(t, "GET", srv.URL+"/api/v1/vocabulary", "", "")
	if code != 200 || len(voc["mode"].([]any)) < 2 || len(voc["nationality"].([]any)) < 2 {
		t.Errorf("vocabulary: got %d %v", code, voc)
	}
}
