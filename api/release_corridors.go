package api

import (
	"cmp"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/geo"
	"routewatch/store"
)

// releasedCorridor is a corridor as a planner receives it: its membership (cells and chain)
// from the latest corridor run, every number a sum of the quarter's released atoms.
type releasedCorridor struct {
	co            store.Corridor
	cells         []h3.Cell // released member cells, ascending
	withheldCells int       // member cells with sightings below k in the quarter
	sightings     int64
	persons       int64
	legs          int64 // released edge atoms between member cells
	modes         []string
	status        string
	trend         *float64
	flows         []store.Flow // the released edges counted in legs
}

// volume is what the corridor's status compares: legs for flow corridors, sightings for label
// corridors (which have no journeys), as the corridor job does.
func (r releasedCorridor) volume() int64 { return corridorVolume(r.co.Kind, r.legs, r.sightings) }

func corridorVolume(kind string, legs, sightings int64) int64 {
	if kind == "label" {
		return sightings
	}
	return legs
}

// releaseCorridor sums co's released atoms in cur, and compares its volume with prev (the
// previous quarter) by the corridor job's two-rate test, one corridor at a time, so a
// corridor's status does not depend on which others an answer holds. ok is false when
// nothing of it is released.
func releaseCorridor(co store.Corridor, cur, prev *releaseTable) (releasedCorridor, bool) {
	r := releasedCorridor{co: co}
	members := make(map[h3.Cell]bool, len(co.Cells))
	modes := map[string]int64{}
	for _, cell := range co.Cells {
		members[cell] = true
		cc, ok := cur.cells[cell]
		if !ok {
			if cur.withheld[cell] {
				r.withheldCells++
			}
			continue
		}
		r.cells = append(r.cells, cell)
		r.sightings += cc.Sightings
		r.persons += cc.Persons
		for _, m := range cc.Modes {
			modes[m.Mode] += m.Sightings
		}
	}
	slices.Sort(r.cells)
	for e, f := range cur.flows {
		if members[e[0]] && members[e[1]] {
			r.legs += f.Legs
			r.flows = append(r.flows, f)
		}
	}
	slices.SortFunc(r.flows, compareFlows)
	if r.sightings == 0 && r.legs == 0 {
		return r, false
	}
	r.modes = topReleasedModes(modes, cur.k)
	var prevLegs, prevSightings int64
	for _, cell := range co.Cells {
		prevSightings += prev.cells[cell].Sightings
	}
	for e, f := range prev.flows {
		if members[e[0]] && members[e[1]] {
			prevLegs += f.Legs
		}
	}
	r.status, r.trend = analytics.CorridorStatus(r.volume(), corridorVolume(co.Kind, prevLegs, prevSightings),
		prev.period.Days(), cur.period.Days(), 0)
	return r, true
}

// topReleasedModes names the modes with at least k sightings, most first (up to topModes).
func topReleasedModes(modes map[string]int64, k int64) []string {
	var names []string
	for m, n := range modes {
		if n >= k {
			names = append(names, m)
		}
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(modes[b], modes[a]), cmp.Compare(a, b)) })
	return names[:min(len(names), topModes)]
}

// feature shapes a released corridor: the chain drawn through released cells only, the
// outline of the released cells, entry and exit where released; no timestamps finer than
// the quarter, no journeys (distinct counts do not add up over atoms).
func (r releasedCorridor) feature(outline bool) ogcFeature {
	released := make(map[h3.Cell]bool, len(r.cells))
	for _, c := range r.cells {
		released[c] = true
	}
	keep := func(cells []h3.Cell) []string {
		var out []h3.Cell
		for _, c := range cells {
			if released[c] {
				out = append(out, c)
			}
		}
		return cellStrings(out)
	}
	var g orb.Geometry
	line := releasedLine(r.co.Centerline, r.co.Res, released)
	if outline {
		if mp, err := geo.Outline(r.cells); err == nil && len(mp) > 0 {
			g = mp
		}
	} else if len(line) >= 2 {
		g = line
	}
	co := r.co
	from, to := endPlaces(line) // the released line's ends: a withheld cell is never named
	return newFeature(co.ID, g, map[string]any{
		"from_place": from, "to_place": to,
		"id": co.ID, "run_id": co.RunID, "kind": co.Kind, "label": co.Label, "res": co.Res,
		"sightings": r.sightings, "persons": r.persons, "legs": r.legs, "top_modes": r.modes,
		"trend": r.trend, "status": r.status, "entry": keep(co.Entry), "exit": keep(co.Exit),
		"released_cells": len(r.cells), "withheld_cells": r.withheldCells,
	})
}

