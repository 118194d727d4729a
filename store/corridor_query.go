package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/errs"
)

const corridorColumns = `id, run_id, kind, label, res, ST_AsBinary(centerline), ST_AsBinary(outline), cells, entry_cells, exit_cells,
	legs, journeys, persons, sightings, first_seen, last_seen, top_modes, top_mo, top_nationalities, trend, status,
	period_from, period_to`

// Corridors lists the corridors of one run (the latest completed by default) that match q,
// by legs descending, with the number matched before Limit/Offset.
func (db *DB) Corridors(ctx context.Context, q CorridorQuery) ([]Corridor, int64, error) {
	run := q.RunID
	if run == 0 {
		var err error
		if run, err = db.LatestRun(ctx, string(domain.JobCorridors)); err != nil {
			return nil, 0, err
		}
	}
	var ps params
	conds := []string{ps.bind("run_id = ?", run), ps.bind("clearance = ?", q.MaxHandling),
		ps.bind("greatest(legs, sightings) >= ?", q.MinVolume), ps.bind("sightings >= ?", q.MinSightings)}
	if len(q.Status) > 0 {
		conds = append(conds, ps.bind("status = ANY(?)", pq.Array(q.Status)))
	}
	if q.BBox != nil {
		var boxes []string
		for _, b := range q.BBox.Split() {
			boxes = append(boxes, ps.bind("ST_Intersects(outline, ST_MakeEnvelope(?, ?, ?, ?, 4326))", b.West, b.South, b.East, b.North))
		}
		conds = append(conds, "("+strings.Join(boxes, " OR ")+")")
	}
	if q.Filter != nil {
		conds = append(conds, ps.bind(q.Filter.SQL, q.Filter.Args...))
	}
	where := and(conds)
	var total int64
	if err := db.x.GetContext(ctx, &total, `SELECT count(*) FROM corridors WHERE `+where, ps.args...); err != nil {
		return nil, 0, fmt.Errorf("corridors: %w", err)
	}
	sqlq := `SELECT ` + corridorColumns + ` FROM corridors WHERE ` + where + ` ORDER BY greatest(legs, sightings) DESC, id`
	if q.Limit > 0 {
		sqlq += ps.bind(" LIMIT ?", q.Limit)
	}
	if q.Offset > 0 {
		sqlq += ps.bind(" OFFSET ?", q.Offset)
	}
	rows, err := db.x.QueryContext(ctx, sqlq, ps.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("corridors: %w", err)
	}
	defer rows.Close()
	var out []Corridor
	for rows.Next() {
		c, err := scanCorridor(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *c)
	}
	return out, total, rows.Err()
}

// Corridor returns one corridor of the latest completed run as the clearance level sees it,
// or an errs.NotFound error (also for a corridor only a higher clearance has).
func (db *DB) Corridor(ctx context.Context, id int64, maxHandling int) (*Corridor, error) {
	run, err := db.LatestRun(ctx, string(domain.JobCorridors))
	if err != nil {
		return nil, err
	}
	row := db.x.QueryRowContext(ctx, `SELECT `+corridorColumns+` FROM corridors WHERE run_id = $1 AND id = $2 AND clearance = $3`,
		run, id, maxHandling)
	c, err := scanCorridor(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "id", "no corridor %d in the latest corridor run", id)
	}
	return c, err
}

type scanner interface{ Scan(dest ...any) error }

