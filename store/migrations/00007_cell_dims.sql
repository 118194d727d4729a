-- +goose Up
-- cell_dims: sightings and persons per H3 resolution-4 cell, UTC month, handling code and
-- value of each dimension, with the first and last observation, so the corridor job
-- summarises corridors (totals, first/last seen, top modes, modus operandi, nationalities,
-- route labels, label corridors) without scanning raw sightings. Dimensions: 'total' (value
-- ''), 'mode', 'mo', 'nationality', 'route', 'source' and 'route_nojourney' (the route label
-- of a sighting that belongs to no journey). filter_values is this table summed over cells
-- and months. Maintained by the ingest transaction (store/ingest_commit.go).
CREATE TABLE cell_dims (
  cell       bigint      NOT NULL,
  month      date        NOT NULL CHECK (month = date_trunc('month', month)::date),
  handling   smallint    NOT NULL,
  dim        text        NOT NULL,
  value      text        NOT NULL,
  sightings  integer     NOT NULL,
  persons    bigint      NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen  timestamptz NOT NULL,
  PRIMARY KEY (month, cell, handling, dim, value)
);

-- sighting_dims lists the (dimension, value) pairs one sighting counts under.
-- +goose StatementBegin
CREATE FUNCTION sighting_dims(mode text, mo text[], nationalities text[], route text, source text, journey text)
RETURNS TABLE (dim text, value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT d.dim, d.value FROM (
    SELECT 'total' AS dim, '' AS value
    UNION ALL SELECT 'mode', mode
    UNION ALL SELECT 'mo', unnest(mo)
    UNION ALL SELECT 'nationality', unnest(nationalities)
    UNION ALL SELECT 'route', route
    UNION ALL SELECT 'source', source
    UNION ALL SELECT 'route_nojourney', route WHERE journey IS NULL
  ) d WHERE d.value IS NOT NULL
$$;
-- +goose StatementEnd

INSERT INTO cell_dims
SELECT h3_parent(s.cell, 4), date_trunc('month', s.observed_at AT TIME ZONE 'UTC')::date,
       substr(s.handling_code, 2)::smallint, d.dim, d.value, count(*), sum(coalesce(s.persons, 0)),
       min(s.observed_at), max(s.observed_at)
FROM sightings s CROSS JOIN LATERAL sighting_dims(s.transport_mode, s.modus_operandi, s.nationalities,
  s.route_label, s.source, s.journey_id) AS d
GROUP BY 1, 2, 3, 4, 5;

-- +goose Down
DROP TABLE cell_dims;
DROP FUNCTION sighting_dims(text, text[], text[], text, text, text);
