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
// read through a cursor a chunk at a time; their segments go to the flow_delta table in
// chunks, so memory holds one chunk, whatever the size of the file.
func (b *Batch) updateFlows(ctx context.Context) error {
	if _, err := b.conn.ExecContext(ctx, `
		CREATE TEMP TABLE touched ON COMMIT DROP AS
		SELECT DISTINCT journey_id FROM new_rows WHERE journey_id IS NOT NULL;
		CREATE TEMP TABLE flow_delta (LIKE flow_months) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("touched journeys: %w", err)
	}
	if err := b.streamLegs(ctx, -1); err != nil {
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
	if err := b.streamLegs(ctx, +1); err != nil {
		return fmt.Errorf("new legs: %w", err)
	}
	return b.applyFlowDelta(ctx)
}

// legChunk is how many legs one cursor fetch reads.
var legChunk = 50000

// streamLegs adds sign × the stored legs of the touched journeys to flow_delta, reading them
// through a cursor and staging each chunk's segments with COPY.
func (b *Batch) streamLegs(ctx context.Context, sign int64) error {
	if _, err := b.conn.ExecContext(ctx, `
		DECLARE legs NO SCROLL CURSOR FOR
		SELECT l.journey_id, l.seq, l.from_cell, l.to_cell, l.from_at, l.to_at, l.persons, l.handling, l.mode
		FROM journey_legs l JOIN touched t USING (journey_id) ORDER BY l.journey_id, l.seq`); err != nil {
		return err
	}
	acc := &legAccumulator{sign: sign, delta: map[flowKey]*flowDelta{}, keys: map[flowKey]bool{}}
	for {
		n, err := b.fetchLegs(ctx, acc)
		if err != nil {
			return err
		}
		if n < legChunk {
			break
		}
		if err := b.stageFlows(ctx, acc.flush(false)); err != nil {
			return err
		}
	}
	if _, err := b.conn.ExecContext(ctx, `CLOSE legs`); err != nil {
		return err
	}
	return b.stageFlows(ctx, acc.flush(true))
}

func (b *Batch) fetchLegs(ctx context.Context, acc *legAccumulator) (int, error) {
	rows, err := b.conn.QueryxContext(ctx, fmt.Sprintf(`FETCH %d FROM legs`, legChunk))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	var l leg
	for rows.Next() {
		if err := rows.StructScan(&l); err != nil {
			return n, err
		}
		if err := acc.add(l); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// legAccumulator sums leg segments per flow_months row. A journey counts once per row
// however many of its legs cross it: keys holds the rows the current journey crossed,
// counted when the next journey starts (legs arrive grouped by journey).
type legAccumulator struct {
	sign    int64
	delta   map[flowKey]*flowDelta
	journey string
	keys    map[flowKey]bool
}

// add adds the leg's segments: at every flow resolution the leg runs from the parent of its
// start cell to the parent of its end cell, along the grid path when they are not
// neighbours.
func (a *legAccumulator) add(l leg) error {
	if l.Journey != a.journey {
		a.endJourney()
		a.journey = l.Journey
	}
	from, to := h3.Cell(l.From), h3.Cell(l.To)
	month := time.Date(l.FromAt.UTC().Year(), l.FromAt.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	for _, res := range FlowResolutions {
		p, q := from.Parent(res), to.Parent(res)
		if p == q {
			continue
		}
		path, err := geo.Path(p, q)
		if err != nil {
			return fmt.Errorf("journey %s leg %d: %w", l.Journey, l.Seq, err)
		}
		for i := 1; i < len(path); i++ {
			k := flowKey{res, month, path[i-1], path[i], l.Handling}
			d := a.row(k)
			d.legs += a.sign
			d.persons += a.sign * int64(l.Persons)
			a.keys[k] = true
		}
	}
	return nil
}

func (a *legAccumulator) row(k flowKey) *flowDelta {
	d := a.delta[k]
	if d == nil {
		d = &flowDelta{}
		a.delta[k] = d
	}
	return d
}

func (a *legAccumulator) endJourney() {
	for k := range a.keys {
		a.row(k).journeys += a.sign
	}
	clear(a.keys)
}

// flush hands over the sums so far and starts afresh (flow_delta is summed later, so a row
// may be staged in several chunks). The current journey's rows stay in keys until it ends,
// so a journey split between chunks still counts once; last ends it.
func (a *legAccumulator) flush(last bool) map[flowKey]*flowDelta {
	if last {
		a.endJourney()
	}
	out := a.delta
	a.delta = map[flowKey]*flowDelta{}
	return out
}

// stageFlows copies flow changes into flow_delta (a row may appear in several chunks).
func (b *Batch) stageFlows(ctx context.Context, delta map[flowKey]*flowDelta) error {
	if len(delta) == 0 {
		return nil
	}
	stmt, err := b.conn.PrepareContext(ctx, pq.CopyIn("flow_delta", "res", "month", "from_cell", "to_cell", "handling",
		"legs", "journeys", "persons"))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for k, d := range delta {
		if d.legs == 0 && d.journeys == 0 && d.persons == 0 {
			continue
		}
		if _, err := stmt.Exec(k.res, k.month, int64(k.from), int64(k.to), k.handling, d.legs, d.journeys, d.persons); err != nil {
			return fmt.Errorf("stage flows: %w", err)
		}
	}
	if _, err := stmt.Exec(); err != nil {
		return fmt.Errorf("stage flows: %w", err)
	}
	return nil
}

// applyFlowDelta sums the staged changes per flow_months row, upserts them and removes
// rows that reach zero.
func (b *Batch) applyFlowDelta(ctx context.Context) error {
	_, err := b.conn.ExecContext(ctx, `
		CREATE TEMP TABLE flow_sum ON COMMIT DROP AS
		SELECT res, month, from_cell, to_cell, handling, sum(legs)::int AS legs, sum(journeys)::int AS journeys,
		       sum(persons)::bigint AS persons
		FROM flow_delta GROUP BY 1, 2, 3, 4, 5;
		INSERT INTO flow_months AS f (res, month, from_cell, to_cell, handling, legs, journeys, persons)
		SELECT * FROM flow_sum WHERE legs <> 0 OR journeys <> 0 OR persons <> 0
		ORDER BY res, month, from_cell, to_cell, handling
		ON CONFLICT (res, month, from_cell, to_cell, handling) DO UPDATE
		SET legs = f.legs + excluded.legs, journeys = f.journeys + excluded.journeys, persons = f.persons + excluded.persons;
		DELETE FROM flow_months f USING flow_sum d
		WHERE (f.res, f.month, f.from_cell, f.to_cell, f.handling) = (d.res, d.month, d.from_cell, d.to_cell, d.handling)
		AND f.legs <= 0`)
	if err != nil {
		return fmt.Errorf("update flows: %w", err)
	}
	return nil
}
