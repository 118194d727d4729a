package jobs_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"routewatch/geo"
	"routewatch/jobs"
	"routewatch/store"
)

// TestBacktestOfSeasonalRoutes backtests two synthetic routes over 40 months, one with a
// strong season and one flat, each with a few sightings of noise a month: the model's
// forecasts beat the seasonal-naive ones on the seasonal route (the naive forecast carries a
// whole year-old month's noise), and the 95% intervals hold most held-back months.
func TestBacktestOfSeasonalRoutes(t *testing.T) {
	r := &jobs.Runner{DB: seasonalRoutes(t, "backtest")}
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

// seasonalCount is the Seasonal route's expected sightings in month m of the synthetic data.
func seasonalCount(m int) float64 { return 40 * (1 + 0.6*math.Cos(2*math.Pi*float64(m%12)/12)) }

// seasonalRoutes loads two synthetic routes over 40 months, one with a strong season and one
// flat, each with a few sightings of noise a month (-5..5, drawn once).
func seasonalRoutes(t *testing.T, name string) *store.DB {
	rng := rand.New(rand.NewPCG(5, 9))
	draws := make([]int, 48)
	for i := range draws {
		draws[i] = rng.IntN(11) - 5
	}
	noise := func(m int) int { return draws[m%len(draws)] }
	seasonal := func(m int) int { return int(math.Round(seasonalCount(m))) + noise(m) }
	return loadSynth(t, name, 40,
		synthRoute{label: "Seasonal", dest: "IT", source: "AG-A", mode: "boat_rubber", lat: 35.5, lon: 12.6, perMonth: seasonal},
		synthRoute{label: "Flat", dest: "HR", source: "AG-A", mode: "car", lat: 44.1, lon: 15.2, perMonth: func(m int) int { return 25 + noise(m+3) }},
	)
}

// TestForecastsJob runs the forecasts job on the seasonal routes: every level from H1 (the
// data's handling code) holds both labels with their observed months and six forecast months after the reference time, the
// intervals nest, the season's next months lie in the 95% band, and the stored backtest is
// the one `jobs backtest --horizon 6` computes.
func TestForecastsJob(t *testing.T) {
	ctx := context.Background()
	db := seasonalRoutes(t, "forecasts")
	r := &jobs.Runner{DB: db}
	asOf := synthStart.AddDate(0, 40, 0)
	run, err := r.Run(ctx, "forecasts", jobs.Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	units, _, err := r.Backtest(ctx, jobs.Params{AsOf: asOf}, 6)
	if err != nil {
		t.Fatal(err)
	}
	for level := range 4 {
		fs, err := db.Forecasts(ctx, run, level, "label", nil)
		if err != nil {
			t.Fatal(err)
		}
		if level == 0 { // the sightings are H1: clearance H0 sees no history to forecast
			if len(fs) != 0 {
				t.Fatalf("H0: %d forecasts of H1 data", len(fs))
			}
			continue
		}
		if len(fs) != 2 || fs[0].UnitKey != "Flat" || fs[1].UnitKey != "Seasonal" {
			t.Fatalf("H%d: %d label forecasts %+v, want Flat and Seasonal", level, len(fs), fs)
		}
		for _, f := range fs {
			if f.Months < 30 || len(f.Steps) != f.Months+6 {
				t.Fatalf("H%d %s: %d months, %d steps", level, f.UnitKey, f.Months, len(f.Steps))
			}
			inBand := 0
			for k, s := range f.Steps[f.Months:] {
				if s.Step != k+1 || s.Observed != nil || s.Mean == nil {
					t.Fatalf("H%d %s step %+v", level, f.UnitKey, s)
				}
				if !(*s.Lo95 <= *s.Lo80 && *s.Lo80 <= *s.Mean && *s.Mean <= *s.Hi80 && *s.Hi80 <= *s.Hi95) {
					t.Errorf("H%d %s step %d: intervals do not nest: %v %v %v %v %v", level, f.UnitKey, s.Step, *s.Lo95, *s.Lo80, *s.Mean, *s.Hi80, *s.Hi95)
				}
				if k == 0 && !s.PeriodFrom.Equal(asOf) {
					t.Errorf("H%d %s: first forecast month from %s, want the reference time %s", level, f.UnitKey, s.PeriodFrom, asOf)
				}
				truth := 25.0
				if f.UnitKey == "Seasonal" {
					truth = seasonalCount(40 + k)
				}
				if truth >= *s.Lo95 && truth <= *s.Hi95 {
					inBand++
				}
			}
			if inBand < 5 {
				t.Errorf("H%d %s: %d of 6 expected counts inside the 95%% band", level, f.UnitKey, inBand)
			}
			for _, u := range units {
				if u.Level == level && u.Kind == "label" && u.Key == f.UnitKey &&
					(f.MASE == nil || math.Abs(*f.MASE-u.MASE) > 1e-12 || f.Points != u.Points) {
					t.Errorf("H%d %s: stored backtest %v (%d points), jobs backtest %v (%d)", level, f.UnitKey, f.MASE, f.Points, u.MASE, u.Points)
				}
			}
		}
		checkCellForecasts(t, db, run, level, asOf)
	}
}

// checkCellForecasts: the two routes' places are forecast as cells at res 3 and 4, over the
// 39 whole calendar months before asOf (the data starts inside January 2023) and the six after, each cell's months the sightings in it,
// the seasonal one's next months inside its 95% band.
func checkCellForecasts(t *testing.T, db *store.DB, run int64, level int, asOf time.Time) {
	t.Helper()
	want := map[string]string{}
	for _, p := range []struct {
		route    string
		lat, lon float64
	}{{"Seasonal", 35.5, 12.6}, {"Flat", 44.1, 15.2}} {
		for _, res := range []int{3, 4} {
			c, _ := geo.CellAt(p.lat, p.lon, res)
			want[geo.CellString(c)] = p.route
		}
	}
	fs, err := db.Forecasts(context.Background(), run, level, "cell", nil)
	if err != nil {
		t.Fatal(err)
	}
	if level == 0 {
		if len(fs) != 0 {
			t.Errorf("H0: %d cell forecasts of H1 data", len(fs))
		}
		return
	}
	if len(fs) != len(want) {
		t.Fatalf("H%d: %d cell forecasts, want %d (%v)", level, len(fs), len(want), want)
	}
	observed := map[string][]float64{}
	for _, f := range fs {
		route, ok := want[f.UnitKey]
		if !ok || f.Months != 39 || len(f.Steps) != 45 {
			t.Fatalf("H%d: cell %s (%s): %d months, %d steps; want one of %v with 39 and 45", level, f.UnitKey, route, f.Months, len(f.Steps), want)
		}
		inBand := 0
		for k, s := range f.Steps {
			if s.PeriodFrom.Day() != 1 || !s.PeriodTo.Equal(s.PeriodFrom.AddDate(0, 1, 0)) {
				t.Fatalf("cell %s step %d: %s to %s is not a calendar month", f.UnitKey, s.Step, s.PeriodFrom, s.PeriodTo)
			}
			if k < 39 {
				observed[f.UnitKey] = append(observed[f.UnitKey], *s.Observed)
				continue
			}
			if k == 39 && !s.PeriodFrom.Equal(asOf) {
				t.Errorf("cell %s: first forecast month %s, want %s", f.UnitKey, s.PeriodFrom, asOf)
			}
			truth := 25.0
			if route == "Seasonal" {
				truth = seasonalCount(k + 1) // step k is month k+1 of the data
			}
			if truth >= *s.Lo95 && truth <= *s.Hi95 {
				inBand++
			}
		}
		if inBand < 5 {
			t.Errorf("H%d cell %s (%s): %d of 6 expected counts inside the 95%% band", level, f.UnitKey, route, inBand)
		}
	}
	for key, route := range want { // a res-3 cell holds its res-4 cell's sightings, and exactly those the table has in it
		c, _ := geo.ParseCell(key)
		if c.Resolution() == 4 {
			p, _ := geo.Parent(c, 3)
			for m, n := range observed[key] {
				if observed[geo.CellString(p)][m] < n {
					t.Errorf("%s month %d: res-4 cell %v, its res-3 parent %v", route, m, n, observed[geo.CellString(p)][m])
				}
			}
			continue
		}
		var n float64
		if err := db.SQLX().GetContext(context.Background(), &n, `SELECT count(*) FROM sightings
			WHERE h3_parent(cell, 3) = $1 AND observed_at >= $2 AND observed_at < $3`, geo.CellToInt64(c), asOf.AddDate(0, -39, 0), asOf); err != nil {
			t.Fatal(err)
		}
		if got := floats(observed[key]); got != n {
			t.Errorf("%s res-3 cell: %v sightings in its months, %v in the table", route, got, n)
		}
	}
}

func floats(y []float64) float64 {
	s := 0.0
	for _, v := range y {
		s += v
	}
	return s
}
