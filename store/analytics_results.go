package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/uber/h3-go/v4"

	"routewatch/errs"
)

// The values of the status and kind columns of the analytics results.
var (
	EmergingStatuses  = []string{"new", "surging", "ongoing", "declining", "stable", "coverage_change"}
	ShiftKinds        = []string{"shift", "none", "coverage_change"}
	DisplacementKinds = []string{"displacement", "coverage_change"}
)

// Hotspot is one cell's emerging hot spot category in a hotspots run (METHODS.md §3–5).
type Hotspot struct {
	Clearance  int     `db:"clearance"`
	Cell       h3.Cell `db:"cell"`
	Res        int     `db:"res"`
	Pattern    string  `db:"pattern"`
	Steps      int     `db:"steps"`
	HotSteps   int     `db:"hot_steps"`
	ColdSteps  int     `db:"cold_steps"`
	Sightings  int64   `db:"sightings"`   // over the whole cube
	FinalCount int64   `db:"final_count"` // in the final step
	// FinalExpected is the cell's expected count in the final step, from its own season and
	// trend (beside FinalCount).
	FinalExpected *float64 `db:"final_expected"`
	FinalZ        float64  `db:"final_z"`
	FinalQ        float64  `db:"final_q"`
	TrendZ        float64  `db:"trend_z"`
	TrendP        float64  `db:"trend_p"`
}

// FindingCoverage says how many sources stand behind a finding and whether a source that
// started or stopped reporting explains it (METHODS.md §9).
type FindingCoverage struct {
	Sources   int     `db:"sources"`
	TopSource string  `db:"top_source"`
	TopShare  float64 `db:"top_share"`
	Note      string  `db:"coverage"` // e.g. "AG-X stopped reporting", when it explains the finding
}

// EmergingRoute is one unit's recent window vs baseline in an emerging-routes run.
type EmergingRoute struct {
	Clearance     int           `db:"clearance"`
	UnitID        int64         `db:"unit_id"` // stable across runs
	UnitKind      string        `db:"unit_kind"`
	UnitKey       string        `db:"unit_key"`
	Label         string        `db:"label"`
	CorridorID    *int64        `db:"corridor_id"`
	CellIDs       pq.Int64Array `db:"cells"`
	Cells         []h3.Cell     `db:"-"`
	Res           int           `db:"res"`
	Status        string        `db:"status"`
	BaselineCount int64         `db:"baseline_count"`
	RecentCount   int64         `db:"recent_count"`
	// RecentExpected is the recent window's expected count, from the unit's own season and
	// trend (nil when the unit was not tested against an expectation).
	RecentExpected  *float64   `db:"recent_expected"`
	BaselineFrom    time.Time  `db:"baseline_from"`
	BaselineTo      time.Time  `db:"baseline_to"`
	RecentFrom      time.Time  `db:"recent_from"`
	RecentTo        time.Time  `db:"recent_to"`
	RateRatio       *float64   `db:"rate_ratio"` // nil when infinite (empty baseline) or undefined
	PUp             float64    `db:"p_up"`
	QUp             float64    `db:"q_up"`
	PDown           float64    `db:"p_down"`
	QDown           float64    `db:"q_down"`
	FirstDetectedAt *time.Time `db:"first_detected_at"`
	FindingCoverage
}

// CategoryStat is one category of a shift test: its counts in A and B and its adjusted
// standardized residual (single-valued) or B−A share difference (multi-valued).
type CategoryStat struct {
	Value    string
	A        int64
	B        int64
	Residual float64
}

// MOShift is one unit's and dimension's period A vs B test in a mo-shift run.
type MOShift struct {
	Clearance  int            `db:"clearance"`
	UnitKind   string         `db:"unit_kind"`
	UnitKey    string         `db:"unit_key"`
	Label      string         `db:"label"`
	CorridorID *int64         `db:"corridor_id"`
	Dimension  string         `db:"dimension"`
	Kind       string         `db:"kind"` // shift, none or coverage_change
	Method     string         `db:"method"`
	SightingsA int64          `db:"sightings_a"`
	SightingsB int64          `db:"sightings_b"`
	AFrom      time.Time      `db:"a_from"`
	ATo        time.Time      `db:"a_to"`
	BFrom      time.Time      `db:"b_from"`
	BTo        time.Time      `db:"b_to"`
	Statistic  float64        `db:"statistic"`
	G          float64        `db:"g"`
	DF         int            `db:"df"`
	P          float64        `db:"p"`
	Q          float64        `db:"q"`
	CramersV   float64        `db:"cramers_v"`
	JSD        float64        `db:"jsd"`
	Rose       pq.StringArray `db:"rose"`
	Fell       pq.StringArray `db:"fell"`
	Categories []CategoryStat `db:"-"`
	CatJSON    string         `db:"categories"`
	ShiftMonth *time.Time     `db:"shift_month"`
	ShiftFrom  *time.Time     `db:"shift_from"`
	ShiftTo    *time.Time     `db:"shift_to"`
	FindingCoverage
}

