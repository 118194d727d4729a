package api

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/wire")

// wireSamples are store values with every field set (and the empty ones, for omitempty and
// null), each shaped as the API answers it.
func wireSamples() map[string]any {
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	t1 := t0.Add(90 * 24 * time.Hour)
	rr, id := 2.5, int64(7)
	cell := h3.Cell(0x8428309ffffffff)
	cov := store.FindingCoverage{Sources: 2, TopSource: "AG-X", TopShare: 0.75, Note: "AG-X stopped reporting"}
	vc := []store.ValueCount{{Value: "boat_rubber", Sightings: 9, Persons: 80}, {Value: "foot", Sightings: 1}}
	return map[string]any{
		"hotspot": hotspotOf(store.Hotspot{Clearance: 2, Cell: cell, Res: 4, Pattern: "New Hot Spot", Steps: 12, HotSteps: 3, ColdSteps: 1,
			Sightings: 40, FinalCount: 6, FinalZ: 3.25, FinalQ: 0.001, TrendZ: 2.1, TrendP: 0.04}),
		"emerging": emergingRouteOf(store.EmergingRoute{Clearance: 1, UnitID: 11, UnitKind: "corridor", UnitKey: "c-4", Label: "A to B", CorridorID: &id,
			CellIDs: []int64{int64(cell)}, Cells: []h3.Cell{cell, cell.Parent(3)}, Res: 4, Status: "surging", BaselineCount: 10, RecentCount: 30,
			BaselineFrom: t0, BaselineTo: t1, RecentFrom: t1, RecentTo: t1.Add(time.Hour), RateRatio: &rr, PUp: 0.01, QUp: 0.02,
			PDown: 0.9, QDown: 1, FirstDetectedAt: &t1, FindingCoverage: cov}),
		"emerging_empty": emergingRouteOf(store.EmergingRoute{}),
		"mo_shift": moShiftOf(store.MOShift{Clearance: 3, UnitKind: "label", UnitKey: "A", Label: "A", CorridorID: &id, Dimension: "transport_mode",
			Kind: "shift", Method: "chi2", SightingsA: 50, SightingsB: 60, AFrom: t0, ATo: t1, BFrom: t1, BTo: t1.Add(time.Hour),
			Statistic: 12.5, G: 13, DF: 2, P: 0.002, Q: 0.01, CramersV: 0.3, JSD: 0.05, Rose: []string{"truck"}, Fell: []string{"foot"},
			Categories: []store.CategoryStat{{Value: "truck", A: 1, B: 9, Residual: 2.5}}, CatJSON: "[]", ShiftMonth: &t0, ShiftFrom: &t0,
			ShiftTo: &t1, FindingCoverage: cov}),
		"mo_shift_empty": moShiftOf(store.MOShift{}),
		"displacement": displacementOf(store.Displacement{Clearance: 1, Destination: "IT", UnitKind: "label", Falling: "A", Rising: "B", Kind: "displacement",
			RateRatioFalling: 0.4, RateRatioRising: &rr, QFalling: 0.01, QRising: 0.02, Correlation: -0.8, BaselineFrom: t0, BaselineTo: t1,
			WindowFrom: t1, WindowTo: t1.Add(time.Hour), FindingCoverage: cov}),
		"displacement_empty": displacementOf(store.Displacement{}),
		"run": RunOf(store.Run{ID: 4, Kind: "displacement", Params: json.RawMessage(`{"as_of":"2025-01-06"}`), Status: "failed", StartedAt: t0,
			FinishedAt: &t1, Rows: 12, Error: "boom"}),
		"run_empty": RunOf(store.Run{}),
		"cell_detail": cellDetailOf(&store.CellDetail{Sightings: 10, Persons: 81, Weekly: []store.Bucket{{Start: t0, Sightings: 10, Persons: 81}},
			Breakdowns: map[string][]store.ValueCount{"mode": vc, "route": {}}, Neighbours: []store.ValueCount{{Value: "8428309ffffffff", Sightings: 2, Persons: 3}}}),
		"cell_detail_empty": cellDetailOf(&store.CellDetail{}),
		"filter_values":     valueCountsOf(map[string][]store.ValueCount{"transport_mode": vc}),
		"buckets":           mapWire([]store.Bucket{{Start: t0, Sightings: 5, Persons: 6}}, bucketOf),
		"mode_counts":       mapWire([]store.ModeCount{{Mode: "boat_rubber", Sightings: 4}}, modeCountOf),
		"report": ReportOf(store.Report{BatchID: 9, File: "a.csv", SHA256: "ab12", Format: "csv", Profile: "iom-mmp", Status: "completed", DuplicateOf: 3,
			RowsRead: 10, Loaded: 7, Duplicate: 2, Rejected: 1, Seconds: 0.25, Reasons: map[string]int64{"bad_time": 1},
			Rejects: []store.RejectRow{{Line: 4, Field: "observed_at", Code: "bad_time", Reason: "not a time", Raw: "x,y"}, {Line: 5, Code: "c", Reason: "r"}}}),
		"report_empty": ReportOf(store.Report{}),
		"corridor_feature": corridorFeature(store.Corridor{ID: 1 << 60, RunID: 3, Clearance: 2, Kind: "label", Label: "Central Mediterranean",
			Res: 4, Legs: 10, Journeys: 4, Persons: 30, Sightings: 12, FirstSeen: t0, LastSeen: t1, TopModes: vc, TopMO: vc[:1],
			TopNations: []store.ValueCount{}, Trend: &rr, Status: "rising", Entry: []h3.Cell{cell}, Exit: []h3.Cell{cell.Parent(3)},
			Cells: []h3.Cell{cell}}, true),
		"corridor_feature_empty": corridorFeature(store.Corridor{}, false),
	}
}

// TestWireGolden pins the JSON of every store value the API (and, for job runs and ingest
// reports, the CLI) answers with, shaped by the wire types; cmd/routewatch pins keys and
// audit rows.
func TestWireGolden(t *testing.T) {
	for name, v := range wireSamples() {
		got, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		path := filepath.Join("testdata", "wire", name+".json")
		if *update {
			if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update)", name, err)
		}
		if string(append(got, '\n')) != string(want) {
			t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
		}
	}
}
