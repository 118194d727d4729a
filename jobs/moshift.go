package jobs

import (
	"context"
	"math"
	"slices"
	"sort"
	"time"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/ingest"
	"routewatch/store"
)

// Modus-operandi shift thresholds (METHODS.md §6–7).
const (
	// shiftAlpha is the q-value a shift needs. Stricter than alpha: the job runs over and
	// over (weekly, say) on overlapping windows, and BH controls false discoveries within
	// one run only; genuine shifts of a transport mode or a modus operandi are large.
	shiftAlpha = 0.01
)

// moShift tests, per route label and per corridor and per dimension, whether the category
// mix of the recent window differs from the baseline's, with BH across every test of a
// clearance level, and dates each shift with change points on the monthly counts. Route
// labels too sparse for the standard windows are read again over growMonths and tested on
// grown windows (dimTable.chooseWindows).
func (r *Runner) moShift(ctx context.Context, runID int64, p Params) (int, error) {
	w, ok, err := r.windows(ctx, p)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, r.DB.CompleteMOShiftRun(ctx, runID, nil)
	}
	labels, corridors, err := r.loadUnits(ctx, w, p)
	if err != nil {
		return 0, err
	}
	multi := map[string]bool{string(domain.DimMO): true, string(domain.DimNationality): true}
	attrs := profileAttributes(multi)
	// The dimensions tested: domain's four and the categorical attributes of the ingest profiles.
	dims := append([]string{string(domain.DimMode), string(domain.DimMO), string(domain.DimNationality), string(domain.DimGroupSize)}, attrs...)
	sort.Strings(dims)
	standard := series{bounds: w.bounds[baselineFrom:], dataFrom: w.dataFrom}
	x := newUnitIndex(labels, corridors)
	st, err := r.shiftTablesOf(ctx, x, standard, dims, multi, attrs, corridorRes(corridors), nil)
	if err != nil {
		return 0, err
	}
	// Sparse route labels: a table of theirs lacks sightings in a standard window.
	var sparse []unit
	sparseKeys := map[string]bool{}
	for _, t := range st.at(domain.Levels - 1) {
		u := x.perLevel[domain.Levels-1][t.unit]
		if _, _, nA, nB := t.counts(""); u.Kind == "label" && !sparseKeys[u.Key] &&
			(nA < analytics.ShiftMinSightings || nB < analytics.ShiftMinSightings) {
			sparse, sparseKeys[u.Key] = append(sparse, u), true
		}
	}
	var grownTables [domain.Levels][]*dimTable
	var xg *unitIndex
	if len(sparse) > 0 {
		var names []string
		for _, u := range sparse {
			names = append(names, u.Label)
		}
		xg = newUnitIndex(sparse, [domain.Levels][]unit{})
		sg, err := r.shiftTablesOf(ctx, xg, growSeries(w), dims, multi, attrs, corridorRes(corridors), names)
		if err != nil {
			return 0, err
		}
		for level := range domain.Levels {
			grownTables[level] = sg.at(level)
		}
	}
	act := activity{db: r.DB, seen: map[domain.Period]map[string]int{}}
	var out []store.MOShift
	for level := range domain.Levels {
		var tests []shiftTest
		for _, t := range st.at(level) {
			if u := x.perLevel[level][t.unit]; !(u.Kind == "label" && sparseKeys[u.Key]) {
				tests = append(tests, shiftTest{t, u, standard})
			}
		}
		for _, t := range grownTables[level] {
			tests = append(tests, shiftTest{t, xg.perLevel[level][t.unit], growSeries(w)})
		}
		rows, err := shiftsAt(ctx, tests, level, &act)
		if err != nil {
			return 0, err
		}
		out = append(out, rows...)
	}
	return len(out), r.DB.CompleteMOShiftRun(ctx, runID, out)
}

// growMonths is the series a sparse route's tables count: both windows at their limit.
const (
	growLimit  = 36 // months: the longest a window grows
	growMonths = 2 * growLimit
)