// Displacement is a pair of units toward one destination where one fell while the other
// rose (METHODS.md §8).
type Displacement struct {
	Clearance        int       `db:"clearance"`
	Destination      string    `db:"destination"`
	UnitKind         string    `db:"unit_kind"`
	Falling          string    `db:"falling"`
	Rising           string    `db:"rising"`
	Kind             string    `db:"kind"` // displacement or coverage_change
	RateRatioFalling float64   `db:"rate_ratio_falling"`
	RateRatioRising  *float64  `db:"rate_ratio_rising"` // nil when infinite
	QFalling         float64   `db:"q_falling"`
	QRising          float64   `db:"q_rising"`
	Correlation      float64   `db:"correlation"`
	BaselineFrom     time.Time `db:"baseline_from"`
	BaselineTo       time.Time `db:"baseline_to"`
	WindowFrom       time.Time `db:"window_from"`
	WindowTo         time.Time `db:"window_to"`
	FindingCoverage
}

const (
	hotspotCols  = `clearance, cell, res, pattern, steps, hot_steps, cold_steps, sightings, final_count, final_expected, final_z, final_q, trend_z, trend_p`
	emergingCols = `clearance, unit_id, unit_kind, unit_key, label, corridor_id, cells, res, status, baseline_count,
		recent_count, recent_expected, baseline_from, baseline_to, recent_from, recent_to, rate_ratio, p_up, q_up, p_down, q_down,
		first_detected_at, sources, top_source, top_share, coverage`
	shiftCols = `clearance, unit_kind, unit_key, label, corridor_id, dimension, kind, method, sightings_a, sightings_b,
		a_from, a_to, b_from, b_to, statistic, g, df, p, q, cramers_v, jsd, rose, fell, categories, shift_month,
		shift_from, shift_to, sources, top_source, top_share, coverage`
	displacementCols = `clearance, destination, unit_kind, falling, rising, kind, rate_ratio_falling, rate_ratio_rising,
		q_falling, q_rising, correlation, baseline_from, baseline_to, window_from, window_to, sources, top_source,
		top_share, coverage`
)

// CompleteHotspotRun writes a hotspots run's rows and marks it completed, in one transaction.
func (db *DB) CompleteHotspotRun(ctx context.Context, runID int64, rows []Hotspot) error {
	return completeRun(ctx, db, runID, "hotspots", hotspotCols, rows, nil)
}

// CompleteEmergingRun gives each row its unit's stable id (recording ref as the unit's
// first detection when the row is new or surging and ref is earlier than what is stored),
// writes the rows and marks the run completed, in one transaction.
func (db *DB) CompleteEmergingRun(ctx context.Context, runID int64, ref time.Time, rows []EmergingRoute) error {
	return completeRun(ctx, db, runID, "emerging_routes", emergingCols, rows, func(tx *sqlx.Tx, e *EmergingRoute) error {
		if e.CellIDs == nil {
			e.CellIDs = pq.Int64Array{}
		}
		var detected any
		if e.Status == "new" || e.Status == "surging" {
			detected = ref
		}
		return tx.QueryRowxContext(ctx, `
			INSERT INTO emerging_units (clearance, unit_kind, unit_key, first_detected_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (clearance, unit_kind, unit_key) DO UPDATE
			  SET first_detected_at = LEAST(emerging_units.first_detected_at, EXCLUDED.first_detected_at)
			RETURNING id, first_detected_at`, e.Clearance, e.UnitKind, e.UnitKey, detected).Scan(&e.UnitID, &e.FirstDetectedAt)
	})
}

// CompleteMOShiftRun writes a mo-shift run's rows and marks it completed, in one transaction.
func (db *DB) CompleteMOShiftRun(ctx context.Context, runID int64, rows []MOShift) error {
	return completeRun(ctx, db, runID, "mo_shifts", shiftCols, rows, func(_ *sqlx.Tx, s *MOShift) error {
		if s.Rose == nil {
			s.Rose = pq.StringArray{}
		}
		if s.Fell == nil {
			s.Fell = pq.StringArray{}
		}
		if s.Categories == nil {
			s.Categories = []CategoryStat{}
		}
		b, err := categoriesJSON(s.Categories)
		s.CatJSON = string(b)
		return err
	})
}

