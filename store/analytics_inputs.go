package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"routewatch/domain"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/uber/h3-go/v4"
)

// The analytics inputs are counted per handling code (0..3 for H0..H3) so that a job can
// compute its results for every clearance level from one scan: level L sums the rows with
// Handling <= L.

// WindowSighting is one sighting as the analytics jobs read it.
type WindowSighting struct {
	ObservedAt    time.Time
	Handling      int     // 0..3 for H0..H3
	Cell          h3.Cell // the sighting's cell at the resolution asked for
	Label         string  // route label, "" when unknown
	Channel       string  // the reporting channel: coalesce(channel, source)
	Journey       int64   // a 64-bit hash of the journey id; 0 when the sighting belongs to no journey
	Mode          string  // transport mode, "" when unknown
	MO            []string
	Nationalities []string
	Persons       int                 // -1 when unknown
	Attributes    map[string][]string // the asked-for attributes it carries: a string, or an array's elements
}

// WindowSightings streams the sightings observed in p to fn, with their cells at res and
// the attributes named in attrs; with labels, only those of these route labels. fn must not
// keep the pointer (the value is reused) nor change its slices (they are shared between
// sightings: a window repeats the same few labels, channels and value lists millions of
// times, so each distinct one is decoded once).
func (db *DB) WindowSightings(ctx context.Context, res int, p domain.Period, attrs, labels []string, fn func(*WindowSighting)) error {
	rows, err := db.x.QueryContext(ctx, `
		SELECT observed_at, substr(handling_code, 2)::int, h3_parent(cell, $1), coalesce(route_label, ''), coalesce(channel, source),
		       coalesce(hashtextextended(journey_id, 0), 0), coalesce(transport_mode, ''), modus_operandi, nationalities, coalesce(persons, -1),
		       CASE WHEN cardinality($4::text[]) = 0 OR attributes = '{}' THEN NULL ELSE attributes END
		FROM sightings WHERE observed_at >= $2 AND observed_at < $3
		  AND (coalesce(cardinality($5::text[]), 0) = 0 OR route_label = ANY($5::text[]))`,
		res, p.From, p.To, pq.Array(attrs), pq.Array(labels))
	if err != nil {
		return fmt.Errorf("window sightings: %w", err)
	}
	defer rows.Close()
	// Decoding rows and the caller's counting take about the same time at volume: the rows
	// are decoded on a goroutine of their own, in batches, while fn counts the last ones.
	const batchRows, batches = 1024, 3
	full, free := make(chan []WindowSighting, batches), make(chan []WindowSighting, batches)
	for range batches {
		free <- make([]WindowSighting, 0, batchRows)
	}
	done := make(chan error, 1)
	go func() {
		defer close(full)
		done <- decodeWindow(rows, attrs, full, free)
	}()
	for batch := range full {
		for i := range batch {
			fn(&batch[i])
		}
		free <- batch[:0]
	}
	if err := <-done; err != nil {
		return err
	}
	return rows.Err()
}

// decodeWindow reads WindowSightings' rows into batches taken from free and sends them on full.
func decodeWindow(rows *sql.Rows, attrs []string, full chan<- []WindowSighting, free <-chan []WindowSighting) error {
	var cell int64
	var label, channel, mode, mo, nat, raw sql.RawBytes
	var in rawInterner
	batch := <-free
	for rows.Next() {
		var s WindowSighting
		if err := rows.Scan(&s.ObservedAt, &s.Handling, &cell, &label, &channel, &s.Journey, &mode, &mo, &nat, &s.Persons, &raw); err != nil {
			return err
		}
		var err error
		s.Cell, s.Label, s.Channel, s.Mode = h3.Cell(cell), in.str(label), in.str(channel), in.str(mode)
		if s.MO, err = in.array(mo); err != nil {
			return fmt.Errorf("window sightings: modus_operandi: %w", err)
		}
		if s.Nationalities, err = in.array(nat); err != nil {
			return fmt.Errorf("window sightings: nationalities: %w", err)
		}
		if raw != nil {
			s.Attributes = pickAttributes(raw, attrs)
		}
		if batch = append(batch, s); len(batch) == cap(batch) {
			full <- batch
			batch = <-free
		}
	}
	if len(batch) > 0 {
		full <- batch
	}
	return nil
}

