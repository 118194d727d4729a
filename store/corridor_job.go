package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lib/pq"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/uber/h3-go/v4"
)

// FlowEdges sums flow_months at res over the whole months of p visible to maxHandling.
func (db *DB) FlowEdges(ctx context.Context, res int, p Period, maxHandling int) ([]Flow, error) {
	rows, err := db.x.QueryContext(ctx, `
		SELECT from_cell, to_cell, sum(legs), sum(journeys), sum(persons) FROM flow_months
		WHERE res = $1 AND month >= date_trunc('month', $2::timestamptz AT TIME ZONE 'UTC')
		  AND month < $3::timestamptz AT TIME ZONE 'UTC' AND handling <= $4
		GROUP BY 1, 2 HAVING sum(legs) > 0`, res, p.From, p.To, maxHandling)
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

// CellGroupStats computes, in one scan of the period, the sightings of each group of cells
// (cells at res; a cell belongs to at most one group, the first that lists it).
func (db *DB) CellGroupStats(ctx context.Context, res int, groups [][]h3.Cell, p Period, maxHandling int) ([]GroupStats, error) {
	var cells []int64
	var idx []int32
	seen := map[h3.Cell]bool{}
	for k, g := range groups {
		for _, c := range g {
			if !seen[c] {
				seen[c] = true
				cells = append(cells, int64(c))
				idx = append(idx, int32(k))
			}
		}
	}
	out := make([]GroupStats, len(groups))
	if len(cells) == 0 {
		return out, nil
	}
	rows, err := db.x.QueryContext(ctx, `
		WITH g AS (SELECT * FROM unnest($1::bigint[], $2::int[]) AS g(cell, k)),
		m AS MATERIALIZED (
		  SELECT g.k, s.observed_at, coalesce(s.persons, 0) AS persons, s.transport_mode,
		         s.modus_operandi, s.nationalities, s.route_label
		  FROM sightings s JOIN g ON g.cell = h3_parent(s.cell, $3)
		  WHERE s.observed_at >= $4 AND s.observed_at < $5 AND substr(s.handling_code, 2)::int <= $6)
		SELECT k, 'total', '', count(*), sum(persons)::bigint, min(observed_at), max(observed_at) FROM m GROUP BY k
		UNION ALL SELECT k, 'mode', transport_mode, count(*), sum(persons)::bigint, NULL, NULL FROM m WHERE transport_mode IS NOT NULL GROUP BY 1, 3
		UNION ALL SELECT k, 'mo', v, count(*), sum(persons)::bigint, NULL, NULL FROM m, unnest(m.modus_operandi) v GROUP BY 1, 3
		UNION ALL SELECT k, 'nationality', v, count(*), sum(persons)::bigint, NULL, NULL FROM m, unnest(m.nationalities) v GROUP BY 1, 3
		UNION ALL SELECT k, 'label', route_label, count(*), sum(persons)::bigint, NULL, NULL FROM m WHERE route_label IS NOT NULL GROUP BY 1, 3
		ORDER BY 1, 2, 4 DESC, 3`, pq.Array(cells), pq.Array(idx), res, p.From, p.To, maxHandling)
	if err != nil {
		return nil, fmt.Errorf("corridor stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k int
		var kind, value string
		var n, persons int64
		var first, last *time.Time
		if err := rows.Scan(&k, &kind, &value, &n, &persons, &first, &last); err != nil {
			return nil, err
		}
		g := &out[k]
		v := ValueCount{Value: value, Sightings: n, Persons: persons}
		switch kind {
		case "total":
			g.Sightings, g.Persons, g.FirstSeen, g.LastSeen = n, persons, *first, *last
		case "mode":
			g.Modes = append(g.Modes, v)
		case "mo":
			g.MO = append(g.MO, v)
		case "nationality":
			g.Nations = append(g.Nations, v)
		case "label":
			g.Labels = append(g.Labels, v)
		}
	}
	return out, rows.Err()
}

// LabelCells groups, per route label, the cells at res of the period's sightings that
// belong to no journey, for labels where most sightings have no journey (data such as IOM's,
// which has route labels but no journeys). Cells with fewer than minSightings are left out.
func (db *DB) LabelCells(ctx context.Context, res int, p Period, maxHandling int, minSightings int64) (map[string][]h3.Cell, error) {
	rows, err := db.x.QueryContext(ctx, `
		WITH l AS (
		  SELECT route_label FROM sightings
		  WHERE route_label IS NOT NULL AND observed_at >= $2 AND observed_at < $3 AND substr(handling_code, 2)::int <= $4
		  GROUP BY 1 HAVING count(*) FILTER (WHERE journey_id IS NULL) * 2 > count(*))
		SELECT s.route_label, h3_parent(s.cell, $1) FROM sightings s JOIN l USING (route_label)
		WHERE s.journey_id IS NULL AND s.observed_at >= $2 AND s.observed_at < $3 AND substr(s.handling_code, 2)::int <= $4
		GROUP BY 1, 2 HAVING count(*) >= $5 ORDER BY 1, 2`, res, p.From, p.To, maxHandling, minSightings)
	if err != nil {
		return nil, fmt.Errorf("label cells: %w", err)
	}
	defer rows.Close()
	out := map[string][]h3.Cell{}
	for rows.Next() {
		var label string
		var cell int64
		if err := rows.Scan(&label, &cell); err != nil {
			return nil, err
		}
		out[label] = append(out[label], h3.Cell(cell))
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
	run, err := db.LatestRun(ctx, "corridors")
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
		tm, _ := json.Marshal(nonNilVC(c.TopModes))
		tmo, _ := json.Marshal(nonNilVC(c.TopMO))
		tn, _ := json.Marshal(nonNilVC(c.TopNations))
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

func nonNilVC(v []ValueCount) []ValueCount {
	if v == nil {
		return []ValueCount{}
	}
	return v
}
