package store_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/sighting"
	"routewatch/store"
	"routewatch/store/storetest"
)

// TestAnalyticsResultsRoundTrip writes one run of each analytics result table and reads it
// back per clearance level.
func TestAnalyticsResultsRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "analytics")
	cell := h3.LatLngToCell(h3.NewLatLng(35.5, 12.6), 4)
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

	run := startRun(t, db, "hotspots")
	hs := []store.Hotspot{{Clearance: 3, Cell: cell, Res: 4, Pattern: "New Hot Spot", Steps: 12, HotSteps: 1, Sightings: 40, FinalZ: 3.2, FinalQ: 0.01}}
	if err := db.CompleteHotspotRun(ctx, run, hs); err != nil {
		t.Fatal(err)
	}
	got, err := db.Hotspots(ctx, run, 3)
	if err != nil || len(got) != 1 || got[0].Cell != cell || got[0].Pattern != "New Hot Spot" {
		t.Fatalf("hotspots at clearance 3: got %+v, %v", got, err)
	}
	if got, _ := db.Hotspots(ctx, run, 0); len(got) != 0 {
		t.Errorf("hotspots at clearance 0: got %d rows, want none", len(got))
	}
	if latest, _ := db.LatestRun(ctx, "hotspots"); latest != run {
		t.Errorf("latest hotspots run: got %d, want %d", latest, run)
	}

	// Emerging: the unit keeps its id across runs and its first detection is the earliest
	// reference time of a run that reported it new or surging.
	row := func(status string) []store.EmergingRoute {
		return []store.EmergingRoute{{Clearance: 2, UnitKind: "label", UnitKey: "Route A", Label: "Route A", Status: status,
			RecentCount: 12, BaselineFrom: t0, BaselineTo: t0.AddDate(1, 0, 0), RecentFrom: t0.AddDate(1, 0, 0), RecentTo: t0.AddDate(1, 3, 0),
			RateRatio: nil, PUp: 1e-4, QUp: 1e-3, PDown: 1, QDown: 1, FindingCoverage: store.FindingCoverage{Sources: 2, TopSource: "AG-X", TopShare: 0.75}}}
	}
	r1, r2 := startRun(t, db, "emerging"), startRun(t, db, "emerging")
	if err := db.CompleteEmergingRun(ctx, r1, t0.AddDate(1, 3, 0), row("new")); err != nil {
		t.Fatal(err)
	}
	if err := db.CompleteEmergingRun(ctx, r2, t0.AddDate(1, 4, 0), row("ongoing")); err != nil {
		t.Fatal(err)
	}
	e1, _ := db.EmergingRoutes(ctx, r1, 2)
	e2, err := db.EmergingRoutes(ctx, r2, 2)
	if err != nil || len(e1) != 1 || len(e2) != 1 {
		t.Fatalf("emerging rows: %d and %d (%v)", len(e1), len(e2), err)
	}
	if e1[0].UnitID != e2[0].UnitID {
		t.Errorf("unit id changed between runs: %d then %d", e1[0].UnitID, e2[0].UnitID)
	}
	if e2[0].FirstDetectedAt == nil || !e2[0].FirstDetectedAt.Equal(t0.AddDate(1, 3, 0)) {
		t.Errorf("first detection: got %v, want %v", e2[0].FirstDetectedAt, t0.AddDate(1, 3, 0))
	}
	if e2[0].RateRatio != nil || e2[0].TopSource != "AG-X" {
		t.Errorf("emerging row read back as %+v", e2[0])
	}
	states, err := db.EmergingUnitStates(ctx)
	if first := states[store.UnitStateKey(2, "label", "Route A")]; err != nil || first == nil {
		t.Errorf("unit states: %v (%v)", states, err)
	}

	// Shifts keep their categories; displacements their rate ratios.
	rs := startRun(t, db, "mo-shift")
	shift := store.MOShift{Clearance: 1, UnitKind: "label", UnitKey: "Route A", Label: "Route A", Dimension: "transport_mode",
		Kind: "shift", Method: "chi-square", SightingsA: 100, SightingsB: 50, AFrom: t0, ATo: t0, BFrom: t0, BTo: t0,
		P: 1e-6, Q: 1e-5, Rose: []string{"truck"}, Fell: []string{"foot"},
		Categories: []store.CategoryStat{{Value: "foot", A: 80, B: 10, Residual: -5}, {Value: "truck", A: 20, B: 40, Residual: 5}}}
	if err := db.CompleteMOShiftRun(ctx, rs, []store.MOShift{shift}); err != nil {
		t.Fatal(err)
	}
	ms, err := db.MOShifts(ctx, rs, 1)
	if err != nil || len(ms) != 1 || len(ms[0].Categories) != 2 || ms[0].Categories[1].B != 40 || ms[0].Rose[0] != "truck" {
		t.Fatalf("shift read back as %+v (%v)", ms, err)
	}
	rd := startRun(t, db, "displacement")
	rr := 2.5
	d := store.Displacement{Clearance: 3, Destination: "ES", UnitKind: "label", Falling: "A", Rising: "B", Kind: "displacement",
		RateRatioFalling: 0.3, RateRatioRising: &rr, QFalling: 1e-9, QRising: 1e-6, Correlation: -0.6,
		BaselineFrom: t0, BaselineTo: t0, WindowFrom: t0, WindowTo: t0}
	if err := db.CompleteDisplacementRun(ctx, rd, []store.Displacement{d}); err != nil {
		t.Fatal(err)
	}
	ds, err := db.Displacements(ctx, rd, 3)
	if err != nil || len(ds) != 1 || *ds[0].RateRatioRising != 2.5 || math.Abs(ds[0].Correlation+0.6) > 1e-12 {
		t.Fatalf("displacement read back as %+v (%v)", ds, err)
	}

	if _, err := db.RunByID(ctx, 1<<40); errs.KindOf(err) != errs.NotFound {
		t.Errorf("RunByID of a missing run: got %v, want not found", err)
	}
	if r, err := db.RunByID(ctx, rd); err != nil || r.Status != "completed" || r.Rows != 1 {
		t.Errorf("RunByID: got %+v, %v", r, err)
	}
}