// rawInterner decodes each distinct column text once: strings and text arrays (in
// PostgreSQL's text form) are looked up by their bytes, which allocates nothing when seen
// before.
type rawInterner struct {
	strs   map[string]string
	arrays map[string][]string
}

func (in *rawInterner) str(b []byte) string {
	if v, ok := in.strs[string(b)]; ok {
		return v
	}
	if in.strs == nil {
		in.strs = map[string]string{}
	}
	v := string(b)
	in.strs[v] = v
	return v
}

// array decodes a text[] column; NULL and '{}' are nil.
func (in *rawInterner) array(b []byte) ([]string, error) {
	if b == nil {
		return nil, nil
	}
	if v, ok := in.arrays[string(b)]; ok {
		return v, nil
	}
	var a pq.StringArray
	if err := a.Scan([]byte(b)); err != nil {
		return nil, err
	}
	if in.arrays == nil {
		in.arrays = map[string][]string{}
	}
	v := []string(a)
	if len(v) == 0 {
		v = nil
	}
	in.arrays[string(b)] = v
	return v, nil
}

// pickAttributes decodes the attrs of one attributes object: strings as one value, arrays
// of strings as their elements; anything else is left out.
func pickAttributes(raw []byte, attrs []string) map[string][]string {
	var all map[string]json.RawMessage
	if json.Unmarshal(raw, &all) != nil {
		return nil
	}
	out := map[string][]string{}
	for _, a := range attrs {
		v, ok := all[a]
		if !ok {
			continue
		}
		var one string
		var many []string
		if json.Unmarshal(v, &one) == nil {
			out[a] = []string{one}
		} else if json.Unmarshal(v, &many) == nil {
			out[a] = many
		}
	}
	return out
}

