-- +goose Up
-- Results of the analytics jobs (jobs/hotspots.go, emerging.go, moshift.go,
-- displacement.go). Every row belongs to the job_runs row that produced it; the API serves
-- the latest completed run of each kind, and older runs stay comparable. Like corridors,
-- every run computes its results once per clearance level (0..3 for H0..H3) from the data
-- that level may see; a caller is served the rows of its own clearance.

-- hotspots: the emerging hot spot analysis (METHODS.md §3–5) of one H3 cell over a run's
-- space-time cube (one cube per resolution). Cells with "No Pattern Detected" are not stored.
CREATE TABLE hotspots (
  run_id     bigint   NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
  clearance  smallint NOT NULL CHECK (clearance BETWEEN 0 AND 3),
  cell       bigint   NOT NULL,
  res        smallint NOT NULL,
  pattern    text     NOT NULL,
  steps      integer  NOT NULL, -- time steps in the cube
  hot_steps  integer  NOT NULL, -- steps where the cell was a significant hot spot
  cold_steps integer  NOT NULL,
  sightings  bigint   NOT NULL, -- over the whole cube
  final_count bigint  NOT NULL, -- in the final step
  final_z    float8   NOT NULL, -- Gi* z of the final step
  final_q    float8   NOT NULL, -- its BH q-value
  trend_z    float8   NOT NULL, -- Mann–Kendall Z of the cell's Gi* z-series
  trend_p    float8   NOT NULL,
  PRIMARY KEY (run_id, clearance, res, cell)
);

-- emerging_units: stable ids of the units the emerging-routes job tests, and when each was
-- first reported new or surging (the earliest reference time of a run that did, so replays
-- with --as-of work); NULL while never detected.
CREATE TABLE emerging_units (
  id                bigserial PRIMARY KEY,
  unit_kind         text        NOT NULL,
  unit_key          text        NOT NULL,
  clearance         smallint    NOT NULL CHECK (clearance BETWEEN 0 AND 3),
  first_detected_at timestamptz,
  UNIQUE (clearance, unit_kind, unit_key)
);

-- coverage columns (every finding table): distinct sources behind the unit, the top
-- source and its share, and the coverage-change check of METHODS.md §9.

-- emerging_routes: recent window vs baseline per unit (route label, corridor).
CREATE TABLE emerging_routes (
  run_id         bigint      NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
  clearance      smallint    NOT NULL CHECK (clearance BETWEEN 0 AND 3),
  unit_id        bigint      NOT NULL REFERENCES emerging_units (id),
  unit_kind      text        NOT NULL CHECK (unit_kind IN ('label', 'corridor')),
  unit_key       text        NOT NULL,
  label          text        NOT NULL,
  corridor_id    bigint,
  cells          bigint[]    NOT NULL DEFAULT '{}',
  res            smallint    NOT NULL,
  status         text        NOT NULL CHECK (status IN ('new', 'surging', 'ongoing', 'declining', 'stable', 'coverage_change')),
  baseline_count bigint      NOT NULL,
  recent_count   bigint      NOT NULL,
  baseline_from  timestamptz NOT NULL,
  baseline_to    timestamptz NOT NULL,
  recent_from    timestamptz NOT NULL,
  recent_to      timestamptz NOT NULL,
  rate_ratio     float8, -- NULL when undefined; 'Infinity' when the baseline is empty
  p_up           float8      NOT NULL,
  q_up           float8      NOT NULL,
  p_down         float8      NOT NULL,
  q_down         float8      NOT NULL,
  first_detected_at timestamptz,
  sources        integer     NOT NULL,
  top_source     text        NOT NULL,
  top_share      float8      NOT NULL,
  coverage       text        NOT NULL DEFAULT '', -- e.g. "AG-X started reporting"
  PRIMARY KEY (run_id, clearance, unit_kind, unit_key)
);

-- mo_shifts: period A (baseline) vs B (recent) of one dimension of one unit (METHODS.md §6–7).
CREATE TABLE mo_shifts (
  run_id        bigint      NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
  clearance      smallint    NOT NULL CHECK (clearance BETWEEN 0 AND 3),
  unit_kind     text        NOT NULL CHECK (unit_kind IN ('label', 'corridor')),
  unit_key      text        NOT NULL,
  label         text        NOT NULL,
  corridor_id   bigint,
  dimension     text        NOT NULL,
  kind          text        NOT NULL CHECK (kind IN ('shift', 'none', 'coverage_change')),
  method        text        NOT NULL, -- chi-square, monte-carlo or fisher-exact (mentions)
  sightings_a   bigint      NOT NULL,
  sightings_b   bigint      NOT NULL,
  a_from        timestamptz NOT NULL,
  a_to          timestamptz NOT NULL,
  b_from        timestamptz NOT NULL,
  b_to          timestamptz NOT NULL,
  statistic     float8      NOT NULL, -- X² (single-valued) or the smallest per-value p (mentions)
  g             float8      NOT NULL,
  df            integer     NOT NULL,
  p             float8      NOT NULL,
  q             float8      NOT NULL, -- BH across every test of the run
  cramers_v     float8      NOT NULL,
  jsd           float8      NOT NULL,
  rose          text[]      NOT NULL DEFAULT '{}',
  fell          text[]      NOT NULL DEFAULT '{}',
  categories    jsonb       NOT NULL DEFAULT '[]', -- [{value, a, b, residual}]
  shift_month   date, -- change point: first month of the new mix
  shift_from    date,
  shift_to      date,
  sources       integer     NOT NULL,
  top_source    text        NOT NULL,
  top_share     float8      NOT NULL,
  coverage      text        NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, clearance, unit_kind, unit_key, dimension)
);

-- displacements: pairs of units toward one destination where one fell and the other rose
-- (METHODS.md §8).
CREATE TABLE displacements (
  run_id              bigint      NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
  clearance      smallint    NOT NULL CHECK (clearance BETWEEN 0 AND 3),
  destination         text        NOT NULL,
  unit_kind           text        NOT NULL,
  falling             text        NOT NULL,
  rising              text        NOT NULL,
  kind                text        NOT NULL CHECK (kind IN ('displacement', 'coverage_change')),
  rate_ratio_falling  float8      NOT NULL,
  rate_ratio_rising   float8,
  q_falling           float8      NOT NULL,
  q_rising            float8      NOT NULL,
  correlation         float8      NOT NULL,
  baseline_from       timestamptz NOT NULL,
  baseline_to         timestamptz NOT NULL,
  window_from         timestamptz NOT NULL,
  window_to           timestamptz NOT NULL,
  sources             integer     NOT NULL,
  top_source          text        NOT NULL,
  top_share           float8      NOT NULL,
  coverage            text        NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, clearance, unit_kind, falling, rising)
);

-- +goose Down
DROP TABLE displacements;
DROP TABLE mo_shifts;
DROP TABLE emerging_routes;
DROP TABLE emerging_units;
DROP TABLE hotspots;
