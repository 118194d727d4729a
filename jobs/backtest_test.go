package jobs_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"routewatch/jobs"
)

// TestBacktestOfSeasonalRoutes backtests two synthetic routes over 40 months, one with a
// strong season and one flat, each with a few sightings of noise a month: the model's
// forecasts beat the seasonal-naive ones on the seasonal route (the naive forecast carries a
// whole year-old month's noise), and the 95% intervals hold most held-back months.
func TestBacktestOfSeasonalRoutes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	draws := make([]int, 48)
	for i := range draws {
		draws[i] = rng.IntN(11) - 5
	}
	noise := func(m int) int { return draws[m%len(draws)] } // -5..5, drawn once
	seasonal := func(m int) int { return int(math.Round(40*(1+0.6*math.Cos(2*math.Pi*float64(m%12)/12)))) + noise(m) }
	db := loadSynth(t, "backtest", 40,
		synthRoute{label: "Seasonal", dest: "IT", source: "AG-A", mode: "boat_rubber", lat: 35.5, lon: 12.6, perMonth: seasonal},
		synthRoute{label: "Flat", dest: "HR", source: "AG-A", mode: "car", lat: 44.1, lon: 15.2, perMonth: func(m int) int { return 25 + noise(m+3) }},
	)
	r := &jobs.Runner{DB: db}
	units, sums, err := r.Backtest(context.Background(), jobs.Params{AsOf: synthStart.AddDate(0, 40, 0)}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 4 {
		t.Fatalf("%d level summaries, want 4", len(sums))
	}
	seen := map[string]bool{}
	for _, u := range units {
		if u.Level != 3 || u.Kind != "label" {
			continue
		}
		seen[u.Label] = true
		if u.Origins < 6 || u.Points < 6 {
			t.Errorf("%s: %d origins and %d points, want at least 6", u.Label, u.Origins, u.Points)
		}
		t.Logf("%s: MASE %.2f naive %.2f cov80 %.2f cov95 %.2f", u.Label, u.MASE, u.NaiveMASE, u.Cover80, u.Cover95)
		if u.Label == "Seasonal" && !(u.MASE < u.NaiveMASE) {
			t.Errorf("%s: MASE %.2f, seasonal naive %.2f: want the model ahead", u.Label, u.MASE, u.NaiveMASE)
		}
		if u.Cover95 < 0.8 {
			t.Errorf("%s: 95%% intervals cover %.2f of held-back months", u.Label, u.Cover95)
		}
	}
	if !seen["Seasonal"] || !seen["Flat"] {
		t.Errorf("backtested labels %v, want Seasonal and Flat", seen)
	}
}
