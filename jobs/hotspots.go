package jobs

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/errs"
	"routewatch/store"
)

// Emerging hot spot defaults (METHODS.md §3–5).
const (
	hotspotMonths    = 36   // longest cube: ArcGIS looks at a cube's whole history
	hotspotMinMonths = 15   // shortest: a cube must reach back past the last season's peak
	hotspotK         = 1    // k-ring of the spatial neighbourhood
	hotspotTimeSteps = 1    // previous time steps in the neighbourhood
	alpha            = 0.05 // significance level of every job's q-values
)

// hotspotCube is how one hot spot run builds its cube: resolutions, step, neighbourhood.
type hotspotCube struct {
	res       []int
	week      bool // weekly steps (7 days) instead of months
	k         int  // k-ring
	timeSteps int  // previous steps in the neighbourhood
}

// cubeOf checks and completes a run's hot spot parameters.
func cubeOf(p Params) (hotspotCube, error) {
	c := hotspotCube{res: hotspotRes, k: hotspotK, timeSteps: hotspotTimeSteps}
	if p.Res != 0 {
		if p.Res < 0 || p.Res > 10 {
			return c, errs.E(errs.Invalid, "res", "hot spot resolution %d, want 0..10", p.Res)
		}
		c.res = []int{p.Res}
	}
	switch p.Step {
	case "", "month":
	case "week":
		c.week = true
	default:
		return c, errs.E(errs.Invalid, "step", "hot spot step %q, want month or week", p.Step)
	}
	if p.K != 0 {
		if p.K < 1 || p.K > 5 {
			return c, errs.E(errs.Invalid, "k", "hot spot k-ring %d, want 1..5", p.K)
		}
		c.k = p.K
	}
	if p.TimeSteps != 0 {
		if p.TimeSteps < 1 || p.TimeSteps > 12 {
			return c, errs.E(errs.Invalid, "time_steps", "hot spot neighbourhood time steps %d, want 1..12", p.TimeSteps)
		}
		c.timeSteps = p.TimeSteps
	}
	return c, nil
}

// hotspotRes are the resolutions a run analyses when Params.Res is zero: the two rollup
// resolutions, regional (res 4, cells of ~1,800 km²) and local (res 6, ~36 km²). A new
// gathering place of a few km shows at res 6; at res 4 it drowns in the route around it.
var hotspotRes = []int{4, 6}

// hotspots runs the emerging hot spot analysis per H3 cell, once per resolution and per
// clearance level, and stores every cell with a pattern. The cube's time steps are months
// (or, with Params.Step "week", 7-day weeks read from the raw sightings) ending at the
// reference time (To, else AsOf, else now): calendar months, read from cell_months, when it
// is the first of a month, else month-long windows read from the raw sightings, so that a
// replay sees the data up to its instant. The cube starts
// hotspotMonths before (or at From) but never before the first observation: months before
// the data would make every cell look new. With fewer than hotspotMinMonths months there is
// nothing to report: a sea route's summer would look like a new hot spot every year.
func (r *Runner) hotspots(ctx context.Context, runID int64, p Params) (int, error) {
	cube, err := cubeOf(p)
	if err != nil {
		return 0, err
	}
	bounds, err := r.hotspotSteps(ctx, p, cube.week)
	if err != nil || !longEnough(bounds) {
		return 0, errOr(err, r.DB.CompleteHotspotRun(ctx, runID, nil))
	}
	var out []store.Hotspot
	for _, res := range cube.res {
		counts, err := r.DB.CellSteps(ctx, res, bounds)
		if err != nil {
			return 0, err
		}
		for level := range domain.Levels {
			hs, err := emergingHotSpots(counts, bounds, res, level, cube)
			if err != nil {
				return 0, fmt.Errorf("res %d, clearance H%d: %w", res, level, err)
			}
			out = append(out, hs...)
		}
	}
	return len(out), r.DB.CompleteHotspotRun(ctx, runID, out)
}

func errOr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// longEnough says whether a cube's bounds span hotspotMinMonths.
func longEnough(bounds []time.Time) bool {
	return len(bounds) > 1 && !bounds[len(bounds)-1].AddDate(0, -hotspotMinMonths, 0).Before(bounds[0])
}

