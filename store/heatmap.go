package store

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/lib/pq"
	"github.com/uber/h3-go/v4"

	"routewatch/geo"
)

// Area is where and at which H3 resolution a query looks: cells whose centre lies in BBox.
type Area struct {
	Res  int
	BBox geo.BBox
}

// CellCount is one cell's total, split by transport mode ("" for unknown).
type CellCount struct {
	Cell      h3.Cell
	Sightings int64
	Persons   int64
	Modes     []ModeCount // by sightings, descending
}

// ModeCount is the sightings of one transport mode.
type ModeCount struct {
	Mode      string `json:"mode"`
	Sightings int64  `json:"sightings"`
}

// Plan names how a query was answered: "rollup" (cell_months) or "raw"
// (GROUP BY over sightings).
type Plan string

// Plans.
const (
	PlanRollup Plan = "rollup"
	PlanRaw    Plan = "raw"
	// PlanMixed answers the whole months of a period from the rollup and its partial first
	// and last months from the raw table.
	PlanMixed Plan = "rollup+raw"
)

// ChoosePlan says which plan answers a query over area, period and filters exactly.
func ChoosePlan(a Area, p Period, f Filters) Plan {
	if !f.rollupable() || rollupRes(a.Res) < 0 {
		return PlanRaw
	}
	if p.MonthAligned() {
		return PlanRollup
	}
	if _, _, _, ok := p.splitMonths(); ok {
		return PlanMixed
	}
	return PlanRaw
}

// rollupRes is the rollup resolution that answers queries at res, or -1 when none does.
func rollupRes(res int) int {
	for _, r := range RollupResolutions {
		if r >= res {
			return r
		}
	}
	return -1
}

// Heatmap counts sightings and persons per cell of area in period, under filters, sorted by
// cell. forcePlan, when not empty, overrides the choice (tests compare both).
func (db *DB) Heatmap(ctx context.Context, a Area, p Period, f Filters, forcePlan Plan) ([]CellCount, Plan, error) {
	plan := forcePlan
	if plan == "" {
		plan = ChoosePlan(a, p, f)
	}
	var q string
	var args []any
	switch plan {
	case PlanRollup, PlanMixed:
		if ChoosePlan(a, p, f) != plan {
			return nil, plan, fmt.Errorf("heatmap: plan %s cannot answer res %d, %v with these filters", plan, a.Res, p)
		}
		q, args = rollupCellsQuery(a, p, f)
	default:
		q, args = rawCellsQuery(a, p, f)
	}
	rows, err := db.x.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, plan, fmt.Errorf("heatmap: %w", err)
	}
	defer rows.Close()
	byCell := map[h3.Cell]*CellCount{}
	var out []CellCount
	var order []h3.Cell
	for rows.Next() {
		var cell, n, persons int64
		var mode string
		if err := rows.Scan(&cell, &mode, &n, &persons); err != nil {
			return nil, plan, err
		}
		c := h3.Cell(cell)
		if plan == PlanRaw && !centreIn(c, a.BBox) {
			continue
		}
		cc := byCell[c]
		if cc == nil {
			cc = &CellCount{Cell: c}
			byCell[c] = cc
			order = append(order, c)
		}
		cc.Sightings += n
		cc.Persons += persons
		cc.Modes = append(cc.Modes, ModeCount{Mode: mode, Sightings: n}) // both plans group by cell and mode
	}
	if err := rows.Err(); err != nil {
		return nil, plan, fmt.Errorf("heatmap: %w", err)
	}
	slices.Sort(order)
	out = make([]CellCount, 0, len(order))
	for _, c := range order {
		cc := byCell[c]
		slices.SortFunc(cc.Modes, func(x, y ModeCount) int {
			return cmp.Or(cmp.Compare(y.Sightings, x.Sightings), cmp.Compare(x.Mode, y.Mode))
		})
		out = append(out, *cc)
	}
	return out, plan, nil
}

