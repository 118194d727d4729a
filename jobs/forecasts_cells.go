package jobs

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/geo"
	"routewatch/store"
)

// Cells the forecasts job forecasts: res 4 (about 1,800 km²) read from the month rollups,
// and res 3 (about 12,400 km²) summed from its children (exactly: a res-4 cell lies in one
// res-3 cell). A cell needs backtestMinMonths whole months of history, and on average
// cellForecastMinMean sightings a month at the level: sparser cells are mostly zeros, whose
// monthly forecast says little and whose backtest scores nothing.
const (
	cellForecastRes     = 4
	cellForecastMinMean = 3.0
)

// cellForecasts forecasts every res-3 and res-4 cell with enough history, per clearance
// level, over the whole calendar months before the reference time (up to seriesMonths of
// them, from the first whole month of data), forecastHorizon calendar months ahead, with the
// same model, dispersion estimate and calibrated intervals as route labels and corridors.
func (r *Runner) cellForecasts(ctx context.Context, p Params) ([]store.UnitForecast, error) {
	ref := r.refTime(p)
	first, ok, err := r.DB.FirstObservation(ctx, ref)
	if err != nil || !ok {
		return nil, err
	}
	bounds := calendarMonths(first, ref, seriesMonths)
	T := len(bounds) - 1
	if T < backtestMinMonths {
		return nil, nil
	}
	steps, err := r.DB.CellSteps(ctx, cellForecastRes, bounds)
	if err != nil {
		return nil, err
	}
	for k := 1; k <= forecastHorizon; k++ {
		bounds = append(bounds, bounds[T].AddDate(0, k, 0))
	}
	at := stepTimes(bounds)
	// series[level][cell]: sightings per month at handling codes up to the level
	var series [domain.Levels]map[h3.Cell][]float64
	for level := range series {
		series[level] = map[h3.Cell][]float64{}
	}
	for _, s := range steps {
		parent, err := geo.Parent(s.Cell, cellForecastRes-1)
		if err != nil {
			return nil, err
		}
		for level := s.Handling; level < domain.Levels; level++ {
			for _, c := range []h3.Cell{s.Cell, parent} {
				y := series[level][c]
				if y == nil {
					y = make([]float64, T)
					series[level][c] = y
				}
				y[s.Step] += float64(s.Sightings)
			}
		}
	}
	var out []store.UnitForecast
	for level := range series {
		for _, res := range []int{cellForecastRes - 1, cellForecastRes} {
			fs, err := forecastCells(series[level], res, at, bounds)
			if err != nil {
				return nil, err
			}
			for i := range fs {
				fs[i].Clearance = level
			}
			out = append(out, fs...)
		}
	}
	return out, nil
}

// forecastCells forecasts the cells of series at res busy enough, their dispersion estimated
// on them together as the detection tests do (a fit holding back forecastHorizon months).
func forecastCells(series map[h3.Cell][]float64, res int, at []analytics.StepTime, bounds []time.Time) ([]store.UnitForecast, error) {
	var cells []h3.Cell
	var cube analytics.Cube
	for c, y := range series {
		if c.Resolution() != res || mean(y) < cellForecastMinMean {
			continue
		}
		cells = append(cells, c)
	}
	if len(cells) == 0 {
		return nil, nil
	}
	slices.SortFunc(cells, func(a, b h3.Cell) int { return cmp.Compare(a, b) })
	T := len(series[cells[0]])
	cube = analytics.Cube{Cells: len(cells), Steps: T}
	for _, c := range cells {
		cube.Values = append(cube.Values, series[c]...)
	}
	exp, err := analytics.ExpectCube(cube, at[:T], T-forecastHorizon)
	if err != nil {
		return nil, err
	}
	out := make([]store.UnitForecast, 0, len(cells))
	for _, c := range cells {
		uf, err := forecastOf(series[c], at, bounds, exp.Dispersion)
		if err != nil {
			return nil, err
		}
		key := geo.CellString(c)
		uf.UnitKind, uf.UnitKey, uf.Label = "cell", key, key
		out = append(out, uf)
	}
	return out, nil
}

// calendarMonths are the bounds of the whole UTC calendar months before ref, the first one
// the first whole month from `first` on, at most n of them (the latest n).
func calendarMonths(first, ref time.Time, n int) []time.Time {
	start := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	if start.Before(first) {
		start = start.AddDate(0, 1, 0)
	}
	end := time.Date(ref.Year(), ref.Month(), 1, 0, 0, 0, 0, time.UTC)
	if s := end.AddDate(0, -n, 0); start.Before(s) {
		start = s
	}
	var out []time.Time
	for t := start; !t.After(end); t = t.AddDate(0, 1, 0) {
		out = append(out, t)
	}
	return out
}

func mean(y []float64) float64 {
	if len(y) == 0 {
		return 0
	}
	s := 0.0
	for _, v := range y {
		s += v
	}
	return s / float64(len(y))
}
