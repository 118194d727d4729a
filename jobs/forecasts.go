package jobs

import (
	"context"
	"time"

	"gonum.org/v1/gonum/floats"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/store"
)

// forecastHorizon is how many months ahead the forecasts job forecasts, and the horizon of
// the backtest stored with each forecast.
const forecastHorizon = 6

// forecasts forecasts every route label and corridor with backtestMinMonths of monthly
// history (the emerging-routes inputs: months of monthDays ending at the reference time),
// per clearance level, forecastHorizon months ahead with intervals calibrated on its own
// rolling-origin backtest, and stores each with that backtest (docs/METHODS-EXPECTATION.md,
// "Forecasts").
func (r *Runner) forecasts(ctx context.Context, runID int64, p Params) (int, error) {
	in, ok, err := r.loadRates(ctx, p)
	if err != nil {
		return 0, err
	}
	var out []store.UnitForecast
	if ok {
		out, err = unitForecasts(in)
		if err != nil {
			return 0, err
		}
	}
	cells, err := r.cellForecasts(ctx, p)
	if err != nil {
		return 0, err
	}
	out = append(out, cells...)
	return len(out), r.DB.CompleteForecastRun(ctx, runID, out)
}

// levelSeries are one level's units with history: the monthly series from the first full
// month, their step times (with horizon months after the reference time) and the level's
// dispersion, estimated as the detection tests do on a fit that holds back horizon months.
type levelSeries struct {
	series [][]float64
	units  []unit
	bounds []time.Time // len(history)+horizon+1
	at     []analytics.StepTime
	disp   analytics.Dispersion
}

// seriesOf prepares every level's series, or ok false when the history is shorter than
// backtestMinMonths.
func seriesOf(in rateInputs, horizon int) (levels [domain.Levels]levelSeries, ok bool, err error) {
	first := firstFullBucket(in.w)
	steps := seriesMonths - first
	if steps < backtestMinMonths {
		return levels, false, nil
	}
	bounds := append([]time.Time(nil), in.w.bounds[first:]...)
	for k := 1; k <= horizon; k++ {
		bounds = append(bounds, in.w.ref.Add(time.Duration(float64(k)*monthDays*24*float64(time.Hour))))
	}
	at := stepTimes(bounds)
	for level := range domain.Levels {
		t := in.tallies[level]
		cube := analytics.Cube{Cells: len(t.series), Steps: steps}
		ls := levelSeries{bounds: bounds, at: at}
		for i, s := range t.series {
			cube.Values = append(cube.Values, s[first:]...)
			if floats.Sum(s[first:]) > 0 {
				ls.series, ls.units = append(ls.series, s[first:]), append(ls.units, in.units[level][i])
			}
		}
		exp, err := analytics.ExpectCube(cube, at[:steps], steps-horizon)
		if err != nil {
			return levels, false, err
		}
		ls.disp = exp.Dispersion
		levels[level] = ls
	}
	return levels, true, nil
}

// unitForecasts forecasts and backtests every unit of every level.
func unitForecasts(in rateInputs) ([]store.UnitForecast, error) {
	levels, ok, err := seriesOf(in, forecastHorizon)
	if err != nil || !ok {
		return nil, err
	}
	var out []store.UnitForecast
	for level, ls := range levels {
		for i, y := range ls.series {
			u := ls.units[i]
			uf, err := forecastOf(y, ls.at, ls.bounds, ls.disp)
			if err != nil {
				return nil, err
			}
			uf.Clearance, uf.UnitKind, uf.UnitKey, uf.Label = level, u.Kind, u.Key, u.Label
			out = append(out, uf)
		}
	}
	return out, nil
}

// forecastOf forecasts the monthly series y (its steps at at[:len(y)], bounded by
// bounds[:len(y)+1]) forecastHorizon months ahead with intervals calibrated on its own
// backtest, under the level's dispersion: the stored forecast but for its unit.
func forecastOf(y []float64, at []analytics.StepTime, bounds []time.Time, disp analytics.Dispersion) (store.UnitForecast, error) {
	T := len(y)
	f, b, err := analytics.CalibratedForecast(y, at, forecastSeason, forecastHorizon, backtestMinFit, disp)
	if err != nil {
		return store.UnitForecast{}, err
	}
	uf := store.UnitForecast{Months: T,
		Origins: b.Origins, Points: b.Points, MASE: store.Finite(b.MASE), NaiveMASE: store.Finite(b.NaiveMASE),
		Cover80: store.Finite(b.Cover80), Cover95: store.Finite(b.Cover95),
		Calibration: b.Calibration(), Calibrated80: store.Finite(b.Calibrated80), Calibrated95: store.Finite(b.Calibrated95)}
	for t, v := range y {
		uf.Steps = append(uf.Steps, store.ForecastStep{Step: t - T, PeriodFrom: bounds[t], PeriodTo: bounds[t+1], Observed: &v})
	}
	for k := range forecastHorizon {
		t := T + k
		uf.Steps = append(uf.Steps, store.ForecastStep{Step: k + 1, PeriodFrom: bounds[t], PeriodTo: bounds[t+1],
			Mean: store.Finite(f.Mean[k]), Lo80: store.Finite(f.Lo80[k]), Hi80: store.Finite(f.Hi80[k]),
			Lo95: store.Finite(f.Lo95[k]), Hi95: store.Finite(f.Hi95[k]), Naive: store.Finite(f.Naive[k])})
	}
	return uf, nil
}
