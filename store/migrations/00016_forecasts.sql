-- +goose Up
-- The forecasts job (docs/METHODS-EXPECTATION.md, "Forecasts"): per clearance level, every
-- route label and corridor with enough monthly history gets its observed months and the
-- forecast of the months after the run's reference time, with 80% and 95% prediction
-- intervals and the seasonal-naive forecast beside them (forecasts), and how good its
-- forecasts have been in a rolling-origin backtest of its own history (forecast_skill); the
-- intervals are calibrated on that backtest's errors.
-- step < 0: an observed month (−1 the last before the reference time); step > 0: a
-- forecast month (1 the first after it).
CREATE TABLE forecasts (
  run_id      bigint      NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
  clearance   smallint    NOT NULL CHECK (clearance BETWEEN 0 AND 3),
  unit_kind   text        NOT NULL CHECK (unit_kind IN ('label', 'corridor')),
  unit_key    text        NOT NULL,
  step        smallint    NOT NULL CHECK (step <> 0),
  period_from timestamptz NOT NULL,
  period_to   timestamptz NOT NULL,
  observed    float8,     -- observed months only
  mean        float8,     -- forecast months only, and the rest of the row with it
  lo80        float8,
  hi80        float8,
  lo95        float8,
  hi95        float8,
  naive       float8,     -- NULL where the history is shorter than a season
  PRIMARY KEY (run_id, clearance, unit_kind, unit_key, step),
  CHECK ((step < 0) = (observed IS NOT NULL) AND (step > 0) = (mean IS NOT NULL))
);

CREATE TABLE forecast_skill (
  run_id     bigint   NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
  clearance  smallint NOT NULL CHECK (clearance BETWEEN 0 AND 3),
  unit_kind  text     NOT NULL CHECK (unit_kind IN ('label', 'corridor')),
  unit_key   text     NOT NULL,
  label      text     NOT NULL,
  months     integer  NOT NULL, -- observed months the forecast is fitted on
  origins    integer  NOT NULL, -- backtest origins
  points     integer  NOT NULL, -- backtest forecasts scored
  mase       float8,            -- NULL when undefined (no seasonal lag, or no error to scale by)
  naive_mase float8,
  cover80    float8,            -- coverage of the level's intervals
  cover95    float8,
  calibration  float8 NOT NULL, -- the factor the unit's own backtest errors set on its predictive variances
  calibrated80 float8,          -- coverage of the calibrated intervals, each origin calibrated on earlier errors only
  calibrated95 float8,
  PRIMARY KEY (run_id, clearance, unit_kind, unit_key)
);

-- +goose Down
DROP TABLE forecast_skill;
DROP TABLE forecasts;