func startRun(t *testing.T, db *store.DB, kind string) int64 {
	t.Helper()
	id, err := db.StartRun(context.Background(), kind, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestWindowSightingsHonoursPeriod checks the analytics' raw read: only sightings observed
// inside the period, with their cells at the resolution asked for.
func TestWindowSightingsHonoursPeriod(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "analytics")
	a, b, c := testSighting("w1", 35.5, 12.6, "2024-03-01T10:00:00Z"), testSighting("w2", 35.5, 12.6, "2024-03-31T23:59:59Z"),
		testSighting("w3", 35.5, 12.6, "2024-04-01T00:00:00Z")
	b.HandlingCode = "H3"
	loadBatch(t, db, "3333333333333333333333333333333333333333333333333333333333333333", []*sighting.Sighting{a, b, c}, 0)
	p := domain.Period{From: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}
	var got []store.WindowSighting
	err := db.WindowSightings(ctx, 4, p, nil, nil, func(s *store.WindowSighting) {
		c := *s
		got = append(got, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d sightings in March, want 2 (the one at April 1 00:00 is outside)", len(got))
	}
	want := h3.LatLngToCell(h3.NewLatLng(35.5, 12.6), 4)
	for _, s := range got {
		if s.Cell != want || s.Label != "Central Mediterranean" || s.Channel != "T" {
			t.Errorf("sighting %+v: want cell %s, Central Mediterranean, T", s, want)
		}
	}
	if got[0].Persons != 12 || len(got[0].Nationalities) != 2 || got[0].MO[0] != "mothership" || got[0].Handling != 1 {
		t.Errorf("first sighting read as %+v", got[0])
	}
	active, err := db.ActiveChannels(ctx, p)
	if err != nil || len(active) != 1 || active["T"] != 1 {
		t.Errorf("active sources: %v (%v); want T from handling 1", active, err)
	}
	first, ok, err := db.FirstObservation(ctx, p.To)
	if err != nil || !ok || !first.Equal(p.From.Add(10*time.Hour)) {
		t.Errorf("first observation: %v %v %v", first, ok, err)
	}
	// Calendar months read cell_months, other steps the raw table: both count the same.
	for _, bounds := range [][]time.Time{{p.From, p.To}, {p.From.Add(time.Hour), p.To}} {
		steps, err := db.CellSteps(ctx, 4, bounds)
		if err != nil || len(steps) != 2 { // one row per handling code
			t.Fatalf("cell steps over %v: %+v (%v)", bounds, steps, err)
		}
		for _, s := range steps {
			if s.Cell != want || s.Step != 0 || s.Sightings != 1 {
				t.Errorf("cell step %+v, want one sighting in step 0 of %s", s, want)
			}
		}
	}
}