// releasedLine keeps the centreline's points that are centres of released cells (the
// corridor job draws the line through the centres of its chain).
func releasedLine(line orb.LineString, res int, released map[h3.Cell]bool) orb.LineString {
	var out orb.LineString
	for _, p := range line {
		lon := p[0]
		for lon > 180 {
			lon -= 360
		}
		for lon < -180 {
			lon += 360
		}
		if released[h3.LatLngToCell(h3.LatLng{Lat: p[1], Lng: lon}, res)] {
			out = append(out, p)
		}
	}
	return out
}

// releasedCorridors answers a planner's corridor listing: the latest run's corridors at the
// caller's clearance, released for quarter p, kept when a released cell's centre lies in
// bbox (nil: all), the status is among status (empty: all) and the volume (legs or
// sightings, the greater) reaches minVolume; by volume descending, then id. withheld counts
// the corridors with nothing released.
func (h *handlers) releasedCorridors(c *gin.Context, p domain.Period, bbox *geo.BBox, status []string, minVolume int64) (
	out []releasedCorridor, withheld int, t *releaseTable, err error) {
	cur, err := h.release(c, p, true)
	if err != nil {
		return nil, 0, nil, err
	}
	prevQ := quarterOf(p.From.AddDate(0, -3, 0))
	prev, err := h.release(c, prevQ, true)
	if err != nil {
		return nil, 0, nil, err
	}
	cs, _, err := h.deps.Corridors.Corridors(c.Request.Context(), store.CorridorQuery{MaxHandling: principal(c).Clearance})
	if err != nil {
		return nil, 0, nil, err
	}
	for _, co := range cs {
		r, ok := releaseCorridor(co, cur, prev)
		if !ok {
			withheld++
			continue
		}
		if bbox != nil && !slices.ContainsFunc(r.cells, func(cell h3.Cell) bool { return centreIn(cell, *bbox) }) {
			continue
		}
		if (len(status) > 0 && !slices.Contains(status, r.status)) || max(r.legs, r.sightings) < minVolume {
			continue
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y releasedCorridor) int {
		return cmp.Or(cmp.Compare(max(y.legs, y.sightings), max(x.legs, x.sightings)), cmp.Compare(x.co.ID, y.co.ID))
	})
	return out, withheld, cur, nil
}

// releasedCorridorByID is one corridor as a planner receives it for quarter p; ok is false
// when it does not exist at the caller's clearance or nothing of it is released.
func (h *handlers) releasedCorridorByID(c *gin.Context, id int64, p domain.Period) (releasedCorridor, *releaseTable, bool, error) {
	cur, err := h.release(c, p, true)
	if err != nil {
		return releasedCorridor{}, nil, false, err
	}
	prev, err := h.release(c, quarterOf(p.From.AddDate(0, -3, 0)), true)
	if err != nil {
		return releasedCorridor{}, nil, false, err
	}
	co, err := h.deps.Corridors.Corridor(c.Request.Context(), id, principal(c).Clearance)
	if err != nil {
		return releasedCorridor{}, nil, false, err
	}
	r, ok := releaseCorridor(*co, cur, prev)
	return r, cur, ok, nil
}
