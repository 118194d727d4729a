-- +goose Up
-- journey_legs: consecutive sightings of one journey (in time order), the raw material of
-- flows and corridors. Recomputed for every journey an ingest batch touches, so a sighting
-- that arrives late slots into its journey. Cells are the stored res-10 cells.
CREATE TABLE journey_legs (
  journey_id text        NOT NULL,
  seq        integer     NOT NULL,
  from_cell  bigint      NOT NULL,
  to_cell    bigint      NOT NULL,
  from_at    timestamptz NOT NULL,
  to_at      timestamptz NOT NULL,
  persons    integer     NOT NULL, -- the group's size at the leg's start (0 when unknown)
  handling   smallint    NOT NULL, -- the higher handling code of the two sightings
  mode       text        NOT NULL,
  PRIMARY KEY (journey_id, seq)
);

-- flow_months: leg segments between neighbouring cells at the corridor resolutions, per UTC
-- month of the leg's start and handling code. Legs that skip cells are split along the H3
-- grid path. journeys counts distinct journeys per row.
CREATE TABLE flow_months (
  res       smallint NOT NULL,
  month     date     NOT NULL,
  from_cell bigint   NOT NULL,
  to_cell   bigint   NOT NULL,
  handling  smallint NOT NULL,
  legs      integer  NOT NULL,
  journeys  integer  NOT NULL,
  persons   bigint   NOT NULL,
  PRIMARY KEY (res, month, from_cell, to_cell, handling)
);

-- job_runs: every run of an analytics job, with its parameters and outcome; result rows
-- carry the run id, and the API serves the latest completed run.
CREATE TABLE job_runs (
  id          bigserial PRIMARY KEY,
  kind        text        NOT NULL,
  params      jsonb       NOT NULL DEFAULT '{}',
  status      text        NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  rows        integer     NOT NULL DEFAULT 0,
  error       text        NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_kind ON job_runs (kind, id DESC);

CREATE SEQUENCE corridor_ids;

-- corridors: one set per clearance level (0..3 for H0..H3), each computed only from the
-- sightings that level may see, so no key receives a corridor shaped by data above it.
CREATE TABLE corridors (
  run_id            bigint      NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
  clearance         smallint    NOT NULL CHECK (clearance BETWEEN 0 AND 3),
  id                bigint      NOT NULL, -- stable across runs (inherited by overlap)
  kind              text        NOT NULL CHECK (kind IN ('flow', 'label')),
  label             text        NOT NULL,
  res               smallint    NOT NULL,
  centerline        geometry(LineString, 4326),
  outline           geometry(MultiPolygon, 4326),
  cells             bigint[]    NOT NULL,
  entry_cells       bigint[]    NOT NULL,
  exit_cells        bigint[]    NOT NULL,
  legs              bigint      NOT NULL,
  journeys          bigint      NOT NULL,
  persons           bigint      NOT NULL,
  sightings         bigint      NOT NULL,
  first_seen        timestamptz,
  last_seen         timestamptz,
  top_modes         jsonb       NOT NULL DEFAULT '[]',
  top_mo            jsonb       NOT NULL DEFAULT '[]',
  top_nationalities jsonb       NOT NULL DEFAULT '[]',
  trend             float8,
  status            text        NOT NULL,
  period_from       timestamptz NOT NULL,
  period_to         timestamptz NOT NULL,
  PRIMARY KEY (run_id, clearance, id)
);
CREATE INDEX corridors_outline ON corridors USING gist (outline);

-- +goose Down
DROP TABLE corridors;
DROP SEQUENCE corridor_ids;
DROP TABLE job_runs;
DROP TABLE flow_months;
DROP TABLE journey_legs;
