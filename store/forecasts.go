package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/lib/pq"
)

// UnitForecast is one route label's, corridor's or cell's forecast in a forecasts run, at one
// clearance level: its observed months, the months forecast after them, and the skill its
// forecasts had in a rolling-origin backtest of that history (migration 00016).
type UnitForecast struct {
	Clearance int    `db:"clearance"`
	UnitKind  string `db:"unit_kind"` // "label", "corridor" or "cell"
	UnitKey   string `db:"unit_key"`
	Label     string `db:"label"`
	Months    int    `db:"months"`  // observed months fitted
	Origins   int    `db:"origins"` // backtest origins
	Points    int    `db:"points"`  // backtest forecasts scored
	// MASE and NaiveMASE: the backtest's mean absolute scaled errors of the model and of the
	// seasonal-naive forecast (nil when undefined); Cover80/95 the shares of held-back months
	// inside the intervals.
	MASE      *float64 `db:"mase"`
	NaiveMASE *float64 `db:"naive_mase"`
	Cover80   *float64 `db:"cover80"`
	Cover95   *float64 `db:"cover95"`
	// Calibration is the factor the unit's own backtest errors set on its predictive
	// variances; Calibrated80/95 the coverage of the calibrated intervals out of sample.
	Calibration  float64  `db:"calibration"`
	Calibrated80 *float64 `db:"calibrated80"`
	Calibrated95 *float64 `db:"calibrated95"`
	Steps        []ForecastStep
}

// ForecastStep is one month of a unit's forecast: observed (Step < 0, Observed set) or
// forecast (Step > 0: Mean and the intervals set; Naive nil without a season of history).
type ForecastStep struct {
	Step       int       `db:"step"`
	PeriodFrom time.Time `db:"period_from"`
	PeriodTo   time.Time `db:"period_to"`
	Observed   *float64  `db:"observed"`
	Mean       *float64  `db:"mean"`
	Lo80       *float64  `db:"lo80"`
	Hi80       *float64  `db:"hi80"`
	Lo95       *float64  `db:"lo95"`
	Hi95       *float64  `db:"hi95"`
	Naive      *float64  `db:"naive"`
}

// Finite is v as a nullable column: nil for NaN and infinities.
func Finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// CompleteForecastRun writes a forecasts run's units and marks it completed, in one
// transaction (the months by COPY: a run holds some 50 of them per unit and level).
func (db *DB) CompleteForecastRun(ctx context.Context, runID int64, units []UnitForecast) error {
	tx, err := db.x.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	skill, err := tx.PrepareContext(ctx, `COPY forecast_skill (run_id, clearance, unit_kind, unit_key, label,
		months, origins, points, mase, naive_mase, cover80, cover95, calibration, calibrated80, calibrated95) FROM STDIN`)
	if err != nil {
		return fmt.Errorf("forecast_skill: %w", err)
	}
	for _, u := range units {
		if _, err := skill.ExecContext(ctx, runID, u.Clearance, u.UnitKind, u.UnitKey, u.Label,
			u.Months, u.Origins, u.Points, u.MASE, u.NaiveMASE, u.Cover80, u.Cover95, u.Calibration, u.Calibrated80, u.Calibrated95); err != nil {
			return fmt.Errorf("forecast_skill %s %s: %w", u.UnitKind, u.UnitKey, err)
		}
	}
	if _, err := skill.ExecContext(ctx); err != nil {
		return fmt.Errorf("forecast_skill: %w", err)
	}
	steps, err := tx.PrepareContext(ctx, `COPY forecasts (run_id, clearance, unit_kind, unit_key, step,
		period_from, period_to, observed, mean, lo80, hi80, lo95, hi95, naive) FROM STDIN`)
	if err != nil {
		return fmt.Errorf("forecasts: %w", err)
	}
	for _, u := range units {
		for _, s := range u.Steps {
			if _, err := steps.ExecContext(ctx, runID, u.Clearance, u.UnitKind, u.UnitKey, s.Step, s.PeriodFrom, s.PeriodTo,
				s.Observed, s.Mean, s.Lo80, s.Hi80, s.Lo95, s.Hi95, s.Naive); err != nil {
				return fmt.Errorf("forecasts %s %s step %d: %w", u.UnitKind, u.UnitKey, s.Step, err)
			}
		}
	}
	if _, err := steps.ExecContext(ctx); err != nil {
		return fmt.Errorf("forecasts: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE job_runs SET status = 'completed', finished_at = now(), rows = $2 WHERE id = $1`, runID, len(units)); err != nil {
		return err
	}
	return tx.Commit()
}

// Forecasts lists a forecasts run's units at clearance, with their months: those of kind
// ("" any) whose key is one of keys (nil: any), by kind and key.
func (db *DB) Forecasts(ctx context.Context, runID int64, clearance int, kind string, keys []string) ([]UnitForecast, error) {
	var units []UnitForecast
	err := db.x.SelectContext(ctx, &units, `
		SELECT clearance, unit_kind, unit_key, label, months, origins, points, mase, naive_mase, cover80, cover95,
		       calibration, calibrated80, calibrated95
		FROM forecast_skill
		WHERE run_id = $1 AND clearance = $2 AND ($3 = '' OR unit_kind = $3) AND ($4::text[] IS NULL OR unit_key = ANY($4))
		ORDER BY unit_kind COLLATE "C", unit_key COLLATE "C"`, runID, clearance, kind, pq.Array(keys))
	if err != nil || len(units) == 0 {
		return units, err
	}
	var steps []struct {
		UnitKind string `db:"unit_kind"`
		UnitKey  string `db:"unit_key"`
		ForecastStep
	}
	err = db.x.SelectContext(ctx, &steps, `
		SELECT unit_kind, unit_key, step, period_from, period_to, observed, mean, lo80, hi80, lo95, hi95, naive
		FROM forecasts
		WHERE run_id = $1 AND clearance = $2 AND ($3 = '' OR unit_kind = $3) AND ($4::text[] IS NULL OR unit_key = ANY($4))
		ORDER BY unit_kind COLLATE "C", unit_key COLLATE "C", step`, runID, clearance, kind, pq.Array(keys))
	if err != nil {
		return nil, err
	}
	i := 0
	for _, s := range steps { // both sorted by kind and key: a merge
		for i < len(units) && (units[i].UnitKind < s.UnitKind || (units[i].UnitKind == s.UnitKind && units[i].UnitKey < s.UnitKey)) {
			i++
		}
		if i < len(units) && units[i].UnitKind == s.UnitKind && units[i].UnitKey == s.UnitKey {
			units[i].Steps = append(units[i].Steps, s.ForecastStep)
		}
	}
	return units, nil
}
