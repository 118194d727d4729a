package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lib/pq"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/geo"
)

// CellCount is one cell's total, split by transport mode ("" for unknown).
type CellCount struct {
	Cell      h3.Cell
	Sightings int64
	Persons   int64
	Modes     []ModeCount // by sightings, descending
}

// ModeCount is the sightings of one transport mode.
type ModeCount struct {
	Mode      string
	Sightings int64
}

// Heatmap counts sightings and persons per cell of q.Area in q.Period, under q.Filters
// (q.Bucket is ignored), sorted by cell, with the plan that answered (ChoosePlan; Options.ForcePlan overrides it).
func (db *DB) Heatmap(ctx context.Context, q Query) ([]CellCount, Plan, error) {
	plan := db.forcePlan
	if plan == "" {
		plan = ChoosePlan(q)
	}
	return db.HeatmapWithPlan(ctx, q, plan)
}

// HeatmapWithPlan is Heatmap answered by plan: PlanRaw, or the plan ChoosePlan picks (an
// error otherwise). For benchmarks and the tests that compare plans; the server calls
// Heatmap.
func (db *DB) HeatmapWithPlan(ctx context.Context, q Query, plan Plan) ([]CellCount, Plan, error) {
	q.Bucket = ""
	a, p, f := q.Area, q.Period, q.Filters
	var sqlq string
	var args []any
	ps := db.params(ctx)
	switch plan {
	case PlanRaw:
		sqlq, args = rawCellsQuery(&ps, a, p, f)
	case ChoosePlan(q):
		sqlq, args = rollupCellsQuery(&ps, a, p, f)
	default:
		return nil, plan, fmt.Errorf("heatmap: plan %s cannot answer res %d, %v with these filters", plan, a.Res, p)
	}
	rows, err := db.x.QueryContext(ctx, sqlq, args...)
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
func rollupCellsQuery(ps *params, a domain.Area, p domain.Period, f domain.Filters) (string, []any) {
	q := `SELECT cell, mode, sum(sightings)::bigint, sum(persons)::bigint
	      FROM (` + monthRows(ps, a, p, f) + `) u GROUP BY 1, 2 HAVING sum(sightings) > 0`
	return q, ps.args
}

// monthRows is rollupRows for a month-aligned period; otherwise the rollup rows of the
// whole months inside p and, for its partial first and last months, the same columns from
// the raw table (one row per sighting, cells by centre in the bbox as the rollup's).
func monthRows(ps *params, a domain.Area, p domain.Period, f domain.Filters) string {
	head, months, tail, ok := splitMonths(p)
	if p.MonthAligned() || !ok {
		return rollupRows(ps, a, p, f)
	}
	parts := []string{rollupRows(ps, a, months, f)}
	for _, edge := range []domain.Period{head, tail} {
		if emptyPeriod(edge) {
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
func rollupRows(ps *params, a domain.Area, p domain.Period, f domain.Filters) string {
	slot := rollupSlot(f.MaxHandling, f.MinReliability)
	cols := fmt.Sprintf("m.month AS t, m.mode, m.n[%d] AS sightings, m.p[%d] AS persons", slot, slot)
	conds := []string{ps.bind("m.month >= ? AND m.month < ?", p.From.UTC(), p.To.UTC())}
	if len(f.Modes) > 0 {
		conds = append(conds, ps.bind("m.mode = ANY(?)", pq.Array(f.Modes)))
	}
	if r := regionCond(ps, "m.region", a); r != "" {
		conds = append(conds, r)
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

// rawCellsQuery groups raw sightings by their parent cell at the area's resolution. The
// bbox, padded by a cell's reach, only narrows the scan (see rawBBox); the caller keeps
// the cells whose centre lies in the bbox.
func rawCellsQuery(ps *params, a domain.Area, p domain.Period, f domain.Filters) (string, []any) {
	res := ps.bind("?", a.Res)
	conds := append(rawConds(ps, p, f), rawBBox(ps, a))
	q := `SELECT h3_parent(cell, ` + res + `), coalesce(transport_mode, ''), count(*), sum(coalesce(persons, 0))::bigint
	      FROM sightings WHERE ` + and(conds) + ` GROUP BY 1, 2`
	return q, ps.args
}
