package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lib/pq"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/geo"
)

// ValueCount is the sightings and persons of one value of a dimension.
type ValueCount struct {
	Value     string
	Sightings int64
	Persons   int64
}

// CellDetail is one cell's weekly series and breakdowns over a period.
type CellDetail struct {
	Sightings  int64
	Persons    int64
	Weekly     []Bucket
	Breakdowns map[string][]ValueCount // mode, mo, nationality, source, channel, reliability, route
	Neighbours []ValueCount            // the k=1 ring, Value = cell hex
}

// cellBreakdowns are the dimensions of CellDetail.Breakdowns and the SQL yielding each
// value per row of the matching sightings (alias m).
var cellBreakdowns = []struct{ name, expr string }{
	{"mode", "SELECT coalesce(m.transport_mode, '')"},
	{"mo", "SELECT unnest(m.modus_operandi)"},
	{"nationality", "SELECT unnest(m.nationalities)"},
	{"source", "SELECT m.source"},
	{"channel", "SELECT coalesce(m.channel, m.source)"},
	{"reliability", "SELECT coalesce(m.source_reliability, '')"},
	{"route", "SELECT coalesce(m.route_label, '')"},
}

// Cell describes the sightings whose stored cell has c as ancestor (c's resolution must be
// at most CellResolution), in period p under filters f, from the raw table.
func (db *DB) Cell(ctx context.Context, c h3.Cell, p domain.Period, f domain.Filters) (*CellDetail, error) {
	res := c.Resolution()
	if res > CellResolution {
		return nil, fmt.Errorf("cell resolution %d is finer than the stored %d", res, CellResolution)
	}
	ps := db.params(ctx)
	cellParam := ps.bind("?", int64(c))
	resParam := ps.bind("?", res)
	conds := append(rawConds(&ps, p, f), rawBBox(&ps, domain.Area{Res: res, BBox: cellBBox(c)}),
		"h3_parent(cell, "+resParam+") = "+cellParam)
	q := `WITH m AS MATERIALIZED (
	        SELECT observed_at, transport_mode, modus_operandi, nationalities, source, channel, source_reliability,
	               route_label, coalesce(persons, 0) AS persons
	        FROM sightings WHERE ` + and(conds) + `)
	      SELECT 'week', date_trunc('week', observed_at AT TIME ZONE 'UTC')::date::text, count(*), sum(persons)::bigint
	      FROM m GROUP BY 2`
	for _, b := range cellBreakdowns {
		q += ` UNION ALL SELECT '` + b.name + `', v, count(*), sum(m.persons)::bigint
		       FROM m CROSS JOIN LATERAL (` + b.expr + ` AS v) x GROUP BY 2`
	}
	rows, err := db.x.QueryContext(ctx, q+" ORDER BY 1, 3 DESC, 2", ps.args...)
	if err != nil {
		return nil, fmt.Errorf("cell detail: %w", err)
	}
	defer rows.Close()
	d := &CellDetail{Breakdowns: map[string][]ValueCount{}}
	for _, b := range cellBreakdowns {
		d.Breakdowns[b.name] = []ValueCount{}
	}
	for rows.Next() {
		var kind, value string
		var n, persons int64
		if err := rows.Scan(&kind, &value, &n, &persons); err != nil {
			return nil, err
		}
		if kind != "week" {
			d.Breakdowns[kind] = append(d.Breakdowns[kind], ValueCount{value, n, persons})
			continue
		}
		start, _ := time.Parse(time.DateOnly, value)
		d.Weekly = append(d.Weekly, Bucket{Start: start, Sightings: n, Persons: persons})
		d.Sightings += n
		d.Persons += persons
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortBuckets(d.Weekly)
	d.Neighbours, err = db.neighbours(ctx, c, p, f)
	return d, err
}

func sortBuckets(b []Bucket) {
	slices.SortFunc(b, func(x, y Bucket) int { return x.Start.Compare(y.Start) })
}

// neighbours counts the sightings of the cells around c.
func (db *DB) neighbours(ctx context.Context, c h3.Cell, p domain.Period, f domain.Filters) ([]ValueCount, error) {
	ring, err := geo.Disk(c, 1)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(ring))
	bb := cellBBox(c)
	for _, n := range ring {
		if n != c {
			ids = append(ids, int64(n))
		}
	}
	ps := db.params(ctx)
	resParam := ps.bind("?", c.Resolution())
	// Padding by the reach of a cell one resolution coarser (about 5 edge lengths of c)
	// covers the whole ring around c.
	grown := domain.Area{Res: c.Resolution() - min(c.Resolution(), 1), BBox: bb}
	conds := append(rawConds(&ps, p, f), rawBBox(&ps, grown), ps.bind("h3_parent(cell, "+resParam+") = ANY(?)", pq.Array(ids)))
	rows, err := db.x.QueryContext(ctx, `SELECT h3_parent(cell, `+resParam+`), count(*), sum(coalesce(persons, 0))::bigint
		FROM sightings WHERE `+and(conds)+` GROUP BY 1`, ps.args...)
	if err != nil {
		return nil, fmt.Errorf("cell neighbours: %w", err)
	}
	defer rows.Close()
	counts := map[int64][2]int64{}
	for rows.Next() {
		var cell, n, persons int64
		if err := rows.Scan(&cell, &n, &persons); err != nil {
			return nil, err
		}
		counts[cell] = [2]int64{n, persons}
	}
	out := make([]ValueCount, 0, len(ids))
	for _, id := range ids {
		v := counts[id]
		out = append(out, ValueCount{Value: geo.CellString(h3.Cell(id)), Sightings: v[0], Persons: v[1]})
	}
	return out, rows.Err()
}

// cellBBox is the lon/lat box around c's boundary, crossing the antimeridian when c does.
func cellBBox(c h3.Cell) geo.BBox {
	b := orb.MultiPoint(geo.CellPolygon(c)[0]).Bound()
	box := geo.BBox{West: b.Min[0], South: b.Min[1], East: b.Max[0], North: b.Max[1]}
	switch {
	case box.East > 180:
		box.East -= 360
	case box.West < -180:
		box.West += 360
	}
	return box
}

// FilterValues lists the filter values present in the data a clearance may see, with their
// sightings: transport modes, modus operandi tags, nationalities, route labels, sources.
func (db *DB) FilterValues(ctx context.Context, maxHandling int) (map[string][]ValueCount, error) {
	rows, err := db.x.QueryContext(ctx, `
		SELECT dim, value, sum(sightings), sum(persons) FROM filter_values
		WHERE handling <= $1 AND value <> '' GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`, maxHandling)
	if err != nil {
		return nil, fmt.Errorf("filter values: %w", err)
	}
	defer rows.Close()
	out := map[string][]ValueCount{"mode": {}, "mo": {}, "nationality": {}, "route": {}, "source": {}}
	for rows.Next() {
		var kind string
		var v ValueCount
		if err := rows.Scan(&kind, &v.Value, &v.Sightings, &v.Persons); err != nil {
			return nil, err
		}
		out[kind] = append(out[kind], v)
	}
	return out, rows.Err()
}
