package jobs

import (
	"math"
	"sort"
	"time"
	"unsafe"

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
	months  int                        // months of the series counted
	tables  [domain.Levels][]*dimTable // per level: [unit*len(dims) + dim], nil until used
	deff    []cluster                  // per unit at the highest level: how clustered its sightings are
	buf     []dimIDs
	single  [][]int             // per dimension: the one-value id list sightingIDs reuses
	lists   []map[listKey][]int // per dimension: the ids of each list of values seen
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

func newShiftTables(dims []string, multi map[string]bool, units [domain.Levels]int, months int) *shiftTables {
	st := &shiftTables{dims: dims, multi: make([]bool, len(dims)), values: make([]interner, len(dims)),
		units: units, months: months, deff: make([]cluster, units[domain.Levels-1]),
		single: make([][]int, len(dims)), lists: make([]map[listKey][]int, len(dims))}
	for i, d := range dims {
		st.multi[i] = multi[d]
		st.single[i] = make([]int, 1)
	}
	return st
}

// sightingIDs lists the value ids of a sighting in each dimension it has a value in (valid
// until the next call). The store shares the lists of values (modus operandi,
// nationalities) between sightings, so each list is turned into ids once; a list it did not
// share only misses the cache.
func (st *shiftTables) sightingIDs(s *store.WindowSighting, attrs []string) []dimIDs {
	st.buf = st.buf[:0]
	st.one(string(domain.DimMode), s.Mode)
	st.one(string(domain.DimGroupSize), groupBand(s.Persons))
	st.list(string(domain.DimMO), s.MO)
	st.list(string(domain.DimNationality), s.Nationalities)
	for _, a := range attrs {
		if v := s.Attributes[a]; len(v) > 0 {
			k := st.dimID(a)
			ids := make([]int, len(v))
			for j, x := range v {
				ids[j] = st.values[k].id(x)
			}
			st.buf = append(st.buf, dimIDs{k, ids})
		}
	}
	return st.buf
}

// one adds a single value of dimension dim to the buffer ("" is no value).
func (st *shiftTables) one(dim, v string) {
	if v == "" {
		return
	}
	k := st.dimID(dim)
	id := st.single[k]
	id[0] = st.values[k].id(v)
	st.buf = append(st.buf, dimIDs{k, id})
}

// list adds a list of values of dimension dim to the buffer, through the cache of lists.
func (st *shiftTables) list(dim string, v []string) {
	if len(v) == 0 {
		return
	}
	k := st.dimID(dim)
	key := listKey{unsafe.SliceData(v), len(v)}
	ids, ok := st.lists[k][key]
	if !ok {
		ids = make([]int, len(v))
		for j, x := range v {
			ids[j] = st.values[k].id(x)
		}
		if st.lists[k] == nil {
			st.lists[k] = map[listKey][]int{}
		}
		st.lists[k][key] = ids
	}
	st.buf = append(st.buf, dimIDs{k, ids})
}

// listKey is a list of values by identity. The cache holds the key, so the list stays alive
// and its address is never reused for other values; the store never changes a list it gave.
type listKey struct {
	data *string
	n    int
}

func (st *shiftTables) dimID(name string) int {
	for i, d := range st.dims {
		if d == name {
			return i
		}
	}
	panic("jobs: shift dimension " + name + " not declared")
}

// cluster counts a unit's sightings and the groups they come from (journeys, by the 64-bit
// hash of their id; a sighting without a journey is its own group).
type cluster struct {
	sightings, singles int64
	journeys           map[int64]struct{}
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

// cluster counts one sighting of a unit at the highest level (which sees every sighting)
// and its journey, for the unit's design effect.
func (st *shiftTables) cluster(unit int, journey int64) {
	c := &st.deff[unit]
	c.sightings++
	if journey == 0 {
		c.singles++
		return
	}
	if c.journeys == nil {
		c.journeys = map[int64]struct{}{}
	}
	c.journeys[journey] = struct{}{}
}

// add counts one sighting (its source id, window month and dimension ids) in the tables of
// one unit at one level.
func (st *shiftTables) add(level, unit, source int, month int, dims []dimIDs) {
	if st.tables[level] == nil {
		st.tables[level] = make([]*dimTable, st.units[level]*len(st.dims))
	}
	for _, d := range dims {
		slot := &st.tables[level][unit*len(st.dims)+d.dim]
		if *slot == nil {
			*slot = &dimTable{unit: unit, dim: st.dims[d.dim], multi: st.multi[d.dim], months: st.months}
		}
		(*slot).add(d.values, source, month)
	}
}

// cumulate turns the tables of the first n units, counted at each sighting's own level
// only, into the tables of every level at or above it: level L then counts the sightings
// with a handling code up to L, as the tables of the other units do. Units with the same
// index at every level (route labels) are counted so, once per sighting.
func (st *shiftTables) cumulate(n int) {
	nd := len(st.dims)
	for level := 1; level < domain.Levels; level++ {
		below := st.tables[level-1]
		if below == nil {
			continue
		}
		if st.tables[level] == nil {
			st.tables[level] = make([]*dimTable, st.units[level]*nd)
		}
		for i := range n * nd {
			if below[i] == nil {
				continue
			}
			if st.tables[level][i] == nil {
				st.tables[level][i] = &dimTable{unit: below[i].unit, dim: below[i].dim, multi: below[i].multi, months: st.months}
			}
			st.tables[level][i].addTable(below[i])
		}
	}
}

// at lists the tables of one level by unit and dimension, each with its unit's design
// effect, its values and sources by name and its windows chosen.
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
		t.chooseWindows()
		out = append(out, t)
	}
	return out
}