// hotspotSteps are the bounds of the cube's time steps (see hotspots): months, or weeks of
// 7 days, ending at the reference time.
func (r *Runner) hotspotSteps(ctx context.Context, p Params, weeks bool) ([]time.Time, error) {
	ref := r.refTime(p)
	first, ok, err := r.DB.FirstObservation(ctx, ref)
	if err != nil || !ok {
		return nil, err
	}
	step := func(k int) time.Time { return ref.AddDate(0, -k, 0) }
	n := hotspotMonths
	if weeks {
		step = func(k int) time.Time { return ref.AddDate(0, 0, -7*k) }
		n = hotspotMonths * 365 / 12 / 7
	}
	var bounds []time.Time
	for k := n; k >= 0; k-- {
		b := step(k)
		if b.Before(first.UTC().Truncate(24*time.Hour)) || (!p.From.IsZero() && b.Before(p.From)) {
			continue // only whole steps with data
		}
		bounds = append(bounds, b)
	}
	return bounds, nil
}

// emergingHotSpots builds the gap-free cube of one clearance level — the cells with data and
// their k-rings, zeros included — fits every cell's expectation on the steps before the
// recent window and classifies every cell by its excess over it (analytics.ExcessHotSpots).
func emergingHotSpots(counts []store.CellStep, bounds []time.Time, res, level int, cube hotspotCube) ([]store.Hotspot, error) {
	T := len(bounds) - 1
	series := map[h3.Cell][]float64{}
	for _, c := range counts {
		if c.Step < 0 || c.Step >= T || c.Handling > level {
			continue
		}
		if series[c.Cell] == nil {
			series[c.Cell] = make([]float64, T)
		}
		series[c.Cell][c.Step] += float64(c.Sightings)
	}
	if len(series) == 0 || T == 0 {
		return nil, nil
	}
	area := map[h3.Cell]bool{}
	for c := range series {
		for _, d := range h3.GridDisk(c, cube.k) {
			area[d] = true
		}
	}
	cells := make([]h3.Cell, 0, len(area))
	for c := range area {
		cells = append(cells, c)
	}
	slices.Sort(cells)
	stc := analytics.Cube{Cells: len(cells), Steps: T, Values: make([]float64, len(cells)*T)}
	for i, c := range cells {
		copy(stc.Values[i*T:(i+1)*T], series[c])
	}
	nb, err := analytics.KRingNeighbors(cells, cube.k)
	if err != nil {
		return nil, err
	}
	at, fit := stepTimes(bounds), T-recentSteps(cube.week)
	exp, err := analytics.ExpectCube(stc, at, fit)
	if err != nil {
		return nil, err
	}
	patterns, hs, err := analytics.ExcessHotSpots(stc, exp, nb, cube.timeSteps, alpha, analytics.HotSpotEffect)
	if err != nil {
		return nil, err
	}
	var out []store.Hotspot
	for i, pat := range patterns {
		if pat == analytics.NoPattern {
			continue
		}
		out = append(out, hotspotRow(cells[i], res, level, pat, hs, i*T, T, series[cells[i]], exp.Mu[i*T+T-1]))
	}
	return out, nil
}

func hotspotRow(cell h3.Cell, res, level int, pat analytics.Pattern, hs analytics.HotSpots, from, T int, series []float64, finalExpected float64) store.Hotspot {
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
	if len(series) == T {
		h.FinalCount = int64(series[T-1])
	}
	h.FinalExpected = &finalExpected
	return h
}

// recentSteps is how many of the cube's last steps the expectation is not fitted on: the
// recent window of the other jobs (recentMonths), in the cube's steps. A hot spot is new
// against its cell's history up to that window; once older, it is part of the cell's
// expectation (and of its trend).
func recentSteps(weeks bool) int {
	if weeks {
		return recentMonths * 365 / 12 / 7
	}
	return recentMonths
}

// stepTimes are the middles of the steps between bounds, as the expectation model reads them.
func stepTimes(bounds []time.Time) []analytics.StepTime {
	at := make([]analytics.StepTime, len(bounds)-1)
	for i := range at {
		mid := bounds[i].Add(bounds[i+1].Sub(bounds[i]) / 2)
		at[i] = analytics.StepTime{Phase: 2 * math.Pi * float64(mid.YearDay()-1) / 365.25,
			Years: float64(mid.Unix()) / (365.25 * 86400)}
	}
	return at
}
