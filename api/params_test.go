package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/uber/h3-go/v4"

	"routewatch/api"
	"routewatch/geo"
	"routewatch/loader"
	"routewatch/store"
)

// getAs is GET url with key (none when ""), the status and the decoded JSON body.
func getAs(t *testing.T, url, key string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: %d, body is not JSON: %q", url, resp.StatusCode, b)
	}
	return resp.StatusCode, m
}

// refusal is the message and details of an error envelope.
func refusal(body map[string]any) (string, map[string]any) {
	e, _ := body["error"].(map[string]any)
	msg, _ := e["message"].(string)
	d, _ := e["details"].(map[string]any)
	return msg, d
}

// TestThinStripOverCellCap is the security report's strip, 0.0001° by 100°: its area holds
// 8,092 res-10 cells but it lies across over 100,000, so every endpoint answered in cells
// refuses it at res 10 with a 400 naming bbox and res 8, the finest that fits. Without res
// a strip gets a resolution that fits instead of a refusal; ordinary boxes are refused or
// served as before.
func TestThinStripOverCellCap(t *testing.T) {
	srv := newServer(t, api.Config{})
	strip := "bbox=-50,10,50,10.0001&res=10"
	periods := "&a_from=2024-01-01&a_to=2024-02-01&b_from=2024-02-01&b_to=2024-03-01"
	for _, path := range []string{"/api/v1/heatmap?" + strip, "/api/v1/timeline?" + strip,
		"/api/v1/compare?" + strip + periods, "/ogc/collections/cells/items?" + strip} {
		code, body := do(t, "GET", srv.URL+path, "", "")
		msg, d := refusal(body)
		if code != 400 || !strings.HasPrefix(msg, "bbox:") || d["max_res_for_bbox"] != 8.0 || d["estimated_cells"].(float64) <= api.MaxCells {
			t.Errorf("GET %s: got %d %q %v, want 400 about bbox with max_res_for_bbox 8", path, code, msg, d)
		}
	}
	if code, body := do(t, "GET", srv.URL+"/api/v1/heatmap?bbox=-50,10,50,10.0001&res=8", "", ""); code != 200 || body["res"] != 8.0 {
		t.Errorf("the strip at res 8: got %d %v, want 200", code, body)
	}

	long := geo.BBox{West: -180, South: 10, East: 180, North: 10.0001}
	def := geo.DefaultRes(long)
	want := long.FinestResWithin(def, api.MaxCells)
	if want >= def {
		t.Fatalf("premise: the default res %d of %v fits the cap", def, long)
	}
	if code, body := do(t, "GET", srv.URL+"/api/v1/heatmap?bbox="+long.String(), "", ""); code != 200 || body["res"] != float64(want) {
		t.Errorf("the world-long strip without res: got %d res %v, want 200 at res %d (default %d does not fit)", code, body["res"], want, def)
	}

	for _, c := range []struct {
		query string
		code  int
		fit   float64
	}{
		{"bbox=-180,-90,180,90&res=8", 400, 3}, // refused as before, naming the same res
		{"bbox=-180,-90,180,90&res=3", 200, 0},
		{"bbox=-6,30,36,46&res=5", 200, 0},       // the Mediterranean
		{"bbox=10,30,20,40&res=6", 200, 0},       // 28,700 touched cells
		{"bbox=1.8,50.9,1.95,51&res=10", 200, 0}, // Calais
	} {
		code, body := do(t, "GET", srv.URL+"/api/v1/heatmap?"+c.query, "", "")
		_, d := refusal(body)
		if code != c.code || (c.code == 400 && d["max_res_for_bbox"] != c.fit) {
			t.Errorf("heatmap?%s: got %d %v, want %d", c.query, code, body, c.code)
		}
	}
}

