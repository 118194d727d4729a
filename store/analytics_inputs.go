package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lib/pq"
	"github.com/uber/h3-go/v4"
)

// The analytics inputs are counted per handling code (0..3 for H0..H3) so that a job can
// compute its results for every clearance level from one scan: level L sums the rows with
// Handling <= L.

// AnalyticsUnits are the units an analytics job tests: route labels, then groups of cells
// at Res (corridors). Unit k is Labels[k] for k < len(Labels), else Cells[k−len(Labels)].
// A cell may belong to several groups; each counts its own sightings.
type AnalyticsUnits struct {
	Labels []string
	Cells  [][]h3.Cell
	Res    int
}

// Len is the number of units.
func (u AnalyticsUnits) Len() int { return len(u.Labels) + len(u.Cells) }

// unitArgs flattens the units into the four arrays unitSightingsSQL takes.
func (u AnalyticsUnits) unitArgs() []any {
	lk := make(pq.Int64Array, len(u.Labels))
	for i := range u.Labels {
		lk[i] = int64(i)
	}
	var ck, cells pq.Int64Array
	for j, g := range u.Cells {
		for _, c := range g {
			ck = append(ck, int64(len(u.Labels)+j))
			cells = append(cells, int64(c))
		}
	}
	return []any{lk, pq.Array(u.Labels), ck, cells, u.Res}
}

// unitSightingsSQL is a CTE list ending in m(k, bk, ...): the sightings observed in
// [bounds[0], bounds[last]) with their unit k and bucket bk (0-based; bucket i is
// [bounds[i], bounds[i+1])). $1..$5 are unitArgs, $6 the bounds.
const unitSightingsSQL = `
	lu AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS t(k, label)),
	cu AS (SELECT * FROM unnest($3::bigint[], $4::bigint[]) AS t(k, cell)),
	b AS MATERIALIZED (
	  SELECT width_bucket(observed_at, $6::timestamptz[]) - 1 AS bk, substr(handling_code, 2)::int AS h,
	         h3_parent(cell, $5) AS pc, route_label, source,
	         transport_mode, modus_operandi, nationalities, persons, attributes
	  FROM sightings WHERE observed_at >= ($6::timestamptz[])[1] AND observed_at < ($6::timestamptz[])[cardinality($6::timestamptz[])]),
	m AS MATERIALIZED (
	  SELECT lu.k, b.* FROM b JOIN lu ON lu.label = b.route_label
	  UNION ALL SELECT cu.k, b.* FROM b JOIN cu ON cu.cell = b.pc)`

// UnitCount is a unit's sightings from one source with one handling code in one bucket.
type UnitCount struct {
	Unit, Bucket, Handling int
	Source                 string
	Sightings              int64
}

