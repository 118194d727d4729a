package jobs_test

import (
	"context"
	"testing"

	"github.com/uber/h3-go/v4"

	"routewatch/jobs"
	"routewatch/store"
)

// TestHotspotsNewPlace: a route's sightings spread over a wide area every month, and from
// month 15 a gathering place a few km across; the place's res-6 cell must be a new (or
// consecutive) hot spot, and nothing may be reported from months after the replay instant.
func TestHotspotsNewPlace(t *testing.T) {
	ctx := context.Background()
	db := loadSynth(t, "hotspots", 18,
		synthRoute{label: "Route", dest: "GB", source: "AG-A", mode: "foot", lat: 50.0, lon: 2.0, perMonth: flat(40)},
		synthRoute{label: "Route", dest: "GB", source: "AG-A", mode: "foot", lat: 50.6, lon: 1.5, spread: 0.01, perMonth: step(15, 0, 30)},
	)
	r := &jobs.Runner{DB: db}
	run, err := r.Run(ctx, "hotspots", jobs.Params{AsOf: synthStart.AddDate(0, 17, 0)})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := db.Hotspots(ctx, run, 3)
	if err != nil {
		t.Fatal(err)
	}
	// The place spreads over 0.01°: one or two res-6 cells.
	place := map[h3.Cell]bool{}
	for _, d := range []float64{0, 0.01} {
		place[h3.LatLngToCell(h3.NewLatLng(50.6+d, 1.5+d), 6)] = true
	}
	found := false
	for _, h := range hs {
		if h.Res == 6 && place[h.Cell] && (h.Pattern == "New Hot Spot" || h.Pattern == "Consecutive Hot Spot") {
			found = true
			if h.Steps != 17 || h.HotSteps > 2 || h.FinalCount == 0 {
				t.Errorf("hot spot %s: %+v, want 17 steps, at most 2 hot", h.Cell, h)
			}
		}
		if h.Res == 6 && !place[h.Cell] && (h.Pattern == "New Hot Spot" || h.Pattern == "Consecutive Hot Spot") && h.FinalCount >= 10 {
			t.Errorf("new hot spot away from the place: %+v", h)
		}
	}
	if !found {
		t.Errorf("no new or consecutive res-6 hot spot at the place among %d patterns", len(hs))
	}
	// Replayed before the place opened, it is not there.
	early, err := r.Run(ctx, "hotspots", jobs.Params{AsOf: synthStart.AddDate(0, 15, 0), Res: 6})
	if err != nil {
		t.Fatal(err)
	}
	hs, _ = db.Hotspots(ctx, early, 3)
	for _, h := range hs {
		if place[h.Cell] && h.Pattern != "No Pattern Detected" && h.FinalCount > 0 {
			t.Errorf("as of month 15 the place already shows: %+v", h)
		}
	}
}

// TestHotspotsWeekly runs the same place with weekly steps and a 2-ring: the cube has a step
// per 7 days back from the replay instant, the place is hot in the last week and was not
// before it opened; bad cube parameters are refused by name.
func TestHotspotsWeekly(t *testing.T) {
	ctx := context.Background()
	db := loadSynth(t, "hotspotsweekly", 18,
		synthRoute{label: "Route", dest: "GB", source: "AG-A", mode: "foot", lat: 50.0, lon: 2.0, perMonth: flat(40)},
		synthRoute{label: "Route", dest: "GB", source: "AG-A", mode: "foot", lat: 50.6, lon: 1.5, spread: 0.01, perMonth: step(15, 0, 60)},
	)
	r := &jobs.Runner{DB: db}
	asOf := synthStart.AddDate(0, 17, 0)
	run, err := r.Run(ctx, "hotspots", jobs.Params{AsOf: asOf, Res: 6, Step: "week", K: 2, TimeSteps: 2})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := db.Hotspots(ctx, run, 3)
	if err != nil {
		t.Fatal(err)
	}
	weeks := int(asOf.Sub(synthStart).Hours() / 24 / 7)
	place := h3.LatLngToCell(h3.NewLatLng(50.6, 1.5), 6)
	var got *store.Hotspot
	for i, h := range hs {
		if h.Steps != weeks {
			t.Fatalf("hot spot %s has %d steps, want %d weeks", h.Cell, h.Steps, weeks)
		}
		if h.Cell == place {
			got = &hs[i]
		}
	}
	if got == nil || got.FinalZ <= 0 || got.FinalQ >= 0.05 || got.HotSteps > 10 {
		t.Errorf("place %s: got %+v, want hot in the final week and at most the 9 weeks since it opened", place, got)
	}
	for _, bad := range []jobs.Params{{AsOf: asOf, Step: "fortnight"}, {AsOf: asOf, K: 9}, {AsOf: asOf, TimeSteps: -1}} {
		if _, err := r.Run(ctx, "hotspots", bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
