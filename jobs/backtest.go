package jobs

import (
	"context"
	"math"
	"slices"

	"routewatch/analytics"
)

// Forecast backtests (docs/METHODS-EXPECTATION.md, "Forecasts"): every route label and
// corridor with backtestMinMonths of monthly history is backtested from a rolling origin
// with the expectation model, so that a forecast can say how good forecasts have been there.
const (
	backtestMinFit    = 24 // months a backtest's first fit holds: two seasonal cycles
	backtestMinMonths = 30 // months of history a unit needs: backtestMinFit and 6 origins
	forecastSeason    = 12
)

// UnitBacktest is one unit's rolling-origin backtest at one clearance level.
type UnitBacktest struct {
	Level  int
	Kind   string
	Key    string
	Label  string
	Months int
	analytics.Backtest
}

// BacktestSummary is the median MASE of the model and of the seasonal-naive forecast over
// the units backtested at one level, and the pooled interval coverage.
type BacktestSummary struct {
	Level                       int
	Units                       int
	MedianMASE, MedianNaiveMASE float64
	Cover80, Cover95            float64
}

// Backtest backtests every unit of the emerging-routes inputs (the monthly series up to the
// run's reference time) with horizon months ahead from each origin.
func (r *Runner) Backtest(ctx context.Context, p Params, horizon int) ([]UnitBacktest, []BacktestSummary, error) {
	in, ok, err := r.readRates(ctx, p)
	if err != nil || !ok {
		return nil, nil, err
	}
	levels, ok, err := seriesOf(in, horizon)
	if err != nil || !ok {
		return nil, nil, err
	}
	var units []UnitBacktest
	var sums []BacktestSummary
	for level, ls := range levels {
		sum := BacktestSummary{Level: level}
		var mase, naive []float64
		var points float64
		for i, y := range ls.series {
			b, err := analytics.BacktestUnit(y, ls.at[:len(y)], forecastSeason, horizon, backtestMinFit, ls.disp)
			if err != nil {
				return nil, nil, err
			}
			u := ls.units[i]
			units = append(units, UnitBacktest{Level: level, Kind: u.Kind, Key: u.Key, Label: u.Label, Months: len(y), Backtest: b})
			if !math.IsNaN(b.MASE) && !math.IsNaN(b.NaiveMASE) {
				mase, naive = append(mase, b.MASE), append(naive, b.NaiveMASE)
			}
			n := float64(b.Points)
			sum.Cover80, sum.Cover95, points = sum.Cover80+b.Cover80*n, sum.Cover95+b.Cover95*n, points+n
			sum.Units++
		}
		if points > 0 {
			sum.Cover80, sum.Cover95 = sum.Cover80/points, sum.Cover95/points
		}
		sum.MedianMASE, sum.MedianNaiveMASE = median(mase), median(naive)
		sums = append(sums, sum)
	}
	return units, sums, nil
}

// median is the middle value of v (the mean of the two middle ones), NaN when v is empty.
func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
