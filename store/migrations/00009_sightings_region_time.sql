-- +goose Up
-- Raw queries find a bbox's sightings by their resolution-3 cell and time (store.rawBBox):
-- one index range per res-3 cell of the bbox, read in the order ingest inserts rows (by
-- res-3 cell, then time). The GiST index on geom served that before; for large bboxes the
-- planner combined it with the time index and spent most of a query in it.
-- The bench and demo databases of earlier versions may already have it (docs/OPERATIONS.md).
CREATE INDEX IF NOT EXISTS sightings_cell3_time ON sightings (h3_parent(cell, 3), observed_at);
ANALYZE sightings;

-- +goose Down
DROP INDEX IF EXISTS sightings_cell3_time;
