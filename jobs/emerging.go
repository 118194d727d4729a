package jobs

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/lib/pq"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/store"
)

// Emerging-routes thresholds.
const (
	minNewCount   = 10  // recent sightings that make a unit with an empty baseline new
	minSurgeRatio = 2.0 // ratio of observed to expected a significant increase needs to be a surge
	// minDeclineRatio: a significant decrease is a decline when the count falls to at most
	// 1/minDeclineRatio of the expected one. The expectation carries the unit's season, so a
	// seasonal trough is no decline and the threshold mirrors the surge's.
	minDeclineRatio = 2.0
)

// emerging compares, per route label and per corridor, the recent window with the baseline
// (the one-sided exact two-rate test, BH across the units of a clearance level) and stores
// every unit with its status: new, surging, declining, ongoing, stable, or coverage_change.
func (r *Runner) emerging(ctx context.Context, runID int64, p Params) (int, error) {
	in, ok, err := r.loadRates(ctx, p)
	if err != nil {
		return 0, err
	}
	if !ok { // too little history before the window: nothing to test
		return 0, r.DB.CompleteEmergingRun(ctx, runID, in.w.ref, nil)
	}
	states, err := r.DB.EmergingUnitStates(ctx)
	if err != nil {
		return 0, err
	}
	var out []store.EmergingRoute
	for level := range domain.Levels {
		rows, err := emergingAt(in, level, states)
		if err != nil {
			return 0, err
		}
		out = append(out, rows...)
	}
	return len(out), r.DB.CompleteEmergingRun(ctx, runID, in.w.ref, out)
}

// rateInputs are what the emerging-routes and displacement jobs test: per clearance level,
// its units and their counts.
type rateInputs struct {
	w       windows
	units   [domain.Levels][]unit
	tallies [domain.Levels]tally
	activeA map[string]int
	activeB map[string]int
}

// tally is one level's counts: per unit, A/B per source, the totals and the monthly series.
type tally struct {
	perSource []map[string]analytics.Counts
	series    [][]float64
	totals    []analytics.Counts
}

func newTally(n int) tally {
	t := tally{perSource: make([]map[string]analytics.Counts, n), series: make([][]float64, n), totals: make([]analytics.Counts, n)}
	for i := range n {
		t.perSource[i] = map[string]analytics.Counts{}
		t.series[i] = make([]float64, seriesMonths)
	}
	return t
}

func (t *tally) add(i, bucket int, source string, n int64) {
	t.series[i][bucket] += float64(n)
	ps := t.perSource[i][source]
	switch {
	case inA(bucket):
		ps.A += n
		t.totals[i].A += n
	case inB(bucket):
		ps.B += n
		t.totals[i].B += n
	}
	t.perSource[i][source] = ps
}

// rateMemo lets the emerging and displacement runs started together by RunAll share their
// inputs (same parameters, same windows, units and counts: read once, used read-only).
type rateMemo struct {
	once sync.Once
	in   rateInputs
	ok   bool
	err  error
}

// loadRates reads the rate inputs, once per RunAll when r has a memo.
func (r *Runner) loadRates(ctx context.Context, p Params) (rateInputs, bool, error) {
	if r.rates == nil {
		return r.readRates(ctx, p)
	}
	m := r.rates
	m.once.Do(func() { m.in, m.ok, m.err = r.readRates(ctx, p) })
	return m.in, m.ok, m.err
}

// readRates reads the units and counts the sightings of the series' months into each
// level's tally: a sighting with handling code h counts at every level from h up.
func (r *Runner) readRates(ctx context.Context, p Params) (rateInputs, bool, error) {
	var in rateInputs
	w, ok, err := r.windows(ctx, p)
	in.w = w
	if err != nil || !ok {
		return in, false, err
	}
	labels, corridors, err := r.loadUnits(ctx, w, p)
	if err != nil {
		return in, false, err
	}
	x := newUnitIndex(labels, corridors)
	for level := range domain.Levels {
		in.units[level] = x.perLevel[level]
		in.tallies[level] = newTally(len(x.perLevel[level]))
	}
	err = r.DB.WindowCounts(ctx, corridorRes(corridors), w.bounds, func(c store.WindowCount) {
		for level := c.Handling; level < domain.Levels; level++ {
			x.each(level, c.Label, c.Cell, func(i int) { in.tallies[level].add(i, c.Step, c.Channel, c.N) })
		}
	})
	if err != nil {
		return in, false, err
	}
	if in.activeA, err = r.DB.ActiveChannels(ctx, w.baseline()); err != nil {
		return in, false, err
	}
	in.activeB, err = r.DB.ActiveChannels(ctx, w.recent())
	return in, err == nil, err
}

// rateTest is one level's comparison of every unit, with the run's BH cut-offs.
type rateTest struct {
	changes        []analytics.Change
	cutUp, cutDown float64
}

func testRates(t tally, w windows) rateTest {
	ch := analytics.ComparePeriods(t.totals, w.tA, w.tB, analytics.CompareParams{Alpha: alpha, MinCount: minNewCount})
	var pu, qu, pd, qd []float64
	for _, c := range ch {
		pu, qu, pd, qd = append(pu, c.PUp), append(qu, c.QUp), append(pd, c.PDown), append(qd, c.QDown)
	}
	return rateTest{changes: ch, cutUp: bhCut(pu, qu), cutDown: bhCut(pd, qd)}
}

