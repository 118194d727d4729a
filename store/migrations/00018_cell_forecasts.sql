-- +goose Up
-- The forecasts job forecasts H3 cells too (res 3 and 4, unit_key the cell's index in hex;
-- jobs/forecasts_cells.go).
ALTER TABLE forecasts DROP CONSTRAINT forecasts_unit_kind_check,
  ADD CONSTRAINT forecasts_unit_kind_check CHECK (unit_kind IN ('label', 'corridor', 'cell'));
ALTER TABLE forecast_skill DROP CONSTRAINT forecast_skill_unit_kind_check,
  ADD CONSTRAINT forecast_skill_unit_kind_check CHECK (unit_kind IN ('label', 'corridor', 'cell'));

-- +goose Down
DELETE FROM forecasts WHERE unit_kind = 'cell';
DELETE FROM forecast_skill WHERE unit_kind = 'cell';
ALTER TABLE forecasts DROP CONSTRAINT forecasts_unit_kind_check,
  ADD CONSTRAINT forecasts_unit_kind_check CHECK (unit_kind IN ('label', 'corridor'));
ALTER TABLE forecast_skill DROP CONSTRAINT forecast_skill_unit_kind_check,
  ADD CONSTRAINT forecast_skill_unit_kind_check CHECK (unit_kind IN ('label', 'corridor'));
