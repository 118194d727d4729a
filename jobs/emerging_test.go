package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"routewatch/errs"
	"routewatch/jobs"
	"routewatch/store"
)

// emergingData: a steady route, a route that opens in month 15, one that quadruples, one
// whose rise is a new source's reports, and one seen only after the replay instant.
func emergingData(t *testing.T) *store.DB {
	return loadSynth(t, "emerging", 20,
		synthRoute{label: "Old", dest: "IT", source: "AG-A", mode: "boat_rubber", lat: 35.5, lon: 12.6, perMonth: flat(30)},
		synthRoute{label: "Fresh", dest: "GR", source: "AG-A", mode: "boat_rubber", lat: 34.9, lon: 24.0, perMonth: step(15, 0, 20)},
		synthRoute{label: "Booming", dest: "ES", source: "AG-A", mode: "boat_wooden", lat: 27.9, lon: -15.4, perMonth: step(15, 10, 40)},
		synthRoute{label: "Covered", dest: "GB", source: "AG-C", mode: "foot", lat: 50.9, lon: 1.8, perMonth: flat(20)},
		synthRoute{label: "Covered", dest: "GB", source: "AG-NEW", mode: "foot", lat: 50.9, lon: 1.8, perMonth: step(15, 0, 40)},
		synthRoute{label: "Late", dest: "DE", source: "AG-A", mode: "truck", lat: 46.1, lon: 19.7, perMonth: step(18, 0, 30)},
	)
}

func TestEmergingStatuses(t *testing.T) {
	ctx := context.Background()
	db := emergingData(t)
	r := &jobs.Runner{DB: db}
	asOf := synthStart.AddDate(0, 18, 0)
	run, err := r.Run(ctx, "emerging", jobs.Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	rows := emergingByLabel(t, db, run)
	for label, want := range map[string]string{"Old": "stable", "Fresh": "new", "Booming": "surging", "Covered": "coverage_change"} {
		if got := rows[label]; got.Status != want {
			t.Errorf("%s: got %q (%+v), want %q", label, got.Status, got, want)
		}
	}
	if _, ok := rows["Late"]; ok {
		t.Errorf("Late is only observed after the replay instant, yet it was tested: %+v", rows["Late"])
	}
	if c := rows["Covered"]; c.Note == "" || c.Sources != 2 {
		t.Errorf("Covered: coverage %+v, want a note naming AG-NEW and 2 sources", c.FindingCoverage)
	}
	if o := rows["Old"]; o.RecentCount < 80 || o.RecentCount > 100 || o.BaselineCount < 340 || o.BaselineCount > 380 {
		t.Errorf("Old: %d recent and %d baseline sightings, want about 90 and 360", o.RecentCount, o.BaselineCount)
	}

	// A week later the new route is ongoing, with the same id and its first detection.
	next, err := r.Run(ctx, "emerging", jobs.Params{AsOf: asOf.AddDate(0, 0, 7)})
	if err != nil {
		t.Fatal(err)
	}
	later := emergingByLabel(t, db, next)
	if f := later["Fresh"]; f.Status != "ongoing" || f.UnitID != rows["Fresh"].UnitID || f.FirstDetectedAt == nil || !f.FirstDetectedAt.Equal(asOf) {
		t.Errorf("Fresh a week later: %+v, want ongoing with id %d first detected %s", f, rows["Fresh"].UnitID, asOf)
	}
}

// A route that rose tenfold within the history the model is fitted on, and has held that
// level since, is stable: its recent months are what that history leads one to expect, not a
// surge (as a season misread from the rise would make them) and not a decline.
func TestEmergingPlateauIsStable(t *testing.T) {
	db := loadSynth(t, "plateau", 36,
		synthRoute{label: "Old", dest: "IT", source: "AG-A", mode: "boat_rubber", lat: 35.5, lon: 12.6, perMonth: flat(30)},
		synthRoute{label: "Plateau", dest: "HR", source: "AG-A", mode: "car", lat: 44.1, lon: 15.2, perMonth: step(24, 3, 30)},
	)
	r := &jobs.Runner{DB: db}
	run, err := r.Run(context.Background(), "emerging", jobs.Params{AsOf: synthStart.AddDate(0, 34, 0)})
	if err != nil {
		t.Fatal(err)
	}
	for label, got := range emergingByLabel(t, db, run) {
		if got.Status != "stable" {
			t.Errorf("%s: %s (%d recent, %.1f expected), want stable", label, got.Status, got.RecentCount, *got.RecentExpected)
		}
	}
}

func emergingByLabel(t *testing.T, db *store.DB, run int64) map[string]store.EmergingRoute {
	t.Helper()
	es, err := db.EmergingRoutes(context.Background(), run, 3)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.EmergingRoute{}
	for _, e := range es {
		if e.UnitKind == "label" {
			out[e.Label] = e
		}
	}
	return out
}

// TestRunnersExcludeEachOther starts the same job twice at once: one run holds the lock,
// the other is refused with the in-progress error.
func TestRunnersExcludeEachOther(t *testing.T) {
	ctx := context.Background()
	db := emergingData(t)
	a, b := &jobs.Runner{DB: db}, &jobs.Runner{DB: db}
	var wg sync.WaitGroup
	starts := make([]*jobs.Started, 2)
	errsOut := make([]error, 2)
	for i, r := range []*jobs.Runner{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			starts[i], errsOut[i] = r.Start(ctx, "mo-shift", jobs.Params{AsOf: synthStart.AddDate(0, 18, 0)})
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	for i := range starts {
		switch {
		case errsOut[i] == nil:
			ok++
			if err := starts[i].Wait(ctx); err != nil {
				t.Errorf("the run that got the lock failed: %v", err)
			}
		case errors.Is(errsOut[i], store.ErrRunInProgress) && errs.KindOf(errsOut[i]) == errs.Unprocessable:
			refused++
		default:
			t.Errorf("unexpected error: %v", errsOut[i])
		}
	}
	if ok != 1 || refused != 1 {
		t.Fatalf("got %d runs started and %d refused, want 1 and 1", ok, refused)
	}
	// With the first run done the lock is free again.
	if _, err := a.Run(ctx, "mo-shift", jobs.Params{AsOf: synthStart.AddDate(0, 18, 0)}); err != nil {
		t.Errorf("a run after the first ended: %v", err)
	}
	if _, err := a.Start(ctx, "no-such-job", jobs.Params{}); errs.KindOf(err) != errs.NotFound {
		t.Errorf("unknown job: got %v, want not found", err)
	}
}