// TestExpertResolutionCap: experts get aggregates only, so heatmap, timeline, compare and
// OGC cells refuse a resolution finer than 6 for them (400 naming res, with the maximum and
// the resolution to retry at), and without res they get res 6 at most; analysts get res 10.
func TestExpertResolutionCap(t *testing.T) {
	srv, db, keys := secured(t, api.Config{}, nil)
	csv := csvHeader + "AG-E,exp-1,2024-03-10T10:00:00Z,36.8,10.2,,,Expert Route,,,TN,7,boat_metal,,,A,1,H0\n"
	if rep, err := loader.Load(context.Background(), db, strings.NewReader(csv), loader.Options{Name: "expert.csv"}); err != nil || rep.Loaded != 1 {
		t.Fatalf("load: %+v %v", rep, err)
	}
	finest := slices.Max(store.RollupResolutions)
	small := "bbox=10.1,36.7,10.3,36.9" // geo.DefaultRes: 8
	if geo.DefaultRes(geo.BBox{West: 10.1, South: 36.7, East: 10.3, North: 36.9}) <= finest {
		t.Fatal("premise: the small bbox's default res is not finer than the rollups'")
	}
	periods := "&a_from=2024-01-01&a_to=2024-02-01&b_from=2024-03-01&b_to=2024-04-01"
	for _, path := range []string{
		"/api/v1/heatmap?" + small + "&res=7",
		"/api/v1/heatmap?" + small + "&res=10&format=geojson",
		"/api/v1/timeline?bucket=day&" + small + "&res=10",
		"/api/v1/compare?" + small + "&res=8" + periods,
		"/ogc/collections/cells/items?" + small + "&res=10",
	} {
		code, body := getAs(t, srv.URL+path, keys["expert"])
		msg, d := refusal(body)
		if code != 400 || !strings.HasPrefix(msg, "res:") || !strings.Contains(msg, "no finer than res 6") ||
			d["max_res"] != float64(finest) || d["max_res_for_bbox"] != float64(finest) {
			t.Errorf("GET %s as expert: got %d %q %v, want 400 about res, max_res %d", path, code, msg, d, finest)
		}
		if code, _ := getAs(t, srv.URL+path, keys["analyst"]); code != 200 {
			t.Errorf("GET %s as analyst: got %d, want 200", path, code)
		}
	}

	// Without res, or at res 6, experts get res-6 cells.
	cellRes := func(hex string) int {
		c, err := geo.ParseCell(hex)
		if err != nil {
			t.Fatal(err)
		}
		return c.Resolution()
	}
	code, hm := getAs(t, srv.URL+"/api/v1/heatmap?"+small, keys["expert"])
	cells, _ := hm["cells"].([]any)
	if code != 200 || hm["res"] != float64(finest) || len(cells) != 1 || cellRes(cells[0].(map[string]any)["h3"].(string)) != finest {
		t.Errorf("heatmap as expert without res: got %d res %v cells %v, want one res-%d cell", code, hm["res"], cells, finest)
	}
	if code, _ := getAs(t, srv.URL+"/api/v1/heatmap?"+small+"&res=6", keys["expert"]); code != 200 {
		t.Errorf("heatmap as expert at res 6: got %d, want 200", code)
	}
	if code, tl := getAs(t, srv.URL+"/api/v1/timeline?bucket=day&"+small, keys["expert"]); code != 200 || tl["res"] != float64(finest) {
		t.Errorf("timeline as expert without res: got %d res %v, want 200 at res %d", code, tl["res"], finest)
	}
	code, items := getAs(t, srv.URL+"/ogc/collections/cells/items?"+small, keys["expert"])
	feats, _ := items["features"].([]any)
	if code != 200 || len(feats) != 1 || cellRes(feats[0].(map[string]any)["id"].(string)) != finest {
		t.Errorf("OGC cells as expert without res: got %d %v, want one res-%d cell", code, feats, finest)
	}
	code, hm = getAs(t, srv.URL+"/api/v1/heatmap?"+small, keys["analyst"])
	if cells, _ := hm["cells"].([]any); code != 200 || len(cells) != 1 || cellRes(cells[0].(map[string]any)["h3"].(string)) != 8 {
		t.Errorf("heatmap as analyst without res: got %d %v, want the default res 8", code, hm)
	}
	// A single OGC cell by id: not found for an expert finer than res 6, found for an analyst.
	ten := geo.CellString(h3.LatLngToCell(h3.LatLng{Lat: 36.8, Lng: 10.2}, 10))
	if code, _ := getAs(t, srv.URL+"/ogc/collections/cells/items/"+ten, keys["expert"]); code != 404 {
		t.Errorf("OGC res-10 cell item as expert: got %d, want 404", code)
	}
	if code, _ := getAs(t, srv.URL+"/ogc/collections/cells/items/"+ten, keys["analyst"]); code != 200 {
		t.Errorf("OGC res-10 cell item as analyst: got %d, want 200", code)
	}
	if a := h3.HexagonAreaAvgKm2(finest); a < 30 || a > 40 {
		t.Errorf("res %d cells average %.1f km², not the ~36 km² the docs say", finest, a)
	}
}
