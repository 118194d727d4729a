package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uber/h3-go/v4"
)

// Bucket is one time step of a timeline.
type Bucket struct {
	Start     time.Time
	Sightings int64
	Persons   int64
}

// Buckets a timeline can use; weeks start on Monday (ISO 8601), all in UTC.
var Buckets = map[string]bool{"day": true, "week": true, "month": true}

// Timeline counts sightings and persons per q.Bucket over the cells of q.Area (by centre, as
// in Heatmap), in q.Period, under q.Filters, in time order. Buckets without sightings are
// absent.
func (db *DB) Timeline(ctx context.Context, q Query) ([]Bucket, Plan, error) {
	a, p, f, bucket := q.Area, q.Period, q.Filters, q.Bucket
	if !Buckets[bucket] {
		return nil, "", fmt.Errorf("timeline: unknown bucket %q", bucket)
	}
	plan := ChoosePlan(q) // month rows cannot be cut into days or weeks
	ps := db.params(ctx)
	var sqlq string
	trunc := ps.bind("?", bucket)
	if plan != PlanRaw {
		sqlq = `SELECT date_trunc(` + trunc + `, u.t)::date, NULL::bigint, sum(u.sightings)::bigint, sum(u.persons)::bigint
		     FROM (` + monthRows(&ps, a, p, f) + `) u GROUP BY 1 HAVING sum(u.sightings) > 0 ORDER BY 1`
	} else {
		res := ps.bind("?", a.Res)
		conds := append(rawConds(&ps, p, f), rawBBox(&ps, a))
		sqlq = `SELECT date_trunc(` + trunc + `, observed_at AT TIME ZONE 'UTC')::date, h3_parent(cell, ` + res + `),
		            count(*), sum(coalesce(persons, 0))::bigint
		     FROM sightings WHERE ` + and(conds) + ` GROUP BY 1, 2 ORDER BY 1`
	}
	rows, err := db.x.QueryContext(ctx, sqlq, ps.args...)
	if err != nil {
		return nil, plan, fmt.Errorf("timeline: %w", err)
	}
	defer rows.Close()
	var out []Bucket
	for rows.Next() {
		var start time.Time
		var cell sql.NullInt64
		var n, persons int64
		if err := rows.Scan(&start, &cell, &n, &persons); err != nil {
			return nil, plan, err
		}
		if cell.Valid && !centreIn(h3.Cell(cell.Int64), a.BBox) {
			continue
		}
		start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
		if len(out) == 0 || !out[len(out)-1].Start.Equal(start) {
			out = append(out, Bucket{Start: start})
		}
		out[len(out)-1].Sightings += n
		out[len(out)-1].Persons += persons
	}
	return out, plan, rows.Err()
}