func centreIn(c h3.Cell, b geo.BBox) bool {
	ll := c.LatLng()
	return b.Contains(ll.Lat, ll.Lng)
}

// rollupCellsQuery sums the rollup rows of the area per cell and mode (with the raw rows of
// partial months, under PlanMixed).
func rollupCellsQuery(a Area, p Period, f Filters) (string, []any) {
	var ps params
	q := `SELECT cell, mode, sum(sightings)::bigint, sum(persons)::bigint
	      FROM (` + monthRows(&ps, a, p, f) + `) u GROUP BY 1, 2 HAVING sum(sightings) > 0`
	return q, ps.args
}

// monthRows is rollupRows for a month-aligned period; otherwise the rollup rows of the
// whole months inside p and, for its partial first and last months, the same columns from
// the raw table (one row per sighting, cells by centre in the bbox as the rollup's).
func monthRows(ps *params, a Area, p Period, f Filters) string {
	head, months, tail, ok := p.splitMonths()
	if p.MonthAligned() || !ok {
		return rollupRows(ps, a, p, f)
	}
	parts := []string{rollupRows(ps, a, months, f)}
	for _, edge := range []Period{head, tail} {
		if edge.empty() {
			continue
		}
		res := ps.bind("?", a.Res)
		conds := append(rawConds(ps, edge, f), rawBBox(ps, a))
		parts = append(parts, `SELECT r.* FROM (
		    SELECT h3_parent(cell, `+res+`) AS cell, date_trunc('month', observed_at AT TIME ZONE 'UTC')::date AS t,
		           coalesce(transport_mode, '') AS mode, 1 AS sightings, coalesce(persons, 0)::bigint AS persons
		    FROM sightings WHERE `+and(conds)+`) r
		  JOIN cells c ON c.res = `+res+` AND c.cell = r.cell WHERE `+bboxCentre(ps, a.BBox))
	}
	return strings.Join(parts, "\n UNION ALL ")
}

// rollupRows is a query over cell_months answering area, period and filters, with columns
// cell (at the area's resolution, centre in the bbox), t (the month), mode, sightings and
// persons. At a rollup resolution it reads the bbox's cells first and then their months
// (the primary key leads with the cell); coarser areas read the next rollup resolution for
// the period and group its cells to their parents.
func rollupRows(ps *params, a Area, p Period, f Filters) string {
	slot := rollupSlot(f.MaxHandling, f.MinReliability)
	cols := fmt.Sprintf("m.month AS t, m.mode, m.n[%d] AS sightings, m.p[%d] AS persons", slot, slot)
	conds := []string{ps.bind("m.month >= ? AND m.month < ?", p.From.UTC(), p.To.UTC())}
	if len(f.Modes) > 0 {
		conds = append(conds, ps.bind("m.mode = ANY(?)", pq.Array(f.Modes)))
	}
	res := ps.bind("?", a.Res)
	if from := rollupRes(a.Res); from != a.Res {
		return `SELECT u.* FROM (
		          SELECT h3_parent(m.cell, ` + res + `) AS cell, ` + cols + ` FROM cell_months m
		          WHERE ` + and(append(conds, ps.bind("m.res = ?", from))) + `) u
		        JOIN cells c ON c.res = ` + res + ` AND c.cell = u.cell WHERE ` + bboxCentre(ps, a.BBox)
	}
	return `SELECT m.cell, ` + cols + `
	        FROM cells c JOIN cell_months m ON m.res = c.res AND m.cell = c.cell
	        WHERE c.res = ` + res + ` AND ` + bboxCentre(ps, a.BBox) + ` AND ` + and(conds)
}

// bboxCentre selects cells (alias c) whose centre lies in b.
func bboxCentre(ps *params, b geo.BBox) string {
	lat := ps.bind("c.lat BETWEEN ? AND ?", b.South, b.North)
	if b.CrossesAntimeridian() {
		return lat + " AND " + ps.bind("(c.lon >= ? OR c.lon <= ?)", b.West, b.East)
	}
	return lat + " AND " + ps.bind("c.lon BETWEEN ? AND ?", b.West, b.East)
}

