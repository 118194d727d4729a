-- +goose Up
-- No query reads sightings through the GiST index on geom any more: raw bbox scans go
-- through the resolution-3 cell index (migration 9), and GiST maintenance was the largest
-- single cost of inserting a sighting. geom stays (coordinates CHECKs, exports, ad hoc
-- PostGIS queries, which can create their own index).
DROP INDEX IF EXISTS sightings_geom;

-- +goose Down
CREATE INDEX IF NOT EXISTS sightings_geom ON sightings USING gist (geom);
