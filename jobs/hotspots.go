package jobs

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/analytics"
	"routewatch/store"
)

// Emerging hot spot defaults (METHODS.md §3–5).
const (
	defaultHotspotRes = 4    // a rollup resolution: whole months read cell_months
	hotspotMonths     = 36   // default length of the cube: ArcGIS looks at a cube's whole history
	hotspotK          = 1    // k-ring of the spatial neighbourhood
	hotspotTimeSteps  = 1    // previous time steps in the neighbourhood
	alpha             = 0.05 // significance level of every job's q-values
	levels            = 4    // clearance levels H0..H3: every job computes its results per level
)

// hotspots runs the emerging hot spot analysis per H3 cell over the run's months, once per
// clearance level, and stores every cell with a pattern. The months are From..To, by
// default the hotspotMonths whole months before the current one (or before AsOf) but none
// before the first observation: months before the data would make every cell look new.
func (r *Runner) hotspots(ctx context.Context, runID int64, p Params) (int, error) {
	res := p.Res
	if res == 0 {
		res = defaultHotspotRes
	}
	if res < 0 || res > 10 {
		return 0, fmt.Errorf("hotspots: resolution %d, want 0..10", res)
	}
	period, err := r.hotspotPeriod(ctx, p)
	if err != nil {
		return 0, err
	}
	steps := monthStarts(period)
	counts, err := r.DB.CellSteps(ctx, res, "month", period)
	if err != nil {
		return 0, err
	}
	var out []store.Hotspot
	for level := range levels {
		hs, err := emergingHotSpots(counts, steps, res, level)
		if err != nil {
			return 0, fmt.Errorf("clearance H%d: %w", level, err)
		}
		out = append(out, hs...)
	}
	return len(out), r.DB.CompleteHotspotRun(ctx, runID, out)
}

// hotspotPeriod is the cube's months: period(p) cut at AsOf (a replay never reads a month
// observed after it), starting hotspotMonths before its end unless From says otherwise,
// and never before the month of the first observation.
func (r *Runner) hotspotPeriod(ctx context.Context, p Params) (store.Period, error) {
	period := r.period(p)
	if !p.AsOf.IsZero() && period.To.After(monthStart(p.AsOf)) {
		period.To = monthStart(p.AsOf)
	}
	if p.From.IsZero() {
		period.From = period.To.AddDate(0, -hotspotMonths, 0)
	}
	first, ok, err := r.DB.FirstObservation(ctx, period.To)
	if err != nil {
		return period, err
	}
	if ok && period.From.Before(monthStart(first)) {
		period.From = monthStart(first)
	}
	return period, nil
}

// monthStarts lists the first instants of the months of p.
func monthStarts(p store.Period) []time.Time {
	var out []time.Time
	for t := p.From; t.Before(p.To); t = t.AddDate(0, 1, 0) {
		out = append(out, t)
	}
	return out
}

// emergingHotSpots builds the gap-free cube of one clearance level — the cells with data and
// their k-rings, zeros included — and classifies every cell.
func emergingHotSpots(counts []store.CellStep, steps []time.Time, res, level int) ([]store.Hotspot, error) {
	T := len(steps)
	stepOf := make(map[int64]int, T)
	for i, s := range steps {
		stepOf[s.Unix()] = i
	}
	series := map[h3.Cell][]float64{}
	for _, c := range counts {
		i, ok := stepOf[c.Step.Unix()]
		if !ok || c.Handling > level {
			continue
		}
		if series[c.Cell] == nil {
			series[c.Cell] = make([]float64, T)
		}
		series[c.Cell][i] += float64(c.Sightings)
	}
	if len(series) == 0 || T == 0 {
		return nil, nil
	}
	area := map[h3.Cell]bool{}
	for c := range series {
		for _, d := range h3.GridDisk(c, hotspotK) {
			area[d] = true
		}
	}
	cells := make([]h3.Cell, 0, len(area))
	for c := range area {
		cells = append(cells, c)
	}
	slices.Sort(cells)
	cube := analytics.Cube{Cells: len(cells), Steps: T, Values: make([]float64, len(cells)*T)}
	for i, c := range cells {
		copy(cube.Values[i*T:(i+1)*T], series[c])
	}
	nb, err := analytics.KRingNeighbors(cells, hotspotK)
	if err != nil {
		return nil, err
	}
	patterns, hs, err := analytics.EmergingHotSpots(cube, nb, hotspotTimeSteps, alpha)
	if err != nil {
		return nil, err
	}
	var out []store.Hotspot
	for i, pat := range patterns {
		if pat == analytics.NoPattern {
			continue
		}
		out = append(out, hotspotRow(cells[i], res, level, pat, hs, i*T, T, series[cells[i]]))
	}
	return out, nil
}

func hotspotRow(cell h3.Cell, res, level int, pat analytics.Pattern, hs analytics.HotSpots, from, T int, series []float64) store.Hotspot {
	z := hs.Z[from : from+T]
	mk := analytics.MannKendall(z)
	h := store.Hotspot{Clearance: level, Cell: cell, Res: res, Pattern: string(pat), Steps: T,
		FinalZ: z[T-1], FinalQ: hs.Q[from+T-1], TrendZ: mk.Z, TrendP: mk.P}
	for _, s := range hs.Spots[from : from+T] {
		switch s {
		case analytics.HotSpot:
			h.HotSteps++
		case analytics.ColdSpot:
			h.ColdSteps++
		}
	}
	for _, v := range series {
		h.Sightings += int64(v)
	}
	return h
}
