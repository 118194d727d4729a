package jobs

import (
	"cmp"
	"maps"
	"slices"

	"github.com/uber/h3-go/v4"

	"routewatch/store"
)

// labelCells groups, per route label, the cells of the sightings a clearance level sees that
// belong to no journey, for labels where most of that level's sightings have no journey
// (data such as IOM's, with route labels but no journeys). Cells with fewer than
// minPerCell such sightings are left out; cells are in ascending order.
func labelCells(dims []store.CellDim, level int, minPerCell int64) map[string][]h3.Cell {
	all, free := map[string]int64{}, map[string]int64{}
	perCell := map[string]map[h3.Cell]int64{}
	for _, d := range dims {
		if d.Handling > level {
			continue
		}
		switch d.Dim {
		case "route":
			all[d.Value] += d.Sightings
		case "route_nojourney":
			free[d.Value] += d.Sightings
			if perCell[d.Value] == nil {
				perCell[d.Value] = map[h3.Cell]int64{}
			}
			perCell[d.Value][d.Cell] += d.Sightings
		}
	}
	out := map[string][]h3.Cell{}
	for label, n := range free {
		if n*2 <= all[label] {
			continue
		}
		var cells []h3.Cell
		for c, k := range perCell[label] {
			if k >= minPerCell {
				cells = append(cells, c)
			}
		}
		if len(cells) > 0 {
			slices.Sort(cells)
			out[label] = cells
		}
	}
	return out
}

// groupStats summarises, for a clearance level, the sightings of each group of cells (a cell
// belongs to the first group that lists it): totals, first and last seen, and the values of
// each dimension by sightings, most first.
func groupStats(dims []store.CellDim, groups [][]h3.Cell, level int) []store.GroupStats {
	owner := map[h3.Cell]int{}
	for k, g := range groups {
		for _, c := range g {
			if _, ok := owner[c]; !ok {
				owner[c] = k
			}
		}
	}
	type tally map[string]*store.ValueCount
	values := make([]map[string]tally, len(groups))
	out := make([]store.GroupStats, len(groups))
	for _, d := range dims {
		k, ok := owner[d.Cell]
		if !ok || d.Handling > level {
			continue
		}
		if d.Dim == "total" {
			g := &out[k]
			if g.Sightings == 0 || d.FirstSeen.Before(g.FirstSeen) {
				g.FirstSeen = d.FirstSeen
			}
			if g.Sightings == 0 || d.LastSeen.After(g.LastSeen) {
				g.LastSeen = d.LastSeen
			}
			g.Sightings += d.Sightings
			g.Persons += d.Persons
			continue
		}
		if values[k] == nil {
			values[k] = map[string]tally{}
		}
		t := values[k][d.Dim]
		if t == nil {
			t = tally{}
			values[k][d.Dim] = t
		}
		v := t[d.Value]
		if v == nil {
			v = &store.ValueCount{Value: d.Value}
			t[d.Value] = v
		}
		v.Sightings += d.Sightings
		v.Persons += d.Persons
	}
	ranked := func(t tally) []store.ValueCount {
		var vs []store.ValueCount
		for _, key := range slices.Sorted(maps.Keys(t)) {
			vs = append(vs, *t[key])
		}
		slices.SortStableFunc(vs, func(a, b store.ValueCount) int { return cmp.Compare(b.Sightings, a.Sightings) })
		return vs
	}
	for k := range out {
		out[k].Modes = ranked(values[k]["mode"])
		out[k].MO = ranked(values[k]["mo"])
		out[k].Nations = ranked(values[k]["nationality"])
		out[k].Labels = ranked(values[k]["route"])
	}
	return out
}
