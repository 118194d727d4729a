package jobs

import (
	"context"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/store"
)

// How far the units of a displacement must move: the falling one to at most 1/minDrop of
// its baseline rate, the rising one to at least minRise times its own.
const (
	minDrop = 2.0
	minRise = 1.5
)

// displacement looks, per clearance level, for pairs of route labels toward the same
// destination country where one fell significantly while the other rose significantly
// over the recent window against the baseline (q-values BH across every unit of the level,
// as the emerging-routes job computes them) and whose monthly series correlate negatively
// (METHODS.md §8).
func (r *Runner) displacement(ctx context.Context, runID int64, p Params) (int, error) {
	in, ok, err := r.loadRates(ctx, p)
	if err != nil {
		return 0, err
	}
	if !ok || in.w.tA < seasonDays { // a shorter baseline cannot tell a shift from the seasons
		return 0, r.DB.CompleteDisplacementRun(ctx, runID, nil)
	}
	var out []store.Displacement
	for level := range domain.Levels {
		pairs, err := displacementsAt(in, level)
		if err != nil {
			return 0, err
		}
		out = append(out, pairs...)
	}
	return len(out), r.DB.CompleteDisplacementRun(ctx, runID, out)
}

// displacementsAt checks every ordered pair of one level's route labels that share a
// destination.
func displacementsAt(in rateInputs, level int) ([]store.Displacement, error) {
	t := in.tallies[level]
	rt := testRates(t, in.w)
	activeA, activeB := activeAt(in.activeA, level), activeAt(in.activeB, level)
	first := max(firstFullBucket(in.w), seriesMonths-displaceMonths)
	var out []store.Displacement
	units := in.units[level]
	for f, uf := range units {
		for g, ug := range units {
			if f == g || uf.Kind != "label" || ug.Kind != "label" || uf.Destination == "" || uf.Destination != ug.Destination {
				continue
			}
			d, err := analytics.CheckDisplacement(rt.changes[f], rt.changes[g], t.series[f][first:], t.series[g][first:], alpha)
			if err != nil {
				return nil, err
			}
			// Each ordered pair once: f is the falling unit.
			if !d.Displaced || d.Falling != 0 || d.RateRatioFalling > 1/minDrop || d.RateRatioRising < minRise {
				continue
			}
			row := store.Displacement{Clearance: level, Destination: uf.Destination, UnitKind: "label",
				Falling: uf.Key, Rising: ug.Key, Kind: "displacement",
				RateRatioFalling: d.RateRatioFalling, RateRatioRising: finite(d.RateRatioRising),
				QFalling: d.QFalling, QRising: d.QRising, Correlation: d.Correlation,
				BaselineFrom: in.w.baseline().From, BaselineTo: in.w.baseline().To,
				WindowFrom: in.w.recent().From, WindowTo: in.w.recent().To}
			row.FindingCoverage = pairCoverage(t, rt, in.w, f, g, activeA, activeB)
			if row.Note != "" {
				row.Kind = "coverage_change"
			}
			out = append(out, row)
		}
	}
	return out, nil
}

// pairCoverage checks both sides of a displacement: it is a coverage change when a source
// that started or stopped reporting explains the fall or the rise. The counts reported are
// the falling unit's, the note names whichever side a source explains.
func pairCoverage(t tally, rt rateTest, w windows, fall, rise int, activeA, activeB map[string]bool) store.FindingCoverage {
	down := coverage(t.perSource[fall], activeA, activeB, true, func(s string) bool {
		c := analytics.WithoutSource(t.perSource[fall], s)
		r := analytics.CompareRates(c.A, c.B, w.tA, w.tB)
		return r.PDown <= rt.cutDown && r.RateRatio <= 1/minDrop
	})
	if down.Note != "" {
		return down
	}
	up := coverage(t.perSource[rise], activeA, activeB, false, func(s string) bool {
		c := analytics.WithoutSource(t.perSource[rise], s)
		r := analytics.CompareRates(c.A, c.B, w.tA, w.tB)
		return r.PUp <= rt.cutUp && r.RateRatio >= minRise
	})
	down.Note = up.Note
	return down
}

// firstFullBucket is the first month of the series that lies wholly after the first
// observation (earlier months are empty for want of data, not of movement), and no later
// than the recent window's first month.
func firstFullBucket(w windows) int {
	for b := 0; b < seriesMonths; b++ {
		if !w.bounds[b].Before(w.dataFrom) {
			return min(b, seriesMonths-3)
		}
	}
	return seriesMonths - 3
}