// CompleteDisplacementRun writes a displacement run's rows and marks it completed, in one
// transaction.
func (db *DB) CompleteDisplacementRun(ctx context.Context, runID int64, rows []Displacement) error {
	return completeRun(ctx, db, runID, "displacements", displacementCols, rows, nil)
}

// completeRun inserts rows (after prepare, when set, has filled each one) into table under
// the run and marks the run completed.
func completeRun[T any](ctx context.Context, db *DB, runID int64, table, cols string, rows []T, prepare func(*sqlx.Tx, *T) error) error {
	tx, err := db.x.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insert := fmt.Sprintf(`INSERT INTO %s (run_id, %s) VALUES (%d, :%s)`, table, cols, runID, namedList(cols))
	stmt, err := tx.PrepareNamedContext(ctx, insert)
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	defer stmt.Close()
	for i := range rows {
		if prepare != nil {
			if err := prepare(tx, &rows[i]); err != nil {
				return fmt.Errorf("%s row %d: %w", table, i, err)
			}
		}
		if _, err := stmt.ExecContext(ctx, &rows[i]); err != nil {
			return fmt.Errorf("%s row %d: %w", table, i, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE job_runs SET status = 'completed', finished_at = now(), rows = $2 WHERE id = $1`, runID, len(rows)); err != nil {
		return err
	}
	return tx.Commit()
}

// namedList turns "a, b,\n c" into "a, :b, :c" (the first name gets its colon from the caller).
func namedList(cols string) string {
	var out []byte
	for i := 0; i < len(cols); i++ {
		switch c := cols[i]; c {
		case '\n', '\t':
		case ',':
			out = append(out, ", :"...)
			for i+1 < len(cols) && (cols[i+1] == ' ' || cols[i+1] == '\n' || cols[i+1] == '\t') {
				i++
			}
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

// Hotspots lists a hotspots run's cells visible at clearance, strongest final z first.
func (db *DB) Hotspots(ctx context.Context, runID int64, clearance int) ([]Hotspot, error) {
	return selectRun[Hotspot](ctx, db, hotspotCols, "hotspots", "res, final_z DESC, cell", runID, clearance)
}

// EmergingRoutes lists an emerging-routes run's units at clearance.
func (db *DB) EmergingRoutes(ctx context.Context, runID int64, clearance int) ([]EmergingRoute, error) {
	out, err := selectRun[EmergingRoute](ctx, db, emergingCols, "emerging_routes", "q_up, unit_kind, unit_key", runID, clearance)
	for i := range out {
		for _, c := range out[i].CellIDs {
			out[i].Cells = append(out[i].Cells, h3.Cell(c))
		}
	}
	return out, err
}

// MOShifts lists a mo-shift run's tests at clearance, most significant first.
func (db *DB) MOShifts(ctx context.Context, runID int64, clearance int) ([]MOShift, error) {
	out, err := selectRun[MOShift](ctx, db, shiftCols, "mo_shifts", "q, unit_kind, unit_key, dimension", runID, clearance)
	for i := range out {
		if err == nil {
			err = json.Unmarshal([]byte(out[i].CatJSON), &out[i].Categories)
		}
	}
	return out, err
}

// Displacements lists a displacement run's pairs at clearance.
func (db *DB) Displacements(ctx context.Context, runID int64, clearance int) ([]Displacement, error) {
	return selectRun[Displacement](ctx, db, displacementCols, "displacements", "q_falling, falling, rising", runID, clearance)
}

// selectRun reads cols of table's rows of one run and clearance; table, cols and order are
// constants of this file.
func selectRun[T any](ctx context.Context, db *DB, cols, table, order string, runID int64, clearance int) ([]T, error) {
	out := []T{}
	err := db.x.SelectContext(ctx, &out, `SELECT `+cols+` FROM `+table+` WHERE run_id = $1 AND clearance = $2 ORDER BY `+order, runID, clearance)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", table, err)
	}
	return out, nil
}

// RunByID is one job run; errs.NotFound when there is none with that id.
func (db *DB) RunByID(ctx context.Context, id int64) (*Run, error) {
	var r Run
	err := db.x.GetContext(ctx, &r, `SELECT id, kind, params, status, started_at, finished_at, rows, error FROM job_runs WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "run", "no job run %d", id)
	}
	return &r, err
}
