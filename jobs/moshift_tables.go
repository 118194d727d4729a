package jobs

import (
	"math"
	"sort"
	"time"

	"routewatch/analytics"
	"routewatch/store"
)

// tableKey names one unit's table in one dimension at one clearance level.
type tableKey struct {
	level, unit int
	dim         string
}

// shiftTables collects the counts of the shift tests while the sightings stream by.
type shiftTables struct {
	tables map[tableKey]*dimTable
	multi  map[string]bool
	deff   []cluster // per unit at the highest level: how clustered its sightings are
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

func (st *shiftTables) add(level, unit int, s *store.WindowSighting, month int, dims []dimValues) {
	if level == levels-1 {
		c := &st.deff[unit]
		c.sightings++
		if s.Journey == "" {
			c.singles++
		} else {
			if c.journeys == nil {
				c.journeys = map[string]bool{}
			}
			c.journeys[s.Journey] = true
		}
	}
	for _, d := range dims {
		k := tableKey{level, unit, d.dim}
		t := st.tables[k]
		if t == nil {
			t = &dimTable{unit: unit, dim: d.dim, multi: st.multi[d.dim], cells: map[string]map[string]*analytics.Counts{},
				known: map[string]analytics.Counts{}, monthly: map[string][]int64{}}
			st.tables[k] = t
		}
		t.add(d.values, s.Source, month)
	}
}

// at lists the tables of one level by unit and dimension, each with its unit's design
// effect.
func (st *shiftTables) at(level int) []*dimTable {
	var out []*dimTable
	for k, t := range st.tables {
		if k.level == level {
			t.deff = 1
			if t.unit < len(st.deff) {
				t.deff = st.deff[t.unit].designEffect()
			}
			sort.Strings(t.values)
			out = append(out, t)
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].unit != out[b].unit {
			return out[a].unit < out[b].unit
		}
		return out[a].dim < out[b].dim
	})
	return out
}

// dimTable is one unit's counts in one dimension: per value and source, A (baseline) and B
// (recent); per source the sightings with a known value; per value the monthly counts of
// the baseline and window months.
type dimTable struct {
	unit    int
	dim     string
	multi   bool
	deff    float64
	values  []string
	cells   map[string]map[string]*analytics.Counts
	known   map[string]analytics.Counts
	monthly map[string][]int64
}

func (t *dimTable) add(values []string, source string, month int) {
	inBaseline := month < baselineMonths
	k := t.known[source]
	if inBaseline {
		k.A++
	} else {
		k.B++
	}
	t.known[source] = k
	for _, v := range values {
		bySource := t.cells[v]
		if bySource == nil {
			bySource = map[string]*analytics.Counts{}
			t.cells[v] = bySource
			t.monthly[v] = make([]int64, baselineMonths+recentMonths)
			t.values = append(t.values, v)
		}
		c := bySource[source]
		if c == nil {
			c = &analytics.Counts{}
			bySource[source] = c
		}
		if inBaseline {
			c.A++
		} else {
			c.B++
		}
		t.monthly[v][month]++
	}
}

// counts sums the table without one source ("" keeps all): per value A and B, and the
// sightings with a known value in each period.
func (t *dimTable) counts(without string) (a, b []int64, nA, nB int64) {
	a, b = make([]int64, len(t.values)), make([]int64, len(t.values))
	for k, v := range t.values {
		for s, c := range t.cells[v] {
			if s != without {
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
		for k, v := range t.values {
			counts[m][k] = t.monthly[v][m]
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
