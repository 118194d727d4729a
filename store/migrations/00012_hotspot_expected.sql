-- +goose Up
-- The hot spot job compares each cell with its own expectation (season and trend, fitted on
-- its history): the final step's expected count, beside its observed final_count. NULL for
-- runs made before the expectation model.
ALTER TABLE hotspots ADD COLUMN final_expected double precision;

-- +goose Down
ALTER TABLE hotspots DROP COLUMN final_expected;
