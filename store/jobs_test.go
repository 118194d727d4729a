package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/store"
	"routewatch/store/storetest"
)

// TestRunsAtCountsOneClearance writes runs whose results differ per clearance level and
// checks that RunsAt counts the caller's level only, while Runs (operators) keeps the sum.
func TestRunsAtCountsOneClearance(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "jobruns")
	cell := h3.LatLngToCell(h3.NewLatLng(35.5, 12.6), 4)
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

	hot := startRun(t, db, "hotspots")
	var hs []store.Hotspot
	for clearance, n := range map[int]int{0: 2, 2: 1, 3: 4} {
		for i := range n {
			hs = append(hs, store.Hotspot{Clearance: clearance, Cell: cell.Parent(4 - i%4), Res: 4 - i%4, Pattern: "New Hot Spot"})
		}
	}
	if err := db.CompleteHotspotRun(ctx, hot, hs); err != nil {
		t.Fatal(err)
	}
	cor := startRun(t, db, "corridors")
	var cs []store.Corridor
	for i, clearance := range []int{1, 3, 3} {
		cs = append(cs, store.Corridor{ID: int64(100 + i), Clearance: clearance, Kind: "label", Label: "Route A", Res: 4,
			Status: "stable", Period: domain.Period{From: t0, To: t0.AddDate(1, 0, 0)}})
	}
	if err := db.CompleteCorridorRun(ctx, cor, cs); err != nil {
		t.Fatal(err)
	}
	running := startRun(t, db, "displacement")

	want := map[int]map[int64]int{ // clearance → run → rows
		0: {hot: 2, cor: 0, running: 0},
		1: {hot: 0, cor: 1, running: 0},
		2: {hot: 1, cor: 0, running: 0},
		3: {hot: 4, cor: 2, running: 0},
	}
	for clearance, runs := range want {
		got, err := db.RunsAt(ctx, "", 10, clearance)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("clearance %d: got %d runs, want 3", clearance, len(got))
		}
		for _, r := range got {
			if r.Rows != runs[r.ID] {
				t.Errorf("clearance %d, %s run %d: got %d rows, want %d", clearance, r.Kind, r.ID, r.Rows, runs[r.ID])
			}
		}
	}
	if got, err := db.RunsAt(ctx, "hotspots", 10, 0); err != nil || len(got) != 1 || got[0].ID != hot {
		t.Errorf("RunsAt(hotspots): got %+v, %v; want the one hotspots run", got, err)
	}
	all, err := db.Runs(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r.ID == hot && r.Rows != len(hs) || r.ID == cor && r.Rows != len(cs) {
			t.Errorf("Runs, %s run %d: got %d rows, want the sum over levels", r.Kind, r.ID, r.Rows)
		}
	}
}
