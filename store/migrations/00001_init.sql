-- +goose Up
-- Created only when missing: on Citus even a CREATE EXTENSION IF NOT EXISTS of an extension
-- that exists needs its owner (scripts/citus.sh creates PostGIS as the superuser).
-- +goose StatementBegin
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis') THEN
    CREATE EXTENSION postgis;
  END IF;
END $$;
-- +goose StatementEnd

-- h3_parent returns the parent of an H3 cell (stored as BIGINT) at resolution res, by bit
-- arithmetic on the index: set the resolution field and mark the digits below res unused (7).
-- Valid for res <= the cell's own resolution.
CREATE FUNCTION h3_parent(cell bigint, res int) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ((cell & ~(15::bigint << 52)) | (res::bigint << 52)) | ((1::bigint << (3 * (15 - res))) - 1)
$$;

CREATE TABLE transport_modes (
  code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  label       text NOT NULL,
  description text NOT NULL DEFAULT ''
);

INSERT INTO transport_modes (code, label) VALUES
  ('foot', 'On foot'), ('car', 'Car'), ('van', 'Van'), ('truck', 'Truck / lorry'),
  ('bus', 'Bus'), ('train', 'Train'), ('air', 'Air'),
  ('boat_rubber', 'Rubber boat'), ('boat_wooden', 'Wooden boat'), ('boat_metal', 'Metal boat'),
  ('fishing_vessel', 'Fishing vessel'), ('cargo_ship', 'Cargo ship');

CREATE TABLE modus_operandi (
  code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  label       text NOT NULL,
  description text NOT NULL DEFAULT ''
);

INSERT INTO modus_operandi (code, label) VALUES
  ('concealment_vehicle', 'Concealment in a vehicle'),
  ('concealment_cargo', 'Concealment in cargo'),
  ('fraudulent_documents', 'Fraudulent documents'),
  ('visa_abuse', 'Visa abuse'),
  ('guided_foot_crossing', 'Guided foot crossing'),
  ('mothership', 'Mothership'),
  ('pushoff_unaccompanied', 'Boat pushed off without a smuggler on board'),
  ('online_recruitment', 'Online recruitment'),
  ('hawala_payment', 'Hawala payment'),
  ('crypto_payment', 'Crypto-asset payment');

CREATE TABLE ingest_batches (
  id            bigserial PRIMARY KEY,
  source        text,
  file_name     text NOT NULL,
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  format        text NOT NULL DEFAULT '',
  profile       text NOT NULL DEFAULT '',
  status        text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'refused')),
  rows_read     bigint NOT NULL DEFAULT 0,
  loaded        bigint NOT NULL DEFAULT 0,
  duplicate     bigint NOT NULL DEFAULT 0,
  rejected      bigint NOT NULL DEFAULT 0,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  error         text NOT NULL DEFAULT '',
  CHECK (status <> 'completed' OR rows_read = loaded + duplicate + rejected)
);
CREATE INDEX ingest_batches_sha256 ON ingest_batches (sha256);

CREATE TABLE ingest_rejects (
  batch_id  bigint NOT NULL REFERENCES ingest_batches (id) ON DELETE CASCADE,
  line      bigint NOT NULL,
  field     text NOT NULL DEFAULT '',
  code      text NOT NULL,
  reason    text NOT NULL,
  raw       text NOT NULL,
  PRIMARY KEY (batch_id, line)
);

CREATE TABLE sightings (
  id                   bigserial PRIMARY KEY,
  source               text NOT NULL CHECK (source <> ''),
  external_id          text NOT NULL CHECK (external_id <> ''),
  observed_at          timestamptz NOT NULL,
  geom                 geometry(Point, 4326) NOT NULL,
  location_precision_m integer CHECK (location_precision_m >= 0),
  cell                 bigint NOT NULL, -- H3 cell at resolution 10 (the finest stored)
  journey_id           text,
  route_label          text,
  origin_country       char(2) CHECK (origin_country ~ '^[A-Z]{2}$'),
  destination_country  char(2) CHECK (destination_country ~ '^[A-Z]{2}$'),
  nationalities        text[] NOT NULL DEFAULT '{}',
  persons              integer CHECK (persons >= 0),
  transport_mode       text REFERENCES transport_modes (code),
  modus_operandi       text[] NOT NULL DEFAULT '{}',
  facilitator_detected boolean,
  source_reliability   char(1) CHECK (source_reliability BETWEEN 'A' AND 'F'),
  info_credibility     smallint CHECK (info_credibility BETWEEN 1 AND 6),
  handling_code        text NOT NULL CHECK (handling_code IN ('H0', 'H1', 'H2', 'H3')),
  batch_id             bigint, -- ingest_batches.id; no FK: checked per row it slowed bulk loads
  ingested_at          timestamptz NOT NULL DEFAULT now(),
  attributes           jsonb NOT NULL DEFAULT '{}',
  UNIQUE (source, external_id),
  CHECK (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90),
  CHECK (observed_at >= '1990-01-01')
);
CREATE INDEX sightings_observed_at ON sightings (observed_at);
CREATE INDEX sightings_geom ON sightings USING gist (geom);
CREATE INDEX sightings_journey ON sightings (journey_id, observed_at) WHERE journey_id IS NOT NULL;
CREATE INDEX sightings_route_label ON sightings (route_label) WHERE route_label IS NOT NULL;

-- +goose Down
DROP TABLE sightings;
DROP TABLE ingest_rejects;
DROP TABLE ingest_batches;
DROP TABLE modus_operandi;
DROP TABLE transport_modes;
DROP FUNCTION h3_parent(bigint, int);