func scanCorridor(r scanner) (*Corridor, error) {
	var c Corridor
	var centre, outline []byte
	var cells, entry, exit pq.Int64Array
	var first, last *time.Time
	var tm, tmo, tn []byte
	if err := r.Scan(&c.ID, &c.RunID, &c.Kind, &c.Label, &c.Res, &centre, &outline,
		&cells, &entry, &exit, &c.Legs, &c.Journeys, &c.Persons, &c.Sightings, &first, &last, &tm, &tmo, &tn,
		&c.Trend, &c.Status, &c.Period.From, &c.Period.To); err != nil {
		return nil, err
	}
	if centre != nil {
		g, err := wkb.Unmarshal(centre)
		if err != nil {
			return nil, fmt.Errorf("corridor %d centerline: %w", c.ID, err)
		}
		c.Centerline, _ = g.(orb.LineString)
	}
	if outline != nil {
		g, err := wkb.Unmarshal(outline)
		if err != nil {
			return nil, fmt.Errorf("corridor %d outline: %w", c.ID, err)
		}
		c.Outline, _ = g.(orb.MultiPolygon)
	}
	c.Cells, c.Entry, c.Exit = toCells(cells), toCells(entry), toCells(exit)
	if first != nil {
		c.FirstSeen = *first
	}
	if last != nil {
		c.LastSeen = *last
	}
	for _, x := range []struct {
		raw []byte
		dst *[]ValueCount
	}{{tm, &c.TopModes}, {tmo, &c.TopMO}, {tn, &c.TopNations}} {
		if err := json.Unmarshal(x.raw, x.dst); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

func toCells(a pq.Int64Array) []h3.Cell {
	out := make([]h3.Cell, len(a))
	for i, v := range a {
		out[i] = h3.Cell(v)
	}
	return out
}

// Flows lists the flow edges at the area's resolution (one of FlowResolutions) in the whole
// months of p, visible to f.MaxHandling, whose start or end cell centre lies in the bbox,
// by legs descending. Flows carry no other filter dimension yet.
func (db *DB) Flows(ctx context.Context, a domain.Area, p domain.Period, f domain.Filters) ([]Flow, error) {
	if !slices.Contains(FlowResolutions, a.Res) {
		return nil, errs.E(errs.Invalid, "res", "flows exist at resolutions %v, not %d", FlowResolutions, a.Res)
	}
	if len(filterDims(f)) > 0 {
		return nil, errs.E(errs.Invalid, "filters", "flows cannot be filtered by mode, modus operandi, nationality, route, source or reliability yet")
	}
	edges, err := db.FlowEdges(ctx, a.Res, p, int(f.MaxHandling))
	if err != nil {
		return nil, err
	}
	out := edges[:0]
	for _, e := range edges {
		if centreIn(e.From, a.BBox) || centreIn(e.To, a.BBox) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(x, y Flow) int {
		return cmp.Or(cmp.Compare(y.Legs, x.Legs), cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To))
	})
	return out, nil
}

// CellsMonthly is the monthly series of sightings in a set of cells at res (≤ 6), from the
// month rollups, visible to maxHandling.
func (db *DB) CellsMonthly(ctx context.Context, res int, cells []h3.Cell, maxHandling int) ([]Bucket, error) {
	from := rollupRes(res)
	if ChoosePlan(Query{Area: domain.Area{Res: res}, Bucket: "month"}) != PlanRollup { // all months
		return nil, errs.E(errs.Invalid, "res", "monthly series exist up to resolution %d", RollupResolutions[len(RollupResolutions)-1])
	}
	rows, err := db.x.QueryContext(ctx, `
		SELECT month, sum(n[$4])::bigint, sum(p[$4])::bigint FROM cell_months
		WHERE res = $1 AND h3_parent(cell, $2) = ANY($3)
		GROUP BY 1 HAVING sum(n[$4]) > 0 ORDER BY 1`, from, res, cellArray(cells), rollupSlot(domain.Clearance(maxHandling), ""))
	if err != nil {
		return nil, fmt.Errorf("corridor series: %w", err)
	}
	defer rows.Close()
	var out []Bucket
	for rows.Next() {
		var b Bucket
		if err := rows.Scan(&b.Start, &b.Sightings, &b.Persons); err != nil {
			return nil, err
		}
		b.Start = time.Date(b.Start.Year(), b.Start.Month(), 1, 0, 0, 0, 0, time.UTC)
		out = append(out, b)
	}
	return out, rows.Err()
}
