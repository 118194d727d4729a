-- +goose Up
-- The emerging-routes job compares each unit's recent window with its own expectation
-- (season and trend, fitted on its monthly history): the recent window's expected count,
-- beside its observed recent_count. NULL for runs made before the expectation model, and for
-- units tested without it (a baseline shorter than a seasonal cycle).
ALTER TABLE emerging_routes ADD COLUMN recent_expected double precision;

-- +goose Down
ALTER TABLE emerging_routes DROP COLUMN recent_expected;