// dimTable is one unit's counts in one dimension, month by month over the series the
// tables were built for (months long, the last month ending at the run's reference time):
// per value and source, and per source the sightings with a known value. Values and sources
// are ids while counting; finish gives the values by name, sorted, and the sources by name.
// The two windows a test compares (win) are chosen by chooseWindows.
type dimTable struct {
	unit   int
	dim    string
	multi  bool
	deff   float64
	months int

	byID    [][][]int64 // [value id][source id][month]
	knownID [][]int64   // [source id][month]

	values   []string    // after finish: the values seen, sorted
	bySource [][][]int64 // after finish: [value][source id][month]
	sources  []string    // source names by id
	win      shiftWindows
}

// shiftWindows are the months of a test's baseline A = [AFrom, ATo) and recent window B =
// [BFrom, BTo), indexes into the table's series.
type shiftWindows struct {
	AFrom, ATo, BFrom, BTo int
}

func (t *dimTable) add(values []int, source int, month int) {
	t.knownID = grow(t.knownID, source)
	if t.knownID[source] == nil {
		t.knownID[source] = make([]int64, t.months)
	}
	t.knownID[source][month]++
	for _, v := range values {
		t.byID = grow(t.byID, v)
		t.byID[v] = grow(t.byID[v], source)
		if t.byID[v][source] == nil {
			t.byID[v][source] = make([]int64, t.months)
		}
		t.byID[v][source][month]++
	}
}

// addTable adds the counts of o (a table of the same unit and dimension, still counting).
func (t *dimTable) addTable(o *dimTable) {
	for src, months := range o.knownID {
		if months != nil {
			t.knownID = grow(t.knownID, src)
			t.knownID[src] = addMonths(t.knownID[src], months)
		}
	}
	for v, bySrc := range o.byID {
		for src, months := range bySrc {
			if months != nil {
				t.byID = grow(t.byID, v)
				t.byID[v] = grow(t.byID[v], src)
				t.byID[v][src] = addMonths(t.byID[v][src], months)
			}
		}
	}
}

// addMonths adds the monthly counts b to a (nil: none yet) and returns the sum.
func addMonths(a, b []int64) []int64 {
	if a == nil {
		a = make([]int64, len(b))
	}
	for m, n := range b {
		a[m] += n
	}
	return a
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
	for v, m := range t.byID {
		if m != nil {
			ids = append(ids, v)
		}
	}
	sort.Slice(ids, func(a, b int) bool { return valueNames[ids[a]] < valueNames[ids[b]] })
	t.values, t.bySource = nil, nil
	for _, v := range ids {
		t.values = append(t.values, valueNames[v])
		t.bySource = append(t.bySource, t.byID[v])
	}
	t.sources = sourceNames
}

// sum adds months [from, to) of a monthly series (nil: none).
func sum(m []int64, from, to int) int64 {
	if m == nil {
		return 0
	}
	var n int64
	for _, v := range m[from:to] {
		n += v
	}
	return n
}

