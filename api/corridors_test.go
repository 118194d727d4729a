package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"routewatch/api"
	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/scenario"
)

func getJSON(t *testing.T, url, key string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// TestCorridorsAndSuppression loads a small scenario, runs the corridor job, and checks the
// corridor endpoints and small-count suppression for planners.
func TestCorridorsAndSuppression(t *testing.T) {
	srv, db, keys := secured(t, api.Config{SuppressBelow: 200}, nil)
	var data bytes.Buffer
	if _, err := scenario.Generate(context.Background(), scenario.Config{Scenario: "small", Seed: 4}, &data, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := loader.Load(context.Background(), db, &readSeeker{bytes.NewReader(data.Bytes())}, loader.Options{Name: "small.csv"}); err != nil {
		t.Fatal(err)
	}
	end := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := (&jobs.Runner{DB: db}).Run(context.Background(), "corridors", jobs.Params{From: end.AddDate(-1, 0, 0), To: end, MinLegs: 2}); err != nil {
		t.Fatal(err)
	}
	code, all := getJSON(t, srv.URL+"/api/v1/corridors", keys["analyst"])
	if code != 200 || all["type"] != "FeatureCollection" {
		t.Fatalf("corridors as analyst: %d %v", code, all)
	}
	feats := all["features"].([]any)
	small, big := 0, 0
	var bigID any
	for _, f := range feats {
		p := f.(map[string]any)["properties"].(map[string]any)
		n, _ := p["sightings"].(float64)
		if n < 200 {
			small++
		} else {
			big++
			bigID = f.(map[string]any)["id"]
		}
	}
	if small == 0 || big == 0 {
		t.Fatalf("want corridors on both sides of k=200 to test suppression; got %d below, %d above", small, big)
	}
	// Planners get each corridor as the sum of its member cells that hold at least k sightings
	// in one calendar quarter (api/release.go; TestPlannerReleaseAdmitsNoSmallCount checks it).
	code, planner := getJSON(t, srv.URL+"/api/v1/corridors?from=2024-07-01&to=2024-10-01", keys["planner"])
	if code != 200 || planner["suppressed_below"] != 200.0 {
		t.Fatalf("planner corridors: %d %v", code, planner)
	}
	if rel := planner["release"].(map[string]any); rel["withheld"].(float64) == 0 && len(planner["features"].([]any)) < big {
		t.Errorf("planner corridors: %d listed, none withheld (%v), but %d exist", len(planner["features"].([]any)), rel, big)
	}
	for _, f := range planner["features"].([]any) {
		p := f.(map[string]any)["properties"].(map[string]any)
		if n := p["sightings"].(float64); n > 0 && n < 200 {
			t.Errorf("planner sees a corridor of %v sightings, below k", n)
		}
	}
	code, one := getJSON(t, fmt.Sprintf("%s/api/v1/corridors/%v", srv.URL, bigID), keys["analyst"])
	if code != 200 || len(one["cells"].([]any)) == 0 || len(one["monthly"].([]any)) == 0 {
		t.Errorf("corridor detail: %d, %d cells, monthly %v", code, len(one["cells"].([]any)), one["monthly"])
	}
	code, fl := getJSON(t, srv.URL+"/api/v1/flows?res=4&from=2024-07-01&to=2024-10-01", keys["planner"])
	if code != 200 {
		t.Fatalf("flows: %d %v", code, fl)
	}
	for _, f := range fl["flows"].([]any) {
		if legs := f.(map[string]any)["legs"].(float64); legs < 200 {
			t.Errorf("planner sees a flow of %v legs below k", legs)
		}
	}
	if code, _ := getJSON(t, srv.URL+"/ogc/collections/cells/items?mode=foot", keys["planner"]); code != 403 {
		t.Errorf("planner filtering OGC cells by mode: got %d, want 403", code)
	}
	if code, _ := getJSON(t, srv.URL+"/ogc/collections/cells/items?mode=foot", keys["analyst"]); code != 200 {
		t.Errorf("analyst filtering OGC cells by mode: got %d, want 200", code)
	}
}

// readSeeker adapts a bytes.Reader (already a ReadSeeker) for clarity at the call site.
type readSeeker struct{ *bytes.Reader }
