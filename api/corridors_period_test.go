package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"routewatch/api"
	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/scenario"
	"routewatch/store/storetest"
)

// TestCorridorsOfAnyPeriod asks for the corridors of a half-year no corridor run covers: they
// are found on request, and they are the corridors a run for that half-year then stores.
func TestCorridorsOfAnyPeriod(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "apiperiod")
	runner := &jobs.Runner{DB: db}
	r, err := api.New(api.Config{}, api.Deps{Ready: db, Data: db, Corridors: db, CorridorFinder: runner})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	var data bytes.Buffer
	if _, err := scenario.Generate(ctx, scenario.Config{Scenario: "small", Seed: 4}, &data, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := loader.Load(ctx, db, &readSeeker{bytes.NewReader(data.Bytes())}, loader.Options{Name: "small.csv"}); err != nil {
		t.Fatal(err)
	}
	year := jobs.Params{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), MinLegs: 2}
	if _, err := runner.Run(ctx, "corridors", year); err != nil {
		t.Fatal(err)
	}
	summary := func(fc map[string]any) []string {
		var out []string
		for _, f := range fc["features"].([]any) {
			p := f.(map[string]any)["properties"].(map[string]any)
			out = append(out, fmt.Sprintf("%v/%v/%v/%v/%v", p["kind"], p["legs"], p["sightings"], p["persons"], p["status"]))
		}
		slices.Sort(out)
		return out
	}
	half := srv.URL + "/api/v1/corridors?from=2024-01-01&to=2024-07-01"
	code, got := getJSON(t, half, "")
	if code != 200 || got["computed_on_request"] != true || len(got["features"].([]any)) == 0 {
		t.Fatalf("corridors of H1 2024: %d, computed %v, %d features", code, got["computed_on_request"], len(got["features"].([]any)))
	}
	if p := got["period"].(map[string]any); p["from"] != "2024-01-01T00:00:00Z" || p["to"] != "2024-07-01T00:00:00Z" {
		t.Errorf("period member: %v", p)
	}
	if code, again := getJSON(t, half, ""); code != 200 || !slices.Equal(summary(again), summary(got)) {
		t.Errorf("the cached answer differs from the first")
	}
	code, theYear := getJSON(t, srv.URL+"/api/v1/corridors?from=2024-01-01&to=2025-01-01", "")
	if code != 200 || theYear["computed_on_request"] != false {
		t.Errorf("the run's own period: %d, computed %v; want the stored run", code, theYear["computed_on_request"])
	}
	// A run for the half-year stores the same corridors.
	if _, err := runner.Run(ctx, "corridors", jobs.Params{From: year.From, To: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), MinLegs: 2}); err != nil {
		t.Fatal(err)
	}
	code, stored := getJSON(t, half, "")
	if code != 200 || stored["computed_on_request"] != false {
		t.Fatalf("after the half-year run: %d, computed %v", code, stored["computed_on_request"])
	}
	if a, b := summary(got), summary(stored); !slices.Equal(a, b) {
		t.Errorf("found on request:\n%v\nstored by the run:\n%v", a, b)
	}
	// Filters apply to found corridors as the store applies them.
	code, filtered := getJSON(t, srv.URL+"/api/v1/corridors?from=2023-07-01&to=2024-01-01&min_volume=1000000", "")
	if code != 200 || len(filtered["features"].([]any)) != 0 {
		t.Errorf("min_volume on found corridors: %d, %d features", code, len(filtered["features"].([]any)))
	}
	for _, bad := range []string{"?from=2024-01-15&to=2024-07-01", "?from=2024-01-01&to=2024-06-30", "?from=2024-01-01&to=2024-07-01&mode=foot"} {
		if code, m := getJSON(t, srv.URL+"/api/v1/corridors"+bad, ""); code != 400 {
			t.Errorf("%s: got %d %v, want 400", bad, code, m)
		}
	}
}
