package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
	"github.com/uber/h3-go/v4"

	"routewatch/geo"
)

// FlowResolutions are the H3 resolutions flow_months keeps: the corridor resolutions.
var FlowResolutions = []int{3, 4, 5}

// leg is two consecutive sightings of one journey.
type leg struct {
	Journey  string    `db:"journey_id"`
	Seq      int       `db:"seq"`
	From     int64     `db:"from_cell"`
	To       int64     `db:"to_cell"`
	FromAt   time.Time `db:"from_at"`
	ToAt     time.Time `db:"to_at"`
	Persons  int       `db:"persons"`
	Handling int       `db:"handling"`
	Mode     string    `db:"mode"`
}

// flowKey identifies one flow_months row.
type flowKey struct {
	res      int
	month    time.Time
	from, to h3.Cell
	handling int
}

type flowDelta struct{ legs, journeys, persons int64 }

// updateFlows recomputes the legs of every journey this batch touched and moves their
// contributions in flow_months: the old legs are subtracted, the new ones added, so a
// sighting arriving late slots into its journey. The legs are computed in PostgreSQL and
// streamed through Go one at a time, so memory holds the flow changes, not the legs.
func (b *Batch) updateFlows(ctx context.Context) error {
	if _, err := b.conn.ExecContext(ctx, `
		CREATE TEMP TABLE touched ON COMMIT DROP AS
		SELECT DISTINCT journey_id FROM new_rows WHERE journey_id IS NOT NULL`); err != nil {
		return fmt.Errorf("touched journeys: %w", err)
	}
	delta := flowDeltas{}
	if err := b.streamLegs(ctx, delta, -1); err != nil {
		return fmt.Errorf("old legs: %w", err)
	}
	if _, err := b.conn.ExecContext(ctx, `
		DELETE FROM journey_legs l USING touched t WHERE l.journey_id = t.journey_id;
		INSERT INTO journey_legs (journey_id, seq, from_cell, to_cell, from_at, to_at, persons, handling, mode)
		SELECT * FROM (
		  SELECT s.journey_id,
		    row_number() OVER w AS seq,
		    s.cell AS from_cell, lead(s.cell) OVER w AS to_cell,
		    s.observed_at AS from_at, lead(s.observed_at) OVER w AS to_at,
		    coalesce(s.persons, 0) AS persons,
		    greatest(substr(s.handling_code, 2)::int, substr(lead(s.handling_code) OVER w, 2)::int) AS handling,
		    coalesce(s.transport_mode, '') AS mode
		  FROM sightings s JOIN touched t USING (journey_id)
		  WINDOW w AS (PARTITION BY s.journey_id ORDER BY s.observed_at, s.id)) x
		WHERE to_cell IS NOT NULL`); err != nil {
		return fmt.Errorf("new legs: %w", err)
	}
	if err := b.streamLegs(ctx, delta, +1); err != nil {
		return fmt.Errorf("new legs: %w", err)
	}
	return b.applyFlowDelta(ctx, delta)
}

// streamLegs adds sign × the stored legs of the touched journeys to delta.
func (b *Batch) streamLegs(ctx context.Context, delta flowDeltas, sign int64) error {
	rows, err := b.conn.QueryxContext(ctx, `
		SELECT l.journey_id, l.seq, l.from_cell, l.to_cell, l.from_at, l.to_at, l.persons, l.handling, l.mode
		FROM journey_legs l JOIN touched t USING (journey_id) ORDER BY l.journey_id, l.seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	seen := map[flowKey]string{}
	var l leg
	for rows.Next() {
		if err := rows.StructScan(&l); err != nil {
			return err
		}
		if err := delta.addLeg(l, sign, seen); err != nil {
			return err
		}
	}
	return rows.Err()
}

// flowDeltas are pending changes to flow_months.
type flowDeltas map[flowKey]*flowDelta

// addLeg adds sign × the leg's segments: at every flow resolution the leg runs from the
// parent of its start cell to the parent of its end cell, along the grid path when they are
// not neighbours. A journey counts once per row however many of its legs cross it: seen
// remembers the last journey counted per row (legs arrive grouped by journey).
func (delta flowDeltas) addLeg(l leg, sign int64, seen map[flowKey]string) error {
	from, to := h3.Cell(l.From), h3.Cell(l.To)
	month := time.Date(l.FromAt.UTC().Year(), l.FromAt.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	for _, res := range FlowResolutions {
		a, b := from.Parent(res), to.Parent(res)
		if a == b {
			continue
		}
		path, err := geo.Path(a, b)
		if err != nil {
			return fmt.Errorf("journey %s leg %d: %w", l.Journey, l.Seq, err)
		}
		for i := 1; i < len(path); i++ {
			k := flowKey{res, month, path[i-1], path[i], l.Handling}
			d := delta[k]
			if d == nil {
				d = &flowDelta{}
				delta[k] = d
			}
			d.legs += sign
			d.persons += sign * int64(l.Persons)
			if seen[k] != l.Journey {
				seen[k] = l.Journey
				d.journeys += sign
			}
		}
	}
	return nil
}

// applyFlowDelta upserts the changes into flow_months and removes rows that reach zero.
func (b *Batch) applyFlowDelta(ctx context.Context, delta flowDeltas) error {
	if len(delta) == 0 {
		return nil
	}
	if _, err := b.conn.ExecContext(ctx, `CREATE TEMP TABLE flow_delta (LIKE flow_months) ON COMMIT DROP`); err != nil {
		return err
	}
	stmt, err := b.conn.PrepareContext(ctx, pq.CopyIn("flow_delta", "res", "month", "from_cell", "to_cell", "handling",
		"legs", "journeys", "persons"))
	if err != nil {
		return err
	}
	for k, d := range delta {
		if d.legs == 0 && d.journeys == 0 && d.persons == 0 {
			continue
		}
		if _, err := stmt.Exec(k.res, k.month, int64(k.from), int64(k.to), k.handling, d.legs, d.journeys, d.persons); err != nil {
			stmt.Close()
			return fmt.Errorf("stage flows: %w", err)
		}
	}
	if _, err := stmt.Exec(); err != nil {
		stmt.Close()
		return fmt.Errorf("stage flows: %w", err)
	}
	stmt.Close()
	if _, err := b.conn.ExecContext(ctx, `
		INSERT INTO flow_months AS f SELECT * FROM flow_delta ORDER BY res, month, from_cell, to_cell, handling
		ON CONFLICT (res, month, from_cell, to_cell, handling) DO UPDATE
		SET legs = f.legs + excluded.legs, journeys = f.journeys + excluded.journeys, persons = f.persons + excluded.persons`); err != nil {
		return fmt.Errorf("update flows: %w", err)
	}
	_, err = b.conn.ExecContext(ctx, `
		DELETE FROM flow_months f USING flow_delta d
		WHERE (f.res, f.month, f.from_cell, f.to_cell, f.handling) = (d.res, d.month, d.from_cell, d.to_cell, d.handling)
		AND f.legs <= 0`)
	return err
}