// statusOf classifies counts c as new, surging, declining or "" (none of them) at the run's
// cut-offs: a re-test of changed counts (coverage) passes the same thresholds. A unit with no
// baseline is new once it holds minNewCount sightings; otherwise its recent count is tested
// against its expectation x (nil without a seasonal cycle of history: against a shorter one,
// the summer peak of a sea route looks like a surge). A surge needs significance and an
// effect: minSurgeRatio times the expected count and minSurgeExcess sightings more, and
// minSurgeRatio times the baseline's plain rate too, so that no finding rests on the model
// alone (a season or trend misread from a short history); a decline the mirror.
func (rt rateTest) statusOf(c analytics.Counts, x *recentTest, w windows) string {
	switch {
	case c.A == 0 && c.B >= minNewCount:
		return "new"
	case x == nil || c.A == 0:
		return ""
	}
	s := x.score()
	rr := analytics.CompareRates(c.A, c.B, w.tA, w.tB).RateRatio
	switch {
	case s.PUp <= rt.cutUp && x.observed >= minSurgeRatio*x.expected && x.observed-x.expected >= minSurgeExcess && rr >= minSurgeRatio:
		return "surging"
	case s.PDown <= rt.cutDown && x.observed*minDeclineRatio <= x.expected && x.expected-x.observed >= minSurgeExcess && rr*minDeclineRatio <= 1:
		return "declining"
	}
	return ""
}

// expectAt tests every unit of a level against its expectation, when the history allows
// (expectRecent), and puts the tests' p-values, their BH q-values and cut-offs in rt.
func expectAt(t tally, w windows, rt *rateTest) ([]recentTest, error) {
	if w.tA < seasonDays {
		return nil, nil
	}
	ex, ok, err := expectRecent(t, w)
	if err != nil || !ok {
		return nil, err
	}
	tests := make([]recentTest, len(t.totals))
	pu, pd := make([]float64, len(tests)), make([]float64, len(tests))
	for i := range tests {
		tests[i] = recentTest{observed: float64(t.totals[i].B), expected: ex.expected[i], variance: ex.variance[i], Dispersion: ex.Dispersion}
		s := tests[i].score()
		pu[i], pd[i] = s.PUp, s.PDown
	}
	qu, qd := analytics.BenjaminiHochberg(pu), analytics.BenjaminiHochberg(pd)
	for i := range tests {
		ch := &rt.changes[i]
		ch.PUp, ch.QUp, ch.PDown, ch.QDown = pu[i], qu[i], pd[i], qd[i]
	}
	rt.cutUp, rt.cutDown = bhCut(pu, qu), bhCut(pd, qd)
	return tests, nil
}

// emergingAt classifies one level's units.
func emergingAt(in rateInputs, level int, states map[string]*time.Time) ([]store.EmergingRoute, error) {
	t := in.tallies[level]
	rt := testRates(t, in.w)
	tests, err := expectAt(t, in.w, &rt)
	if err != nil {
		return nil, err
	}
	activeA, activeB := activeAt(in.activeA, level), activeAt(in.activeB, level)
	var out []store.EmergingRoute
	for i, u := range in.units[level] {
		c := t.totals[i]
		if c.A == 0 && c.B == 0 {
			continue
		}
		row := emergingRow(u, level, c, rt.changes[i], in.w)
		var x *recentTest
		if tests != nil {
			x = &tests[i]
			row.RecentExpected = &x.expected
		}
		status := rt.statusOf(c, x, in.w)
		if status != "" {
			row.FindingCoverage = coverage(t.perSource[i], activeA, activeB, status == "declining", func(s string) bool {
				rest := analytics.WithoutSource(t.perSource[i], s)
				var xs *recentTest
				if x != nil {
					w := x.without(1-float64(rest.A)/float64(c.A), c.B-rest.B)
					xs = &w
				}
				return rt.statusOf(rest, xs, in.w) == status
			})
			if row.Note != "" {
				status = "coverage_change"
			}
		} else {
			cov := analytics.CheckCoverage(t.perSource[i], activeA, activeB, false, func(string) bool { return true })
			row.FindingCoverage = store.FindingCoverage{Sources: cov.Sources, TopSource: cov.TopSource, TopShare: cov.TopShare}
		}
		row.Status = settle(status, states[store.UnitStateKey(level, u.Kind, u.Key)], in.w)
		out = append(out, row)
	}
	return out, nil
}

// settle turns a test's status into the stored one: a unit reported new or surging by an
// earlier run is ongoing (unless it now declines) while that first detection lies within a
// baseline and window of the reference time; a new or surging unit is reported once.
func settle(status string, first *time.Time, w windows) string {
	ongoing := first != nil && first.Before(w.ref) && first.After(w.bounds[baselineFrom])
	switch {
	case ongoing && status != "declining" && status != "coverage_change":
		return "ongoing"
	case status != "":
		return status
	}
	return "stable"
}

func emergingRow(u unit, level int, c analytics.Counts, ch analytics.Change, w windows) store.EmergingRoute {
	row := store.EmergingRoute{Clearance: level, UnitKind: u.Kind, UnitKey: u.Key, Label: u.Label, CellIDs: pq.Int64Array{},
		BaselineCount: c.A, RecentCount: c.B, BaselineFrom: w.baseline().From, BaselineTo: w.baseline().To,
		RecentFrom: w.recent().From, RecentTo: w.recent().To, RateRatio: finite(ch.RateRatio),
		PUp: ch.PUp, QUp: ch.QUp, PDown: ch.PDown, QDown: ch.QDown}
	if u.Corridor != nil {
		id := u.Corridor.ID
		row.CorridorID, row.Res = &id, u.Corridor.Res
		for _, x := range u.Corridor.Cells {
			row.CellIDs = append(row.CellIDs, int64(x))
		}
	}
	return row
}

// finite is v, or nil when v is infinite or NaN (JSON has no such numbers).
func finite(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}
