package jobs_test

import (
	"context"
	"testing"
	"time"

	"routewatch/errs"
	"routewatch/jobs"
)

// TestServiceShutdownDrains: runs started on request belong to the Service; Shutdown cancels
// them and returns only when each has recorded its outcome, and refuses new starts.
func TestServiceShutdownDrains(t *testing.T) {
	ctx := context.Background()
	db := loadSynth(t, "drain", 14,
		synthRoute{label: "Route", dest: "GB", source: "AG-A", mode: "foot", lat: 50.0, lon: 2.0, perMonth: flat(40)})
	s := jobs.NewService(db)
	var ids []int64
	for _, kind := range []string{"hotspots", "emerging", "corridors"} {
		id, err := s.StartJob(ctx, kind)
		if err != nil {
			t.Fatal(kind, err)
		}
		ids = append(ids, id)
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := s.Bg.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	runs, err := db.Runs(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range runs {
		for _, id := range ids {
			if r.ID != id {
				continue
			}
			seen++
			switch r.Status {
			case "completed":
			case "failed":
				if r.Error == "" {
					t.Errorf("run %d (%s) failed with no reason", r.ID, r.Kind)
				}
			default:
				t.Errorf("run %d (%s) is %q after Shutdown returned", r.ID, r.Kind, r.Status)
			}
		}
	}
	if seen != len(ids) {
		t.Errorf("found %d of %d runs", seen, len(ids))
	}
	if _, err := s.StartJob(ctx, "hotspots"); errs.KindOf(err) != errs.Unavailable {
		t.Errorf("start after shutdown: %v, want unavailable", err)
	}
}