// UnitSourceCounts counts each unit's sightings per bucket and source. bounds are the
// ascending bucket boundaries (at least two); sightings outside them are not counted.
func (db *DB) UnitSourceCounts(ctx context.Context, u AnalyticsUnits, bounds []time.Time) ([]UnitCount, error) {
	if u.Len() == 0 || len(bounds) < 2 {
		return nil, nil
	}
	args := append(u.unitArgs(), pq.Array(bounds))
	rows, err := db.x.QueryContext(ctx, `WITH `+unitSightingsSQL+`
		SELECT k, bk, h, source, count(*) FROM m GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`, args...)
	if err != nil {
		return nil, fmt.Errorf("unit counts: %w", err)
	}
	defer rows.Close()
	var out []UnitCount
	for rows.Next() {
		var c UnitCount
		if err := rows.Scan(&c.Unit, &c.Bucket, &c.Handling, &c.Source, &c.Sightings); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CategoryCount is the number of a unit's sightings from one source with one handling
// code in one bucket that carry Value in dimension Dim. A row with Known set counts the
// sightings with any known value of Dim (the denominator of multi-valued dimensions); its
// Value is empty.
type CategoryCount struct {
	Unit, Bucket, Handling int
	Source                 string
	Dim, Value             string
	Known                  bool
	Sightings              int64
}

// Dimensions the modus-operandi shift job breaks sightings down by; categorical profile
// attributes come on top, named as in the profile.
const (
	DimTransportMode = "transport_mode"
	DimModusOperandi = "modus_operandi"
	DimNationalities = "nationalities"
	DimGroupSize     = "group_size"
)

// UnitCategoryCounts counts each unit's sightings per bucket, source and category of
// transport_mode, modus_operandi, nationalities, group size band (1, 2-5, 6-20, 21-50, 51+
// persons) and each attribute in attrs (string values, or every element of an array).
func (db *DB) UnitCategoryCounts(ctx context.Context, u AnalyticsUnits, bounds []time.Time, attrs []string) ([]CategoryCount, error) {
	if u.Len() == 0 || len(bounds) < 2 {
		return nil, nil
	}
	args := append(u.unitArgs(), pq.Array(bounds), pq.Array(attrs))
	rows, err := db.x.QueryContext(ctx, `WITH `+unitSightingsSQL+`,
	v AS (
	  SELECT k, bk, h, source, 'transport_mode' AS dim, transport_mode AS val FROM m WHERE transport_mode IS NOT NULL
	  UNION ALL SELECT k, bk, h, source, 'modus_operandi', x FROM m, unnest(m.modus_operandi) x
	  UNION ALL SELECT k, bk, h, source, 'modus_operandi', NULL FROM m WHERE cardinality(modus_operandi) > 0
	  UNION ALL SELECT k, bk, h, source, 'nationalities', x FROM m, unnest(m.nationalities) x
	  UNION ALL SELECT k, bk, h, source, 'nationalities', NULL FROM m WHERE cardinality(nationalities) > 0
	  UNION ALL SELECT k, bk, h, source, 'group_size', CASE WHEN persons <= 1 THEN '1' WHEN persons <= 5 THEN '2-5'
	      WHEN persons <= 20 THEN '6-20' WHEN persons <= 50 THEN '21-50' ELSE '51+' END FROM m WHERE persons IS NOT NULL
	  UNION ALL SELECT k, bk, h, source, a.name, x FROM m, unnest($7::text[]) a(name),
	      jsonb_array_elements_text(CASE jsonb_typeof(m.attributes -> a.name) WHEN 'array' THEN m.attributes -> a.name
	        ELSE jsonb_build_array(m.attributes -> a.name) END) x
	    WHERE jsonb_typeof(m.attributes -> a.name) IN ('array', 'string')
	  UNION ALL SELECT k, bk, h, source, a.name, NULL FROM m, unnest($7::text[]) a(name)
	    WHERE jsonb_typeof(m.attributes -> a.name) IN ('array', 'string'))
	SELECT k, bk, h, source, dim, val, count(*) FROM v GROUP BY 1, 2, 3, 4, 5, 6`, args...)
	if err != nil {
		return nil, fmt.Errorf("unit categories: %w", err)
	}
	defer rows.Close()
	var out []CategoryCount
	for rows.Next() {
		var c CategoryCount
		var val sql.NullString
		if err := rows.Scan(&c.Unit, &c.Bucket, &c.Handling, &c.Source, &c.Dim, &val, &c.Sightings); err != nil {
			return nil, err
		}
		c.Value, c.Known = val.String, !val.Valid
		out = append(out, c)
	}
	return out, rows.Err()
}

// ActiveSources maps each source with a sighting observed in p to the lowest handling code
// among them: the source is active for clearance level L when that code is <= L.
func (db *DB) ActiveSources(ctx context.Context, p Period) (map[string]int, error) {
	rows, err := db.x.QueryContext(ctx, `
		SELECT source, min(substr(handling_code, 2)::int) FROM sightings
		WHERE observed_at >= $1 AND observed_at < $2 GROUP BY 1`, p.From, p.To)
	if err != nil {
		return nil, fmt.Errorf("active sources: %w", err)
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
	Step      time.Time // start of the step (UTC month or ISO week)
	Handling  int
	Sightings int64
}

// CellSteps counts sightings per cell at res and per step ("month" or "week", UTC) over
// p. Whole months at a rollup resolution read cell_months; anything else reads sightings.
func (db *DB) CellSteps(ctx context.Context, res int, step string, p Period) ([]CellStep, error) {
	if step != "month" && step != "week" {
		return nil, fmt.Errorf("cell steps: step %q, want month or week", step)
	}
	query := `
		SELECT h3_parent(cell, $1), date_trunc($4, observed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
		       substr(handling_code, 2)::int, count(*)
		FROM sightings WHERE observed_at >= $2 AND observed_at < $3 GROUP BY 1, 2, 3`
	if step == "month" && p.MonthAligned() && rollupRes(res) == res {
		query = `
			SELECT cell, month::timestamp AT TIME ZONE 'UTC', handling, sum(sightings) FROM cell_months
			WHERE res = $1 AND month >= ($2::timestamptz AT TIME ZONE 'UTC')::date
			  AND month < ($3::timestamptz AT TIME ZONE 'UTC')::date AND $4 <> '' GROUP BY 1, 2, 3`
	}
	rows, err := db.x.QueryContext(ctx, query, res, p.From, p.To, step)
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
		c.Cell, c.Step = h3.Cell(cell), c.Step.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}