// series is the months a set of shift tables counts: month m is [bounds[m], bounds[m+1]),
// the last ending at the run's reference time.
type series struct {
	bounds   []time.Time
	dataFrom time.Time // the first observation: no window starts before it
}

// growSeries is the growMonths months (of monthDays) ending at w's reference time.
func growSeries(w windows) series {
	s := series{dataFrom: w.dataFrom}
	for k := growMonths; k >= 0; k-- {
		s.bounds = append(s.bounds, w.ref.Add(-time.Duration(float64(k)*monthDays*24*float64(time.Hour))))
	}
	return s
}

// periods are the baseline and recent window of a test's windows, the baseline clipped to
// the first observation.
func (s series) periods(w shiftWindows) (a, b domain.Period) {
	return domain.Period{From: maxTime(s.bounds[w.AFrom], s.dataFrom), To: s.bounds[w.ATo]},
		domain.Period{From: s.bounds[w.BFrom], To: s.bounds[w.BTo]}
}

// shiftTablesOf counts the sightings of the units of x over the months of s (only those of
// the route labels given, when given) into shift tables, each with its windows chosen.
func (r *Runner) shiftTablesOf(ctx context.Context, x *unitIndex, s series, dims []string, multi map[string]bool,
	attrs []string, res int, labels []string) (*shiftTables, error) {
	var units [domain.Levels]int
	for level := range domain.Levels {
		units[level] = len(x.perLevel[level])
	}
	st := newShiftTables(dims, multi, units, len(s.bounds)-1)
	period := domain.Period{From: s.bounds[0], To: s.bounds[len(s.bounds)-1]}
	err := r.DB.WindowSightings(ctx, res, period, attrs, labels, func(ws *store.WindowSighting) {
		m := bucketOf(s.bounds, ws.ObservedAt)
		if m < 0 {
			return
		}
		ids, source := st.sightingIDs(ws, attrs), st.sources.id(ws.Channel)
		if i, ok := x.label(ws.Label); ok {
			st.cluster(i, ws.Journey)
			st.add(ws.Handling, i, source, m, ids) // cumulated over the levels below
		}
		for level := ws.Handling; level < domain.Levels; level++ {
			for _, i := range x.cells[level][ws.Cell] {
				if level == domain.Levels-1 {
					st.cluster(i, ws.Journey)
				}
				st.add(level, i, source, m, ids)
			}
		}
	})
	st.cumulate(x.nLabels)
	return st, err
}

// activity caches the channels active in a period (ActiveChannels), which the coverage
// check of a test needs for its own windows.
type activity struct {
	db   *store.DB
	seen map[domain.Period]map[string]int
}

func (a *activity) at(ctx context.Context, p domain.Period, level int) (map[string]bool, error) {
	m, ok := a.seen[p]
	if !ok {
		var err error
		if m, err = a.db.ActiveChannels(ctx, p); err != nil {
			return nil, err
		}
		a.seen[p] = m
	}
	return activeAt(m, level), nil
}

// groupBand is the group-size band of a number of persons ("" when unknown or none).
func groupBand(persons int) string {
	switch {
	case persons <= 0:
		return ""
	case persons == 1:
		return "1"
	case persons <= 5:
		return "2-5"
	case persons <= 20:
		return "6-20"
	case persons <= 50:
		return "21-50"
	}
	return "51+"
}

// profileAttributes lists the categorical attributes the shipped ingest profiles declare,
// marking in multi those stored as lists.
func profileAttributes(multi map[string]bool) []string {
	var out []string
	for _, name := range ingest.Profiles() {
		prof, err := ingest.LoadProfile(name)
		if err != nil {
			continue // not a profile (the directory's README)
		}
		for _, a := range prof.Attributes {
			if !a.Categorical {
				continue
			}
			if !slices.Contains(out, a.Name) {
				out = append(out, a.Name)
			}
			multi[a.Name] = multi[a.Name] || a.Split != nil
		}
	}
	sort.Strings(out)
	return out
}

