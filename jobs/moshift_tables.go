package jobs

import (
	"math"
	"sort"
	"time"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/store"
)

// shiftTables collects the counts of the shift tests while the sightings stream by. Every
// string a sighting brings (its source, its values) is turned into a small integer once, so
// adding a sighting to its tables (once per clearance level at or above its handling code,
// per unit and per dimension) indexes slices instead of hashing strings.
type shiftTables struct {
	dims    []string   // dimension names; a dimension's index is its id
	multi   []bool     // per dimension: several values per sighting
	values  []interner // per dimension: value ids
	sources interner
	units   [domain.Levels]int         // units per level
	tables  [domain.Levels][]*dimTable // per level: [unit*len(dims) + dim], nil until used
	deff    []cluster                  // per unit at the highest level: how clustered its sightings are
	buf     []dimIDs
}

// interner numbers strings in the order they are first seen.
type interner struct {
	ids   map[string]int
	names []string
}

func (in *interner) id(s string) int {
	i, ok := in.ids[s]
	if !ok {
		if in.ids == nil {
			in.ids = map[string]int{}
		}
		i = len(in.names)
		in.ids[s] = i
		in.names = append(in.names, s)
	}
	return i
}

// dimIDs are a sighting's value ids in one dimension.
type dimIDs struct {
	dim    int
	values []int
}

func newShiftTables(dims []string, multi map[string]bool, units [domain.Levels]int) *shiftTables {
	st := &shiftTables{dims: dims, multi: make([]bool, len(dims)), values: make([]interner, len(dims)),
		units: units, deff: make([]cluster, units[domain.Levels-1])}
	for i, d := range dims {
		st.multi[i] = multi[d]
	}
	return st
}

// ids turns a sighting's dimension values into ids (valid until the next call).
func (st *shiftTables) ids(dims []dimValues) []dimIDs {
	st.buf = st.buf[:0]
	for _, d := range dims {
		k := st.dimID(d.dim)
		ids := make([]int, len(d.values))
		for j, v := range d.values {
			ids[j] = st.values[k].id(v)
		}
		st.buf = append(st.buf, dimIDs{k, ids})
	}
	return st.buf
}

func (st *shiftTables) dimID(name string) int {
	for i, d := range st.dims {
		if d == name {
			return i
		}
	}
	panic("jobs: shift dimension " + name + " not declared")
}

// cluster counts a unit's sightings and the groups they come from (journeys; a sighting
// without a journey is its own group).
type cluster struct {
	sightings, singles int64
	journeys           map[string]bool
}

// designEffect is sightings per group: the factor by which reports of the same journeys
// inflate the sample (an upper bound of Kish's design effect, as if every report of a
// journey repeated the first). The tests divide their counts by it.
func (c cluster) designEffect() float64 {
	groups := c.singles + int64(len(c.journeys))
	if groups == 0 {
		return 1
	}
	return math.Max(1, float64(c.sightings)/float64(groups))
}

// add counts one sighting (its source id, journey, window month and dimension ids) in the
// tables of one unit at one level.
func (st *shiftTables) add(level, unit, source int, journey string, month int, dims []dimIDs) {
	if level == domain.Levels-1 {
		c := &st.deff[unit]
		c.sightings++
		if journey == "" {
			c.singles++
		} else {
			if c.journeys == nil {
				c.journeys = map[string]bool{}
			}
			c.journeys[journey] = true
		}
	}
	if st.tables[level] == nil {
		st.tables[level] = make([]*dimTable, st.units[level]*len(st.dims))
	}
	for _, d := range dims {
		slot := &st.tables[level][unit*len(st.dims)+d.dim]
		if *slot == nil {
			*slot = &dimTable{unit: unit, dim: st.dims[d.dim], multi: st.multi[d.dim]}
		}
		(*slot).add(d.values, source, month)
	}
}

// at lists the tables of one level by unit and dimension, each with its unit's design
// effect and its values and sources by name.
func (st *shiftTables) at(level int) []*dimTable {
	var out []*dimTable
	for i, t := range st.tables[level] {
		if t == nil {
			continue
		}
		t.deff = 1
		if t.unit < len(st.deff) {
			t.deff = st.deff[t.unit].designEffect()
		}
		t.finish(st.values[i%len(st.dims)].names, st.sources.names)
		out = append(out, t)
	}
	return out
}

// dimTable is one unit's counts in one dimension: per value and source, A (baseline) and B
// (recent); per source the sightings with a known value; per value the monthly counts of
// the baseline and window months. Values and sources are ids while counting; finish gives
// the values by name, sorted, and the sources by name.
type dimTable struct {
	unit  int
	dim   string
	multi bool
	deff  float64

	byID      [][]analytics.Counts // [value id][source id]
	monthlyID [][]int64            // [value id][month]
	knownID   []analytics.Counts   // [source id]

	values   []string             // after finish: the values seen, sorted
	bySource [][]analytics.Counts // after finish: [value][source id]
	monthly  [][]int64            // after finish: [value][month]
	sources  []string             // source names by id
	known    map[string]analytics.Counts
}

