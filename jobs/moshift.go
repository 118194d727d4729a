package jobs

import (
	"context"
	"math"
	"slices"
	"sort"

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
// clearance level, and dates each shift with change points on the monthly counts.
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
	x := newUnitIndex(labels, corridors)
	multi := map[string]bool{string(domain.DimMO): true, string(domain.DimNationality): true}
	attrs := profileAttributes(multi)
	var units [domain.Levels]int
	for level := range domain.Levels {
		units[level] = len(x.perLevel[level])
	}
	// The dimensions tested: domain's four and the categorical attributes of the ingest profiles.
	dims := append([]string{string(domain.DimMode), string(domain.DimMO), string(domain.DimNationality), string(domain.DimGroupSize)}, attrs...)
	sort.Strings(dims)
	st := newShiftTables(dims, multi, units)
	period := domain.Period{From: w.bounds[baselineFrom], To: w.ref}
	err = r.DB.WindowSightings(ctx, corridorRes(corridors), period, attrs, func(s *store.WindowSighting) {
		b := bucketOf(w.bounds, s.ObservedAt) - baselineFrom
		if b < 0 {
			return
		}
		ids, source := st.ids(sightingDims(s, attrs)), st.sources.id(s.Channel)
		for level := s.Handling; level < domain.Levels; level++ {
			x.each(level, s.Label, s.Cell, func(i int) { st.add(level, i, source, s.Journey, b, ids) })
		}
	})
	if err != nil {
		return 0, err
	}
	activeA, err := r.DB.ActiveChannels(ctx, w.baseline())
	if err != nil {
		return 0, err
	}
	activeB, err := r.DB.ActiveChannels(ctx, w.recent())
	if err != nil {
		return 0, err
	}
	var out []store.MOShift
	for level := range domain.Levels {
		out = append(out, shiftsAt(st.at(level), x.perLevel[level], w, level, activeAt(activeA, level), activeAt(activeB, level))...)
	}
	return len(out), r.DB.CompleteMOShiftRun(ctx, runID, out)
}

// dimValues are a sighting's values in one dimension.
type dimValues struct {
	dim    string
	values []string
}

// sightingDims lists the dimensions s has a value in.
func sightingDims(s *store.WindowSighting, attrs []string) []dimValues {
	var out []dimValues
	if s.Mode != "" {
		out = append(out, dimValues{string(domain.DimMode), []string{s.Mode}})
	}
	if band := groupBand(s.Persons); band != "" {
		out = append(out, dimValues{string(domain.DimGroupSize), []string{band}})
	}
	if len(s.MO) > 0 {
		out = append(out, dimValues{string(domain.DimMO), s.MO})
	}
	if len(s.Nationalities) > 0 {
		out = append(out, dimValues{string(domain.DimNationality), s.Nationalities})
	}
	for _, a := range attrs {
		if v := s.Attributes[a]; len(v) > 0 {
			out = append(out, dimValues{a, v})
		}
	}
	return out
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

// shiftsAt tests every table of one level, BH across them, and reports each with its kind:
// shift, coverage_change (a source that started or stopped explains it) or none.
func shiftsAt(tables []*dimTable, units []unit, w windows, level int, activeA, activeB map[string]bool) []store.MOShift {
	var results []shiftResult
	var kept []*dimTable
	var ps []float64
	for _, t := range tables {
		if res := t.test(""); res.ok {
			results, kept, ps = append(results, res), append(kept, t), append(ps, res.p)
		}
	}
	qs := analytics.BenjaminiHochberg(ps)
	cut := bhCutAt(ps, qs, shiftAlpha)
	var out []store.MOShift
	for i, t := range kept {
		res := results[i]
		row := shiftRow(t, units[t.unit], res, qs[i], w, level)
		significant := qs[i] < shiftAlpha && res.meaningfulSize
		row.FindingCoverage = coverage(t.known, activeA, activeB, false, func(s string) bool {
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
			dateShift(&row, t, w)
		default:
			row.Kind, row.Note = "none", ""
		}
		out = append(out, row)
	}
	return out
}