// known is, per source, the sightings with a known value in A and in B.
func (t *dimTable) known() map[string]analytics.Counts {
	out := map[string]analytics.Counts{}
	for s, m := range t.knownID {
		c := analytics.Counts{A: sum(m, t.win.AFrom, t.win.ATo), B: sum(m, t.win.BFrom, t.win.BTo)}
		if c.A+c.B > 0 {
			out[t.sources[s]] = c
		}
	}
	return out
}

// knownIn is the sightings with a known value in months [from, to), every source.
func (t *dimTable) knownIn(from, to int) int64 {
	var n int64
	for _, m := range t.knownID {
		n += sum(m, from, to)
	}
	return n
}

// chooseWindows sets the windows of the table's test. A standard table (the job's baseline
// and recent window, baselineMonths + recentMonths long) has them fixed. A grown one (a
// sparse route's, growMonths long) starts from the same windows and grows each until it
// holds analytics.ShiftMinSightings sightings with a known value or reaches growLimit
// months: first B back from the reference time, then A back from B (never before the
// series' first month with data).
func (t *dimTable) chooseWindows() {
	if t.months == baselineMonths+recentMonths {
		t.win = shiftWindows{0, baselineMonths, baselineMonths, t.months}
		return
	}
	first := t.months
	for _, m := range t.knownID {
		for i, v := range m {
			if v > 0 && i < first {
				first = i
				break
			}
		}
	}
	end := t.months
	b := end - recentMonths
	for b > first && end-b < growLimit && t.knownIn(b, end) < analytics.ShiftMinSightings {
		b--
	}
	a := max(min(first, b), b-baselineMonths) // data only inside B: A is empty
	for a > first && b-a < growLimit && t.knownIn(a, b) < analytics.ShiftMinSightings {
		a--
	}
	t.win = shiftWindows{a, b, b, end}
}

// counts sums the table's windows without one source ("" keeps all): per value A and B,
// and the sightings with a known value in each.
func (t *dimTable) counts(without string) (a, b []int64, nA, nB int64) {
	w := t.win
	a, b = make([]int64, len(t.values)), make([]int64, len(t.values))
	for k, bySource := range t.bySource {
		for s, m := range bySource {
			if without == "" || t.sources[s] != without {
				a[k], b[k] = a[k]+sum(m, w.AFrom, w.ATo), b[k]+sum(m, w.BFrom, w.BTo)
			}
		}
	}
	for s, m := range t.knownID {
		if without == "" || t.sources[s] != without {
			nA, nB = nA+sum(m, w.AFrom, w.ATo), nB+sum(m, w.BFrom, w.BTo)
		}
	}
	return a, b, nA, nB
}

// monthly is, per value, the counts of every month from A's first to B's last.
func (t *dimTable) monthly() [][]int64 {
	out := make([][]int64, t.win.BTo-t.win.AFrom)
	for m := range out {
		out[m] = make([]int64, len(t.values))
		for k, bySource := range t.bySource {
			for _, series := range bySource {
				if series != nil {
					out[m][k] += series[t.win.AFrom+m]
				}
			}
		}
	}
	return out
}

// scaled divides counts by the design effect (rounding to the nearest count).
func scaled(x []int64, deff float64) []int64 {
	out := make([]int64, len(x))
	for i, v := range x {
		out[i] = int64(math.Round(float64(v) / deff))
	}
	return out
}

func shiftRow(t *dimTable, u unit, res shiftResult, q float64, s series, level int) store.MOShift {
	a, b := s.periods(t.win)
	row := store.MOShift{Clearance: level, UnitKind: u.Kind, UnitKey: u.Key, Label: u.Label, Dimension: t.dim,
		Method: res.method, SightingsA: res.nA, SightingsB: res.nB,
		AFrom: a.From, ATo: a.To, BFrom: b.From, BTo: b.To,
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

// dateShift finds the change points of the monthly counts over the whole series of the
// test's windows (multinomial likelihood, binary segmentation) and reports the strongest:
// its first month and the range of months about as likely.
func dateShift(row *store.MOShift, t *dimTable, s series) {
	cps, err := analytics.ChangePoints(t.monthly(), analytics.ChangePointParams{MinSegment: 2})
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
		d := s.bounds[t.win.AFrom+m].Truncate(24 * time.Hour)
		return &d
	}
	row.ShiftMonth, row.ShiftFrom, row.ShiftTo = at(best.Tau), at(best.From), at(best.To)
}
