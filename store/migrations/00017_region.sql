-- +goose Up
-- region: the resolution-3 H3 parent of a row's cell (about 12,400 km²), on every large table,
-- so they can be distributed by it on Citus (docs/SCALING.md) and a read can name the regions
-- it needs. It is a function of the cell, so adding it to a primary key keeps the key's
-- meaning; the ingest transaction sets it (store/ingest_commit.go, store/flows.go).
-- Every table gets it on a single node too: one schema, one set of queries.
ALTER TABLE sightings ADD COLUMN region bigint;
UPDATE sightings SET region = h3_parent(cell, 3);
ALTER TABLE sightings ALTER COLUMN region SET NOT NULL;

-- sighting_keys: every (source, external_id) stored. The ingest's duplicate decision moves
-- here from the unique constraint on sightings, which a table distributed by region cannot
-- keep (a unique constraint there must contain the distribution column).
CREATE TABLE sighting_keys (
  source      text NOT NULL,
  external_id text NOT NULL,
  PRIMARY KEY (source, external_id)
);
INSERT INTO sighting_keys SELECT source, external_id FROM sightings;
ALTER TABLE sightings DROP CONSTRAINT sightings_source_external_id_key;

ALTER TABLE cell_months ADD COLUMN region bigint;
UPDATE cell_months SET region = h3_parent(cell, 3);
ALTER TABLE cell_months ALTER COLUMN region SET NOT NULL,
  DROP CONSTRAINT cell_months_pkey, ADD PRIMARY KEY (res, cell, month, mode, region);

ALTER TABLE cell_dims ADD COLUMN region bigint;
UPDATE cell_dims SET region = h3_parent(cell, 3);
ALTER TABLE cell_dims ALTER COLUMN region SET NOT NULL,
  DROP CONSTRAINT cell_dims_pkey, ADD PRIMARY KEY (month, cell, handling, dim, value, region);

ALTER TABLE flow_months ADD COLUMN region bigint;
UPDATE flow_months SET region = h3_parent(from_cell, 3);
ALTER TABLE flow_months ALTER COLUMN region SET NOT NULL,
  DROP CONSTRAINT flow_months_pkey, ADD PRIMARY KEY (res, month, from_cell, to_cell, handling, region);

ALTER TABLE journey_legs ADD COLUMN region bigint;
UPDATE journey_legs SET region = h3_parent(from_cell, 3);
ALTER TABLE journey_legs ALTER COLUMN region SET NOT NULL,
  DROP CONSTRAINT journey_legs_pkey, ADD PRIMARY KEY (journey_id, seq, region);

-- On Citus (the database has the citus extension): the large tables are distributed by
-- region and co-located, so a rollup row and the sightings behind it share a shard; the
-- tables they join with are replicated to every node; the rest (keys, sessions, audit, job
-- runs and results, sighting_keys, route_months, filter_values) stay on the coordinator.
-- +goose StatementBegin
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  ALTER TABLE sightings DROP CONSTRAINT sightings_pkey, ADD PRIMARY KEY (id, region);
  PERFORM create_reference_table('transport_modes');
  PERFORM create_reference_table('modus_operandi');
  PERFORM create_reference_table('cells');
  PERFORM create_distributed_table('sightings', 'region');
  PERFORM create_distributed_table('cell_months', 'region', colocate_with => 'sightings');
  PERFORM create_distributed_table('cell_dims', 'region', colocate_with => 'sightings');
  PERFORM create_distributed_table('flow_months', 'region', colocate_with => 'sightings');
  PERFORM create_distributed_table('journey_legs', 'region', colocate_with => 'sightings');
END
$$;
-- +goose StatementEnd

-- +goose Down
-- On Citus the tables come back to the coordinator first (undistribute_table moves their rows).
-- +goose StatementBegin
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  -- One connection per worker: several undistributions in one transaction need it.
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM undistribute_table('journey_legs');
  PERFORM undistribute_table('flow_months');
  PERFORM undistribute_table('cell_dims');
  PERFORM undistribute_table('cell_months');
  PERFORM undistribute_table('sightings', cascade_via_foreign_keys => true); -- and transport_modes
  PERFORM undistribute_table('cells');
  PERFORM undistribute_table('modus_operandi');
  ALTER TABLE sightings DROP CONSTRAINT sightings_pkey, ADD PRIMARY KEY (id);
END
$$;
-- +goose StatementEnd
ALTER TABLE journey_legs DROP CONSTRAINT journey_legs_pkey, ADD PRIMARY KEY (journey_id, seq), DROP COLUMN region;
ALTER TABLE flow_months DROP CONSTRAINT flow_months_pkey, ADD PRIMARY KEY (res, month, from_cell, to_cell, handling), DROP COLUMN region;
ALTER TABLE cell_dims DROP CONSTRAINT cell_dims_pkey, ADD PRIMARY KEY (month, cell, handling, dim, value), DROP COLUMN region;
ALTER TABLE cell_months DROP CONSTRAINT cell_months_pkey, ADD PRIMARY KEY (res, cell, month, mode), DROP COLUMN region;
ALTER TABLE sightings ADD CONSTRAINT sightings_source_external_id_key UNIQUE (source, external_id);
DROP TABLE sighting_keys;
ALTER TABLE sightings DROP COLUMN region;