// shiftResult is one dimension test.
type shiftResult struct {
	ok             bool // both periods hold enough sightings
	p, stat, g     float64
	df             int
	v, jsd         float64
	method         string
	cats           []store.CategoryStat
	rose, fell     []string
	nA, nB         int64
	meaningfulSize bool // the effect passes analytics.ShiftMinCramersV / analytics.ShiftMinShareChange and names a category
}

// test runs the dimension's test without one source's sightings ("" keeps all), on the
// counts divided by the unit's design effect; the categories report the raw counts.
func (t *dimTable) test(without string) shiftResult {
	var res shiftResult
	a, b, nA, nB := t.counts(without)
	res.nA, res.nB = nA, nB
	if nA < analytics.ShiftMinSightings || nB < analytics.ShiftMinSightings {
		return res
	}
	res.ok = true
	for k, v := range t.values {
		res.cats = append(res.cats, store.CategoryStat{Value: v, A: a[k], B: b[k]})
	}
	nA, nB = max(1, int64(math.Round(float64(nA)/t.deff))), max(1, int64(math.Round(float64(nB)/t.deff)))
	sh, err := analytics.TestShift(scaled(a, t.deff), scaled(b, t.deff), t.multi, nA, nB,
		analytics.ShiftParams{Alpha: alpha, Seed: analytics.ShiftSeed})
	if err != nil {
		res.ok = false
		return res
	}
	res.p, res.stat, res.g, res.df, res.v, res.jsd, res.method = sh.P, sh.ChiSquare, sh.G, sh.DF, sh.CramersV, sh.JSD, string(sh.Method)
	if t.multi {
		res.stat = sh.P // a multi-valued test has no single statistic: its p stands in
	}
	for k := range t.values {
		res.cats[k].Residual = sh.Effect[k]
	}
	for _, k := range sh.Rose {
		res.rose = append(res.rose, t.values[k])
	}
	for _, k := range sh.Fell {
		res.fell = append(res.fell, t.values[k])
	}
	res.meaningfulSize = sh.Meaningful
	return res
}

// shiftTest is one table to test: its unit and the months it counts.
type shiftTest struct {
	t *dimTable
	u unit
	s series
}

// shiftsAt tests every table of one level, BH across them, and reports each with its kind:
// shift, coverage_change (a channel that started or stopped in its windows explains it) or
// none.
func shiftsAt(ctx context.Context, tests []shiftTest, level int, act *activity) ([]store.MOShift, error) {
	var results []shiftResult
	var kept []shiftTest
	var ps []float64
	for _, x := range tests {
		if res := x.t.test(""); res.ok {
			results, kept, ps = append(results, res), append(kept, x), append(ps, res.p)
		}
	}
	qs := analytics.BenjaminiHochberg(ps)
	cut := bhCutAt(ps, qs, shiftAlpha)
	var out []store.MOShift
	for i, x := range kept {
		t, res := x.t, results[i]
		row := shiftRow(t, x.u, res, qs[i], x.s, level)
		significant := qs[i] < shiftAlpha && res.meaningfulSize
		a, b := x.s.periods(t.win)
		activeA, err := act.at(ctx, a, level)
		if err != nil {
			return nil, err
		}
		activeB, err := act.at(ctx, b, level)
		if err != nil {
			return nil, err
		}
		row.FindingCoverage = coverage(t.known(), activeA, activeB, false, func(s string) bool {
			if !significant {
				return true // no finding: nothing to explain
			}
			r := t.test(s)
			return r.ok && r.p <= cut && r.meaningfulSize
		})
		switch {
		case significant && row.Note != "":
			row.Kind = "coverage_change"
		case significant:
			row.Kind = "shift"
			dateShift(&row, t, x.s)
		default:
			row.Kind, row.Note = "none", ""
		}
		out = append(out, row)
	}
	return out, nil
}
