package jobs_test

import (
	"context"
	"slices"
	"testing"

	"routewatch/jobs"
)

// TestMOShift: wooden boats give way to metal ones on one route from month 15; another route
// keeps its mix; on a third the mix changes only because a new source reports a different
// leg of it.
func TestMOShift(t *testing.T) {
	ctx := context.Background()
	db := loadSynth(t, "moshift", 18,
		synthRoute{label: "Shifty", dest: "IT", source: "AG-A", lat: 34.7, lon: 10.8, perMonth: flat(40),
			modeAt: func(m int) string {
				if m >= 15 {
					return "boat_metal"
				}
				return "boat_wooden"
			}},
		synthRoute{label: "Shifty", dest: "IT", source: "AG-A", mode: "boat_rubber", lat: 34.7, lon: 10.8, perMonth: flat(10)},
		synthRoute{label: "Steady", dest: "ES", source: "AG-B", mode: "boat_rubber", lat: 35.9, lon: -5.3, perMonth: flat(30)},
		synthRoute{label: "Steady", dest: "ES", source: "AG-B", mode: "boat_wooden", lat: 35.9, lon: -5.3, perMonth: flat(20)},
		synthRoute{label: "Covered", dest: "GB", source: "AG-C", mode: "boat_rubber", lat: 50.9, lon: 1.8, perMonth: flat(40)},
		synthRoute{label: "Covered", dest: "GB", source: "AG-NEW", mode: "foot", lat: 50.9, lon: 1.8, perMonth: step(15, 0, 30)},
	)
	r := &jobs.Runner{DB: db}
	run, err := r.Run(ctx, "mo-shift", jobs.Params{AsOf: synthStart.AddDate(0, 18, 0)})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := db.MOShifts(ctx, run, 3)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, m := range ms {
		if m.UnitKind != "label" || m.Dimension != "transport_mode" {
			continue
		}
		kinds[m.Label] = m.Kind
		if m.Label == "Shifty" {
			if !slices.Contains(m.Rose, "boat_metal") || !slices.Contains(m.Fell, "boat_wooden") || m.CramersV < 0.5 {
				t.Errorf("Shifty: rose %v fell %v V %.2f, want boat_metal up and boat_wooden down, a large effect", m.Rose, m.Fell, m.CramersV)
			}
			if m.ShiftMonth == nil || m.ShiftMonth.Before(synthStart.AddDate(0, 14, 0)) || m.ShiftMonth.After(synthStart.AddDate(0, 15, 7)) {
				t.Errorf("Shifty: shift dated %v, want about %s", m.ShiftMonth, synthStart.AddDate(0, 15, 0).Format("2006-01"))
			}
		}
	}
	for label, want := range map[string]string{"Shifty": "shift", "Steady": "none", "Covered": "coverage_change"} {
		if kinds[label] != want {
			t.Errorf("%s transport_mode: got %q, want %q", label, kinds[label], want)
		}
	}
}
