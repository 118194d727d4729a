package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/geo"
)

// FlowResolutions are the H3 resolutions flow_months keeps: the corridor resolutions.
var FlowResolutions = []int{3, 4, 5}

// leg is two consecutive sightings of one journey.
type leg struct {
	Sign     int64     `db:"sign"` // -1 for a stored leg being replaced, +1 for a new one
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
// read through one cursor, old (sign −1) and new (+1) together, ordered by the month they
// start in; each month's sums are complete when the next month starts and are staged then,
// so flow_delta holds each flow_months row once and memory holds one month's rows,
// whatever the size of the file.
func (b *Batch) updateFlows(ctx context.Context) error {
	if _, err := b.conn.ExecContext(ctx, `
		CREATE TEMP TABLE touched ON COMMIT DROP AS
		SELECT DISTINCT journey_id FROM new_rows WHERE journey_id IS NOT NULL;
		CREATE TEMP TABLE flow_delta (LIKE flow_months) ON COMMIT DROP;
		CREATE TEMP TABLE journey_rows ON COMMIT DROP AS
		SELECT s.journey_id, s.id, s.cell, s.observed_at, s.persons, s.handling_code, s.transport_mode
		FROM sightings s WHERE s.journey_id IN (SELECT journey_id FROM touched);
		CREATE TEMP TABLE new_legs ON COMMIT DROP AS
		SELECT * FROM (
		  SELECT s.journey_id,
		    row_number() OVER w AS seq,
		    s.cell AS from_cell, lead(s.cell) OVER w AS to_cell,
		    s.observed_at AS from_at, lead(s.observed_at) OVER w AS to_at,
		    coalesce(s.persons, 0) AS persons,
		    greatest(substr(s.handling_code, 2)::int, substr(lead(s.handling_code) OVER w, 2)::int) AS handling,
		    coalesce(s.transport_mode, '') AS mode
		  FROM journey_rows s
		  WINDOW w AS (PARTITION BY s.journey_id ORDER BY s.observed_at, s.id)) x
		WHERE to_cell IS NOT NULL`); err != nil {
		return fmt.Errorf("new legs: %w", err)
	}
	if err := b.streamLegs(ctx); err != nil {
		return fmt.Errorf("flows: %w", err)
	}
	if _, err := b.conn.ExecContext(ctx, `
		DELETE FROM journey_legs WHERE journey_id IN (SELECT journey_id FROM touched);
		INSERT INTO journey_legs (journey_id, seq, from_cell, to_cell, from_at, to_at, persons, handling, mode, region)
		SELECT journey_id, seq, from_cell, to_cell, from_at, to_at, persons, handling, mode, h3_parent(from_cell, 3) FROM new_legs`); err != nil {
		return fmt.Errorf("store legs: %w", err)
	}
	return b.applyFlowDelta(ctx)
}

// legChunk is how many legs one cursor fetch reads.
var legChunk = 50000

// streamLegs adds the touched journeys' stored legs (sign −1) and their new legs (+1) to
// flow_delta, reading them through a cursor in month order and staging each month's sums
// with COPY when the month is complete.
func (b *Batch) streamLegs(ctx context.Context) error {
	if _, err := b.conn.ExecContext(ctx, `
		DECLARE legs NO SCROLL CURSOR FOR
		SELECT sign, journey_id, seq, from_cell, to_cell, from_at, to_at, persons, handling, mode FROM (
		  SELECT -1 AS sign, l.journey_id, l.seq, l.from_cell, l.to_cell, l.from_at, l.to_at, l.persons, l.handling, l.mode
		  FROM journey_legs l WHERE l.journey_id IN (SELECT journey_id FROM touched)
		  UNION ALL
		  SELECT 1, journey_id, seq, from_cell, to_cell, from_at, to_at, persons, handling, mode FROM new_legs) x
		ORDER BY date_trunc('month', from_at AT TIME ZONE 'UTC'), sign, journey_id, seq`); err != nil {
		return err
	}
	acc := &legAccumulator{delta: map[flowKey]*flowDelta{}, keys: map[flowKey]bool{},
		paths: map[[2]h3.Cell][]h3.Cell{}}
	for {
		n, err := b.fetchLegs(ctx, acc)
		if err != nil {
			return err
		}
		if n < legChunk {
			break
		}
		if err := b.stageMonths(ctx, acc); err != nil {
			return err
		}
	}
	if _, err := b.conn.ExecContext(ctx, `CLOSE legs`); err != nil {
		return err
	}
	acc.flush()
	return b.stageMonths(ctx, acc)
}

// stageMonths stages the months the accumulator has completed (between fetches: the
// connection is free only then).
func (b *Batch) stageMonths(ctx context.Context, acc *legAccumulator) error {
	err := b.stageFlows(ctx, acc.done)
	acc.done = nil
	return err
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
// counted when the next journey starts (legs arrive grouped by month, sign and journey).
// The sums of a month move to done when the next month starts, since no later leg can add
// to them.
type legAccumulator struct {
	delta   map[flowKey]*flowDelta
	month   time.Time
	sign    int64
	journey string
	keys    map[flowKey]bool
	paths   map[[2]h3.Cell][]h3.Cell // geo.Path's answers: legs between coarse cells repeat
	done    []map[flowKey]*flowDelta // completed months, to be staged
}

// maxCachedPaths bounds legAccumulator.paths (about 100 bytes each; the 623,898 legs of
// the 1M-sighting benchmark file join 177,000 distinct cell pairs at resolutions 3–5).
const maxCachedPaths = 200000

// path is geo.Path(p, q), remembered.
func (a *legAccumulator) path(p, q h3.Cell) ([]h3.Cell, error) {
	k := [2]h3.Cell{p, q}
	if path, ok := a.paths[k]; ok {
		return path, nil
	}
	path, err := geo.Path(p, q)
	if err != nil {
		return nil, err
	}
	if len(a.paths) >= maxCachedPaths {
		clear(a.paths)
	}
	a.paths[k] = path
	return path, nil
}

// add adds the leg's segments: at every flow resolution the leg runs from the parent of its
// start cell to the parent of its end cell, along the grid path when they are not
// neighbours.
func (a *legAccumulator) add(l leg) error {
	month := time.Date(l.FromAt.UTC().Year(), l.FromAt.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	if !month.Equal(a.month) {
		a.flush()
		a.month = month
	}
	if l.Journey != a.journey || l.Sign != a.sign {
		a.endJourney()
		a.journey, a.sign = l.Journey, l.Sign
	}
	from, to := h3.Cell(l.From), h3.Cell(l.To)
	for _, res := range FlowResolutions {
		p, q := from.Parent(res), to.Parent(res)
		if p == q {
			continue
		}
		path, err := a.path(p, q)
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

// flush ends the current journey and the month: its sums move to done.
func (a *legAccumulator) flush() {
	a.endJourney()
	a.journey = ""
	if len(a.delta) > 0 {
		a.done = append(a.done, a.delta)
		a.delta = map[flowKey]*flowDelta{}
	}
}

// stageFlows copies completed months' flow changes into flow_delta (each flow_months row
// once: a month is complete before it is staged).
func (b *Batch) stageFlows(ctx context.Context, months []map[flowKey]*flowDelta) error {
	if len(months) == 0 {
		return nil
	}
	err := b.copyIn(ctx, `COPY flow_delta (res, month, from_cell, to_cell, handling, legs, journeys, persons, region) FROM STDIN`,
		func(cs *copyStream) error {
			for _, delta := range months {
				for k, d := range delta {
					if d.legs == 0 && d.journeys == 0 && d.persons == 0 {
						continue
					}
					r := &cs.row
					r.start()
					r.int(int64(k.res))
					r.date(k.month)
					r.int(int64(k.from))
					r.int(int64(k.to))
					r.int(int64(k.handling))
					r.int(d.legs)
					r.int(d.journeys)
					r.int(d.persons)
					r.int(int64(k.from.Parent(regionRes)))
					if err := cs.endRow(); err != nil {
						return err
					}
				}
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("stage flows: %w", err)
	}
	return nil
}

// applyFlowDelta adds the staged changes (one row per flow_months row) and removes rows
// that reach zero. A row can only shrink where its change is negative (the old legs of a
// journey the batch touched), so only those rows are checked.
func (b *Batch) applyFlowDelta(ctx context.Context) error {
	_, err := b.conn.ExecContext(ctx, `
		INSERT INTO flow_months AS f (res, month, from_cell, to_cell, handling, legs, journeys, persons, region)
		SELECT res, month, from_cell, to_cell, handling, legs, journeys, persons, region FROM flow_delta
		ON CONFLICT (res, month, from_cell, to_cell, handling, region) DO UPDATE
		SET legs = f.legs + excluded.legs, journeys = f.journeys + excluded.journeys, persons = f.persons + excluded.persons;
		DELETE FROM flow_months f USING flow_delta d
		WHERE (d.legs < 0 OR d.journeys < 0 OR d.persons < 0)
		AND (f.res, f.month, f.from_cell, f.to_cell, f.handling, f.region) = (d.res, d.month, d.from_cell, d.to_cell, d.handling, d.region)
		AND f.legs <= 0`)
	if err != nil {
		return fmt.Errorf("update flows: %w", err)
	}
	return nil
}
