package store

import (
	"context"
	"fmt"
	"routewatch/domain"
	"time"

	"github.com/lib/pq"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/uber/h3-go/v4"
)

// FlowEdges sums flow_months at res over the whole months of p visible to maxHandling, sorted
// by start and end cell (so every engine answers in one order).
func (db *DB) FlowEdges(ctx context.Context, res int, p domain.Period, maxHandling int) ([]Flow, error) {
	rows, err := db.x.QueryContext(ctx, `
		SELECT from_cell, to_cell, sum(legs), sum(journeys), sum(persons) FROM flow_months
		WHERE res = $1 AND month >= date_trunc('month', $2::timestamptz AT TIME ZONE 'UTC')
		  AND month < $3::timestamptz AT TIME ZONE 'UTC' AND handling <= $4
		GROUP BY 1, 2 HAVING sum(legs) > 0 ORDER BY 1, 2`, res, p.From, p.To, maxHandling)
	if err != nil {
		return nil, fmt.Errorf("flow edges: %w", err)
	}
	defer rows.Close()
	var out []Flow
	for rows.Next() {
		f := Flow{Res: res}
		var from, to int64
		if err := rows.Scan(&from, &to, &f.Legs, &f.Journeys, &f.Persons); err != nil {
			return nil, err
		}
		f.From, f.To = h3.Cell(from), h3.Cell(to)
		out = append(out, f)
	}
	return out, rows.Err()
}

// GroupStats describes the sightings in one group of cells over a period.
type GroupStats struct {
	Sightings, Persons  int64
	FirstSeen, LastSeen time.Time
	Modes, MO, Nations  []ValueCount
	Labels              []ValueCount
}

// CellDim is what the sightings of one cell and handling code in a period count under one
// dimension value (see the cell_dims migration for the dimensions).
type CellDim struct {
	Cell                h3.Cell
	Handling            int
	Dim, Value          string
	Sightings, Persons  int64
	FirstSeen, LastSeen time.Time
}

// cellDimsRes is the resolution of cell_dims.
const cellDimsRes = 4

// CellDims sums the sightings of period p per cell at res, handling code and dimension
// value. Whole-month periods at res ≤ 4 read cell_dims; others read the raw table through
// the same sighting_dims function, so both answer alike.
func (db *DB) CellDims(ctx context.Context, res int, p domain.Period) ([]CellDim, error) {
	q := `SELECT h3_parent(cell, $1), handling, dim, value, sum(sightings)::bigint, sum(persons)::bigint,
	        min(first_seen), max(last_seen)
	      FROM cell_dims WHERE month >= ($2::timestamptz AT TIME ZONE 'UTC')::date
	        AND month < ($3::timestamptz AT TIME ZONE 'UTC')::date
	      GROUP BY 1, 2, 3, 4`
	if choosePlan(Query{Area: domain.Area{Res: res}, Period: p}, dimCounts) != PlanCellDims {
		q = `SELECT h3_parent(s.cell, $1), substr(s.handling_code, 2)::int, d.dim, d.value, count(*),
		       sum(coalesce(s.persons, 0))::bigint, min(s.observed_at), max(s.observed_at)
		     FROM sightings s CROSS JOIN LATERAL sighting_dims(s.transport_mode, s.modus_operandi,
		       s.nationalities, s.route_label, s.source, s.journey_id) AS d
		     WHERE s.observed_at >= $2 AND s.observed_at < $3
		     GROUP BY 1, 2, 3, 4`
	}
	rows, err := db.x.QueryContext(ctx, q, res, p.From, p.To)
	if err != nil {
		return nil, fmt.Errorf("cell dimensions: %w", err)
	}
	defer rows.Close()
	var out []CellDim
	for rows.Next() {
		var d CellDim
		var cell int64
		if err := rows.Scan(&cell, &d.Handling, &d.Dim, &d.Value, &d.Sightings, &d.Persons, &d.FirstSeen, &d.LastSeen); err != nil {
			return nil, err
		}
		d.Cell = h3.Cell(cell)
		out = append(out, d)
	}
	return out, rows.Err()
}

// PreviousCorridor is a corridor of the latest completed run, for stable ids.
type PreviousCorridor struct {
	ID    int64
	Cells []h3.Cell
}

// PreviousCorridors lists the corridors of one clearance level in the latest completed
// corridors run.
func (db *DB) PreviousCorridors(ctx context.Context, clearance int) ([]PreviousCorridor, error) {
	run, err := db.LatestRun(ctx, string(domain.JobCorridors))
	if err != nil || run == 0 {
		return nil, err
	}
	rows, err := db.x.QueryContext(ctx, `SELECT id, cells FROM corridors WHERE run_id = $1 AND clearance = $2 ORDER BY id`, run, clearance)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PreviousCorridor
	for rows.Next() {
		var p PreviousCorridor
		var cells pq.Int64Array
		if err := rows.Scan(&p.ID, &cells); err != nil {
			return nil, err
		}
		for _, c := range cells {
			p.Cells = append(p.Cells, h3.Cell(c))
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// NewCorridorID draws an id for a corridor seen for the first time.
func (db *DB) NewCorridorID(ctx context.Context) (int64, error) {
	var id int64
	err := db.x.GetContext(ctx, &id, `SELECT nextval('corridor_ids')`)
	return id, err
}

// CompleteCorridorRun writes a run's corridors and marks it completed, in one transaction:
// a run that fails before leaves no rows that the API would serve.
func (db *DB) CompleteCorridorRun(ctx context.Context, runID int64, cs []Corridor) error {
	tx, err := db.x.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, c := range cs {
		tm, _ := valueCountsJSON(c.TopModes)
		tmo, _ := valueCountsJSON(c.TopMO)
		tn, _ := valueCountsJSON(c.TopNations)
		var centre, outline any
		if len(c.Centerline) >= 2 {
			centre = ewkb.Value(c.Centerline, 4326)
		}
		if len(c.Outline) > 0 {
			outline = ewkb.Value(c.Outline, 4326)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO corridors (run_id, id, kind, label, res, centerline, outline, cells, entry_cells, exit_cells,
			  legs, journeys, persons, sightings, first_seen, last_seen, top_modes, top_mo, top_nationalities,
			  trend, status, period_from, period_to, clearance)
			VALUES ($1, $2, $3, $4, $5, ST_GeomFromEWKB($6), ST_Multi(ST_GeomFromEWKB($7)), $8, $9, $10, $11, $12, $13, $14,
			  $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
			runID, c.ID, c.Kind, c.Label, c.Res, centre, outline, cellArray(c.Cells), cellArray(c.Entry), cellArray(c.Exit),
			c.Legs, c.Journeys, c.Persons, c.Sightings, nullTime(c.FirstSeen), nullTime(c.LastSeen), string(tm), string(tmo), string(tn),
			c.Trend, c.Status, c.Period.From, c.Period.To, c.Clearance); err != nil {
			return fmt.Errorf("store corridor %d: %w", c.ID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE job_runs SET status = 'completed', finished_at = now(), rows = $2 WHERE id = $1`, runID, len(cs)); err != nil {
		return err
	}
	return tx.Commit()
}

func cellArray(cs []h3.Cell) pq.Int64Array {
	out := make(pq.Int64Array, len(cs))
	for i, c := range cs {
		out[i] = int64(c)
	}
	return out
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