func (t *dimTable) add(values []int, source int, month int) {
	inBaseline := month < baselineMonths
	t.knownID = grow(t.knownID, source)
	k := &t.knownID[source]
	if inBaseline {
		k.A++
	} else {
		k.B++
	}
	for _, v := range values {
		t.byID = grow(t.byID, v)
		t.monthlyID = grow(t.monthlyID, v)
		if t.monthlyID[v] == nil {
			t.monthlyID[v] = make([]int64, baselineMonths+recentMonths)
		}
		t.byID[v] = grow(t.byID[v], source)
		c := &t.byID[v][source]
		if inBaseline {
			c.A++
		} else {
			c.B++
		}
		t.monthlyID[v][month]++
	}
}

// grow extends s with zero values so that s[i] exists.
func grow[T any](s []T, i int) []T {
	if i < len(s) {
		return s
	}
	return append(s, make([]T, i+1-len(s))...)
}

// finish names the table's values (sorted) and sources.
func (t *dimTable) finish(valueNames, sourceNames []string) {
	var ids []int
	for v, m := range t.monthlyID {
		if m != nil {
			ids = append(ids, v)
		}
	}
	sort.Slice(ids, func(a, b int) bool { return valueNames[ids[a]] < valueNames[ids[b]] })
	t.values, t.bySource, t.monthly = nil, nil, nil
	for _, v := range ids {
		t.values = append(t.values, valueNames[v])
		t.bySource = append(t.bySource, t.byID[v])
		t.monthly = append(t.monthly, t.monthlyID[v])
	}
	t.sources = sourceNames
	t.known = map[string]analytics.Counts{}
	for s, c := range t.knownID {
		if c.A+c.B > 0 {
			t.known[sourceNames[s]] = c
		}
	}
}

// counts sums the table without one source ("" keeps all): per value A and B, and the
// sightings with a known value in each period.
func (t *dimTable) counts(without string) (a, b []int64, nA, nB int64) {
	a, b = make([]int64, len(t.values)), make([]int64, len(t.values))
	for k, bySource := range t.bySource {
		for s, c := range bySource {
			if without == "" || t.sources[s] != without {
				a[k], b[k] = a[k]+c.A, b[k]+c.B
			}
		}
	}
	for s, c := range t.known {
		if s != without {
			nA, nB = nA+c.A, nB+c.B
		}
	}
	return a, b, nA, nB
}

// scaled divides counts by the design effect (rounding to the nearest count).
func scaled(x []int64, deff float64) []int64 {
	out := make([]int64, len(x))
	for i, v := range x {
		out[i] = int64(math.Round(float64(v) / deff))
	}
	return out
}

func shiftRow(t *dimTable, u unit, res shiftResult, q float64, w windows, level int) store.MOShift {
	row := store.MOShift{Clearance: level, UnitKind: u.Kind, UnitKey: u.Key, Label: u.Label, Dimension: t.dim,
		Method: res.method, SightingsA: res.nA, SightingsB: res.nB,
		AFrom: w.baseline().From, ATo: w.baseline().To, BFrom: w.recent().From, BTo: w.recent().To,
		Statistic: res.stat, G: res.g, DF: res.df, P: res.p, Q: q, CramersV: res.v, JSD: res.jsd,
		Rose: append([]string{}, res.rose...), Fell: append([]string{}, res.fell...), Categories: res.cats}
	if u.Corridor != nil {
		id := u.Corridor.ID
		row.CorridorID = &id
	}
	for i := range row.Categories {
		if math.IsNaN(row.Categories[i].Residual) || math.IsInf(row.Categories[i].Residual, 0) {
			row.Categories[i].Residual = 0 // a category alone in its table has no residual
		}
	}
	for _, v := range []*float64{&row.Statistic, &row.G, &row.CramersV, &row.JSD} {
		if math.IsNaN(*v) || math.IsInf(*v, 0) {
			*v = 0
		}
	}
	return row
}

// dateShift finds the change points of the monthly counts of the baseline and the window
// and reports the strongest: its first month and the range of months about as likely.
func dateShift(row *store.MOShift, t *dimTable, w windows) {
	months := baselineMonths + recentMonths
	counts := make([][]int64, months)
	for m := range counts {
		counts[m] = make([]int64, len(t.values))
		for k := range t.values {
			counts[m][k] = t.monthly[k][m]
		}
	}
	cps, err := analytics.ChangePoints(counts, analytics.ChangePointParams{MinSegment: 2})
	if err != nil || len(cps) == 0 {
		return
	}
	best := cps[0]
	for _, cp := range cps[1:] {
		if cp.Gain > best.Gain {
			best = cp
		}
	}
	at := func(m int) *time.Time {
		d := w.bounds[baselineFrom+m].Truncate(24 * time.Hour)
		return &d
	}
	row.ShiftMonth, row.ShiftFrom, row.ShiftTo = at(best.Tau), at(best.From), at(best.To)
}