// rawCellsQuery groups raw sightings by their parent cell at the area's resolution. The
// bbox, padded by a cell's reach, only narrows the scan (see rawBBox); the caller keeps
// the cells whose centre lies in the bbox.
func rawCellsQuery(a Area, p Period, f Filters) (string, []any) {
	var ps params
	res := ps.bind("?", a.Res)
	conds := append(rawConds(&ps, p, f), rawBBox(&ps, a))
	q := `SELECT h3_parent(cell, ` + res + `), coalesce(transport_mode, ''), count(*), sum(coalesce(persons, 0))::bigint
	      FROM sightings WHERE ` + and(conds) + ` GROUP BY 1, 2`
	return q, ps.args
}

// rawBBox narrows a raw scan to the sightings whose resolution-3 cell can hold a cell of
// the area: a res-3 cell with data (table cells) whose centre lies in the bbox padded by the
// reach of a cell of resolution min(a.Res, 3). The index on (h3_parent(cell, 3),
// observed_at) then reads each region's period in the order ingest writes it (and CLUSTER
// restores). The caller still keeps only the cells whose centre lies in the bbox.
func rawBBox(ps *params, a Area) string {
	var boxes []string
	for _, b := range padded(a.BBox, min(a.Res, 3)) {
		boxes = append(boxes, ps.bind("(c.lat BETWEEN ? AND ? AND c.lon BETWEEN ? AND ?)", b.South, b.North, b.West, b.East))
	}
	return "h3_parent(cell, 3) = ANY(ARRAY(SELECT c.cell FROM cells c WHERE c.res = 3 AND (" + strings.Join(boxes, " OR ") + ")))"
}

// rawConds are the conditions of period p and filters f on the sightings table.
func rawConds(ps *params, p Period, f Filters) []string {
	conds := []string{
		ps.bind("observed_at >= ? AND observed_at < ?", p.From, p.To),
		ps.bind("handling_code = ANY(?)", pq.Array(handlingCodes(f.MaxHandling))),
	}
	for _, c := range []struct {
		cond   string
		values []string
	}{
		{"transport_mode = ANY(?)", f.Modes},
		{"modus_operandi && ?", f.MO},
		{"nationalities && ?", f.Nationalities},
		{"route_label = ANY(?)", f.Routes},
		{"source = ANY(?)", f.Sources},
	} {
		if len(c.values) > 0 {
			conds = append(conds, ps.bind(c.cond, pq.Array(c.values)))
		}
	}
	if f.MinReliability != "" {
		conds = append(conds, ps.bind("source_reliability <= ?", f.MinReliability))
	}
	return conds
}

// padded returns b grown by the farthest a cell of res reaches from its centre (twice the
// average edge length, which bounds the distortion of H3 cells), as pieces inside
// [-180, 180] (two when it crosses the antimeridian).
func padded(b geo.BBox, res int) []geo.BBox {
	dLat := 2 * h3.HexagonEdgeLengthAvgKm(res) / 111.0
	south, north := math.Max(-90, b.South-dLat), math.Min(90, b.North+dLat)
	maxLat := math.Max(math.Abs(south), math.Abs(north))
	world := []geo.BBox{{West: -180, South: south, East: 180, North: north}}
	if maxLat > 85 {
		return world
	}
	dLon := dLat / math.Cos(maxLat*math.Pi/180)
	w, e := b.West-dLon, b.East+dLon
	if b.CrossesAntimeridian() {
		e += 360
	}
	if e-w >= 360 {
		return world
	}
	var boxes []geo.BBox
	if w < -180 {
		boxes = append(boxes, geo.BBox{West: w + 360, South: south, East: 180, North: north})
		w = -180
	}
	if e > 180 {
		boxes = append(boxes, geo.BBox{West: -180, South: south, East: e - 360, North: north})
		e = 180
	}
	return append(boxes, geo.BBox{West: w, South: south, East: e, North: north})
}
