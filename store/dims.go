package store

import (
	"cmp"
	"context"
	"fmt"
	"routewatch/domain"
	"slices"

	"github.com/uber/h3-go/v4"
)

// DimCount is how many sightings count under one value of one dimension of sighting_dims
// (see the cell_dims migrations: total, mode, mo, mo_known, nationality, nationality_known,
// route, source, route_nojourney).
type DimCount struct {
	Dim, Value string
	Sightings  int64
}

// DimCounts counts the sightings of q.Period under q.Filters in the resolution-4 cells whose
// centre lies in q.Area.BBox (q.Area.Res and q.Bucket are ignored), per dimension value,
// sorted by dimension and value. Whole-month periods with no filter but the caller's
// clearance read cell_dims; others read the raw table through the same sighting_dims
// function, so both answer alike.
func (db *DB) DimCounts(ctx context.Context, q Query) ([]DimCount, error) {
	b, p, f := q.Area.BBox, q.Period, q.Filters
	ps := db.params(ctx)
	var sqlq string
	rollup := choosePlan(Query{Area: domain.Area{Res: cellDimsRes, BBox: b}, Period: p, Filters: f}, dimCounts) == PlanCellDims
	if rollup {
		sqlq = `SELECT d.cell, d.dim, d.value, sum(d.sightings)::bigint
		     FROM cells c JOIN cell_dims d ON d.cell = c.cell
		     WHERE c.res = ` + ps.bind("?", cellDimsRes) + ` AND ` + bboxCentre(&ps, b) + ` AND ` +
			ps.bind("d.month >= ? AND d.month < ? AND d.handling <= ?", p.From.UTC(), p.To.UTC(), f.MaxHandling)
		if r := regionCond(&ps, "d.region", domain.Area{Res: cellDimsRes, BBox: b}); r != "" {
			sqlq += " AND " + r
		}
		sqlq += ` GROUP BY 1, 2, 3`
	} else {
		area := domain.Area{Res: cellDimsRes, BBox: b}
		conds := append(rawConds(&ps, p, f), rawBBox(&ps, area))
		sqlq = `SELECT h3_parent(s.cell, ` + ps.bind("?", cellDimsRes) + `), d.dim, d.value, count(*)
		     FROM sightings s CROSS JOIN LATERAL sighting_dims(s.transport_mode, s.modus_operandi,
		       s.nationalities, s.route_label, s.source, s.journey_id) AS d
		     WHERE ` + and(conds) + ` GROUP BY 1, 2, 3`
	}
	rows, err := db.x.QueryContext(ctx, sqlq, ps.args...)
	if err != nil {
		return nil, fmt.Errorf("dimension counts: %w", err)
	}
	defer rows.Close()
	sums := map[[2]string]int64{}
	for rows.Next() {
		var cell, n int64
		var dim, value string
		if err := rows.Scan(&cell, &dim, &value, &n); err != nil {
			return nil, err
		}
		if !rollup && !centreIn(h3.Cell(cell), b) {
			continue
		}
		sums[[2]string{dim, value}] += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dimension counts: %w", err)
	}
	out := make([]DimCount, 0, len(sums))
	for k, n := range sums {
		if n > 0 {
			out = append(out, DimCount{Dim: k[0], Value: k[1], Sightings: n})
		}
	}
	slices.SortFunc(out, func(x, y DimCount) int { return cmp.Or(cmp.Compare(x.Dim, y.Dim), cmp.Compare(x.Value, y.Value)) })
	return out, nil
}
