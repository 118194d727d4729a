-- Migration 6: cell_months' row per (res, month, cell, mode, handling, reliability) becomes a
-- row per (res, cell, month, mode) holding cumulative slot arrays (see store/rollup.go), keyed
-- cell first so a bbox query reads its cells' months together, and resolution 5 is added.
-- This was a Go migration calling the ingest's rollupUpsert; it is frozen here as the SQL that
-- function produced then, so later edits to ingest code never change what migration 6 does.
-- Slot (h, r), 1-based index h*7 + r + 1: handling code <= h and, for r = 0..5, reliability
-- A..(A+r) (rel is 0..5 for A..F, 6 when unknown); r = 6 means any reliability.

-- +goose Up
ALTER TABLE cell_months RENAME TO cell_months_fine;
ALTER INDEX cell_months_pkey RENAME TO cell_months_fine_pkey;

-- +goose StatementBegin
CREATE FUNCTION rollup_add(a int[], b int[]) RETURNS int[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i) $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION rollup_add(a bigint[], b bigint[]) RETURNS bigint[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i) $$;
-- +goose StatementEnd

CREATE TABLE cell_months (
  res   smallint NOT NULL,
  cell  bigint   NOT NULL,
  month date     NOT NULL CHECK (month = date_trunc('month', month)::date),
  mode  text     NOT NULL, -- '' when unknown
  n     int[]    NOT NULL CHECK (cardinality(n) = 28), -- sightings per slot, see store/rollup.go
  p     bigint[] NOT NULL CHECK (cardinality(p) = 28), -- persons per slot
  PRIMARY KEY (res, cell, month, mode));

INSERT INTO cell_months AS c (res, cell, month, mode, n, p)
SELECT res, cell, month, mode,
  ARRAY[
         coalesce(sum(sightings) FILTER (WHERE handling <= 0 AND rel <= 0), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 0 AND rel <= 1), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 0 AND rel <= 2), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 0 AND rel <= 3), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 0 AND rel <= 4), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 0 AND rel <= 5), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 0), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 1 AND rel <= 0), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 1 AND rel <= 1), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 1 AND rel <= 2), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 1 AND rel <= 3), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 1 AND rel <= 4), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 1 AND rel <= 5), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 1), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 2 AND rel <= 0), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 2 AND rel <= 1), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 2 AND rel <= 2), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 2 AND rel <= 3), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 2 AND rel <= 4), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 2 AND rel <= 5), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 2), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 3 AND rel <= 0), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 3 AND rel <= 1), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 3 AND rel <= 2), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 3 AND rel <= 3), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 3 AND rel <= 4), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 3 AND rel <= 5), 0),
         coalesce(sum(sightings) FILTER (WHERE handling <= 3), 0)]::int[],
  ARRAY[
         coalesce(sum(persons) FILTER (WHERE handling <= 0 AND rel <= 0), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 0 AND rel <= 1), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 0 AND rel <= 2), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 0 AND rel <= 3), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 0 AND rel <= 4), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 0 AND rel <= 5), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 0), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 1 AND rel <= 0), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 1 AND rel <= 1), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 1 AND rel <= 2), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 1 AND rel <= 3), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 1 AND rel <= 4), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 1 AND rel <= 5), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 1), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 2 AND rel <= 0), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 2 AND rel <= 1), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 2 AND rel <= 2), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 2 AND rel <= 3), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 2 AND rel <= 4), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 2 AND rel <= 5), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 2), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 3 AND rel <= 0), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 3 AND rel <= 1), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 3 AND rel <= 2), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 3 AND rel <= 3), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 3 AND rel <= 4), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 3 AND rel <= 5), 0),
         coalesce(sum(persons) FILTER (WHERE handling <= 3), 0)]::bigint[]
FROM (
  SELECT res, month, cell, mode, handling,
         coalesce(strpos('ABCDEF', nullif(reliability, '')) - 1, 6) AS rel,
         sum(sightings)::int AS sightings, sum(persons)::bigint AS persons
  FROM (
    SELECT res, month, cell, mode, handling, reliability, sightings, persons FROM cell_months_fine
    UNION ALL
    SELECT 5, month, h3_parent(cell, 5), mode, handling, reliability, sightings, persons
    FROM cell_months_fine WHERE res = 6) s
  GROUP BY 1, 2, 3, 4, 5, 6) f
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
ON CONFLICT (res, cell, month, mode) DO UPDATE
SET n = rollup_add(c.n, excluded.n), p = rollup_add(c.p, excluded.p);

DROP TABLE cell_months_fine;
ANALYZE cell_months;

-- +goose Down
DROP TABLE cell_months;
DROP FUNCTION rollup_add(int[], int[]);
DROP FUNCTION rollup_add(bigint[], bigint[]);
CREATE TABLE cell_months (
  res smallint NOT NULL, month date NOT NULL CHECK (month = date_trunc('month', month)::date),
  cell bigint NOT NULL, mode text NOT NULL, handling smallint NOT NULL, reliability text NOT NULL,
  sightings integer NOT NULL, persons bigint NOT NULL,
  PRIMARY KEY (res, month, cell, mode, handling, reliability));
INSERT INTO cell_months
SELECT r.res, date_trunc('month', s.observed_at AT TIME ZONE 'UTC')::date, h3_parent(s.cell, r.res),
       coalesce(s.transport_mode, ''), substr(s.handling_code, 2)::smallint,
       coalesce(s.source_reliability, ''), count(*), sum(coalesce(s.persons, 0))
FROM sightings s CROSS JOIN unnest(ARRAY[4, 6]) AS r(res)
GROUP BY 1, 2, 3, 4, 5, 6;