// ActiveChannels maps each reporting channel (coalesce(channel, source)) with a sighting
// observed in p to the lowest handling code among them: the channel is active for clearance
// level L when that code is <= L. Coverage checks read channels, not datasets: a dataset
// such as IOM's gathers many channels, each of which can start or stop reporting.
func (db *DB) ActiveChannels(ctx context.Context, p domain.Period) (map[string]int, error) {
	query := `SELECT channel, min(handling) FROM route_months WHERE ` + routeMonthsIn + ` GROUP BY 1`
	if oneMonth(p) {
		query = `SELECT coalesce(channel, source), min(substr(handling_code, 2)::int) FROM sightings
			WHERE observed_at >= $1 AND observed_at < $2 GROUP BY 1`
	}
	rows, err := db.x.QueryContext(ctx, query, p.From, p.To)
	if err != nil {
		return nil, fmt.Errorf("active channels: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var h int
		if err := rows.Scan(&s, &h); err != nil {
			return nil, err
		}
		out[s] = h
	}
	return out, rows.Err()
}

// routeMonthsIn keeps the route_months rows with a sighting observed in [$1, $2): the rows
// of the months the period touches (routeMonthsTouched) whose first or last observation
// lies in it. That is exact unless one month holds both ends of the period (oneMonth),
// where a month's sightings may all lie between its first and last observation and outside
// the period.
const (
	routeMonthsTouched = `month >= date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC')::date
	AND month < ($2::timestamptz AT TIME ZONE 'UTC')`
	routeMonthsSeen = `((first_seen >= $1 AND first_seen < $2) OR (last_seen >= $1 AND last_seen < $2))`
	routeMonthsIn   = routeMonthsTouched + ` AND ` + routeMonthsSeen
)

// oneMonth says whether one UTC month holds both ends of p (a period ending at a month's
// start ends in the month before).
func oneMonth(p domain.Period) bool {
	from, last := p.From.UTC(), p.To.UTC().Add(-time.Nanosecond)
	return from.Year() == last.Year() && from.Month() == last.Month()
}

// FirstObservation is the earliest observed_at before the given instant; ok is false when
// nothing was observed before it.
func (db *DB) FirstObservation(ctx context.Context, before time.Time) (first time.Time, ok bool, err error) {
	var t sql.NullTime
	if err := db.x.GetContext(ctx, &t, `SELECT min(observed_at) FROM sightings WHERE observed_at < $1`, before); err != nil {
		return time.Time{}, false, err
	}
	return t.Time, t.Valid, nil
}

// CellStep is one cell's sightings with one handling code in one time step.
type CellStep struct {
	Cell      h3.Cell
	Step      int // index of the step: [bounds[Step], bounds[Step+1])
	Handling  int
	Sightings int64
}

// CellSteps counts sightings per cell at res, step and handling code, the steps being the
// intervals between consecutive bounds (ascending). Calendar months at a rollup resolution
// read cell_months; anything else reads sightings.
func (db *DB) CellSteps(ctx context.Context, res int, bounds []time.Time) ([]CellStep, error) {
	if len(bounds) < 2 {
		return nil, nil
	}
	if calendarMonths(bounds) && rollupRes(res) == res {
		return db.cellStepsRollup(ctx, res, bounds)
	}
	rows, err := db.x.QueryContext(ctx, `
		SELECT h3_parent(cell, $1), width_bucket(observed_at, $2::timestamptz[]) - 1, substr(handling_code, 2)::int, count(*)
		FROM sightings WHERE observed_at >= ($2::timestamptz[])[1] AND observed_at < ($2::timestamptz[])[cardinality($2::timestamptz[])]
		GROUP BY 1, 2, 3`, res, pq.Array(bounds))
	if err != nil {
		return nil, fmt.Errorf("cell steps: %w", err)
	}
	defer rows.Close()
	var out []CellStep
	for rows.Next() {
		var c CellStep
		var cell int64
		if err := rows.Scan(&cell, &c.Step, &c.Handling, &c.Sightings); err != nil {
			return nil, err
		}
		c.Cell = h3.Cell(cell)
		out = append(out, c)
	}
	return out, rows.Err()
}

// cellStepsRollup is CellSteps from cell_months: the slots "handling ≤ h, any reliability"
// are cumulative, so each code's count is the difference of consecutive slots.
func (db *DB) cellStepsRollup(ctx context.Context, res int, bounds []time.Time) ([]CellStep, error) {
	var cols []string
	for h := range domain.Clearances() {
		cols = append(cols, fmt.Sprintf("sum(n[%d])::bigint", rollupSlot(h, "")))
	}
	rows, err := db.x.QueryContext(ctx, `
		SELECT cell, width_bucket(month::timestamp AT TIME ZONE 'UTC', $2::timestamptz[]) - 1, `+strings.Join(cols, ", ")+`
		FROM cell_months WHERE res = $1 AND month >= (($2::timestamptz[])[1] AT TIME ZONE 'UTC')::date
		  AND month < (($2::timestamptz[])[cardinality($2::timestamptz[])] AT TIME ZONE 'UTC')::date
		GROUP BY 1, 2`, res, pq.Array(bounds))
	if err != nil {
		return nil, fmt.Errorf("cell steps: %w", err)
	}
	defer rows.Close()
	var out []CellStep
	for rows.Next() {
		var cell int64
		var step int
		var cum [domain.Levels]int64
		if err := rows.Scan(&cell, &step, &cum[0], &cum[1], &cum[2], &cum[3]); err != nil {
			return nil, err
		}
		prev := int64(0)
		for h, n := range cum {
			if n > prev {
				out = append(out, CellStep{Cell: h3.Cell(cell), Step: step, Handling: h, Sightings: n - prev})
			}
			prev = n
		}
	}
	return out, rows.Err()
}

// calendarMonths reports whether bounds are consecutive first instants of UTC months.
func calendarMonths(bounds []time.Time) bool {
	for i, b := range bounds {
		if !domain.IsMonthStart(b) || (i > 0 && !bounds[i-1].AddDate(0, 1, 0).Equal(b)) {
			return false
		}
	}
	return true
}

// LabelDestination is a route label seen in a period with its most frequent destination
// country ("" when none is known).
type LabelDestination struct {
	Label       string `db:"label"`
	Destination string `db:"destination"`
}

// RouteLabels lists the route labels observed in p, each with its most frequent known
// destination (” when none is known; ties go to the first in order), counted over the
// whole UTC months p touches (route_months); a period inside one month reads sightings.
func (db *DB) RouteLabels(ctx context.Context, p domain.Period) ([]LabelDestination, error) {
	// Rows (route_label, destination, sightings) of the labels seen in p.
	rows := `WITH m AS (
		  SELECT route_label, destination, sightings, ` + routeMonthsSeen + ` AS seen FROM route_months
		  WHERE route_label <> '' AND ` + routeMonthsTouched + `)
		SELECT route_label, destination, sightings FROM m WHERE route_label IN (SELECT route_label FROM m WHERE seen)`
	if oneMonth(p) {
		rows = `SELECT route_label, coalesce(destination_country, '') AS destination, 1 AS sightings FROM sightings
			WHERE route_label IS NOT NULL AND observed_at >= $1 AND observed_at < $2`
	}
	var out []LabelDestination
	if err := db.x.SelectContext(ctx, &out, `
		SELECT DISTINCT ON (route_label) route_label AS label, destination FROM (
		  SELECT route_label, destination, sum(sightings) AS n FROM (`+rows+`) r GROUP BY 1, 2) d
		ORDER BY route_label, destination = '', n DESC, destination`, p.From, p.To); err != nil {
		return nil, fmt.Errorf("route labels: %w", err)
	}
	return out, nil
}

// LatestRunAsOf is the newest completed run of kind that saw no data observed at or after
// asOf: a run replayed with an as_of no later than asOf, or, when asOf is zero, any run.
// It is 0 when there is none.
func (db *DB) LatestRunAsOf(ctx context.Context, kind string, asOf time.Time) (int64, error) {
	if asOf.IsZero() {
		return db.LatestRun(ctx, kind)
	}
	var id int64
	err := db.x.GetContext(ctx, &id, `
		SELECT coalesce(max(id), 0) FROM job_runs WHERE kind = $1 AND status = 'completed'
		  AND (params ->> 'as_of')::timestamptz <= $2`, kind, asOf)
	return id, err
}

// EmergingUnitStates maps "clearance/kind/key" of every emerging unit to its first detection
// (nil when never detected).
func (db *DB) EmergingUnitStates(ctx context.Context) (map[string]*time.Time, error) {
	rows, err := db.x.QueryContext(ctx, `SELECT clearance, unit_kind, unit_key, first_detected_at FROM emerging_units`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*time.Time{}
	for rows.Next() {
		var c int
		var kind, key string
		var first *time.Time
		if err := rows.Scan(&c, &kind, &key, &first); err != nil {
			return nil, err
		}
		out[UnitStateKey(c, kind, key)] = first
	}
	return out, rows.Err()
}

// UnitStateKey is the key of EmergingUnitStates.
func UnitStateKey(clearance int, kind, key string) string {
	return fmt.Sprintf("%d/%s/%s", clearance, kind, key)
}

// WindowCount is the number of sightings in one step with one handling code, cell, route
// label and reporting channel.
type WindowCount struct {
	Step     int // index of the step: [bounds[Step], bounds[Step+1])
	Handling int
	Cell     h3.Cell // at the resolution asked for
	Label    string  // "" when unknown
	Channel  string  // coalesce(channel, source)
	N        int64
}

// WindowCounts streams to fn the sightings of the steps between consecutive bounds
// (ascending), counted per step, handling code, cell at res, route label and channel: what
// rate comparisons need, grouped in PostgreSQL rather than sent row by row.
func (db *DB) WindowCounts(ctx context.Context, res int, bounds []time.Time, fn func(WindowCount)) error {
	if len(bounds) < 2 {
		return nil
	}
	rows, err := db.x.QueryContext(ctx, `
		SELECT width_bucket(observed_at, $2::timestamptz[]) - 1, substr(handling_code, 2)::int, h3_parent(cell, $1),
		       coalesce(route_label, ''), coalesce(channel, source), count(*)
		FROM sightings WHERE observed_at >= ($2::timestamptz[])[1] AND observed_at < ($2::timestamptz[])[cardinality($2::timestamptz[])]
		GROUP BY 1, 2, 3, 4, 5`, res, pq.Array(bounds))
	if err != nil {
		return fmt.Errorf("window counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c WindowCount
		var cell int64
		if err := rows.Scan(&c.Step, &c.Handling, &cell, &c.Label, &c.Channel, &c.N); err != nil {
			return err
		}
		c.Cell = h3.Cell(cell)
		fn(c)
	}
	return rows.Err()
}
