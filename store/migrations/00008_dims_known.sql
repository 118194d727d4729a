-- +goose Up
-- Two more cell_dims dimensions, each with the value '': 'mo_known' and
-- 'nationality_known' count the sightings that carry at least one modus operandi tag or
-- nationality. A multi-valued dimension's shares are mentions over these sightings (a
-- sighting with no tag recorded says nothing about modus operandi), so the period
-- comparison of /api/v1/compare/mo reads them from the rollup.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION sighting_dims(mode text, mo text[], nationalities text[], route text, source text, journey text)
RETURNS TABLE (dim text, value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT d.dim, d.value FROM (
    SELECT 'total' AS dim, '' AS value
    UNION ALL SELECT 'mode', mode
    UNION ALL SELECT 'mo', unnest(mo)
    UNION ALL SELECT 'mo_known', '' WHERE cardinality(mo) > 0
    UNION ALL SELECT 'nationality', unnest(nationalities)
    UNION ALL SELECT 'nationality_known', '' WHERE cardinality(nationalities) > 0
    UNION ALL SELECT 'route', route
    UNION ALL SELECT 'source', source
    UNION ALL SELECT 'route_nojourney', route WHERE journey IS NULL
  ) d WHERE d.value IS NOT NULL
$$;
-- +goose StatementEnd

INSERT INTO cell_dims
SELECT h3_parent(s.cell, 4), date_trunc('month', s.observed_at AT TIME ZONE 'UTC')::date,
       substr(s.handling_code, 2)::smallint, d.dim, '', count(*), sum(coalesce(s.persons, 0)),
       min(s.observed_at), max(s.observed_at)
FROM sightings s CROSS JOIN LATERAL (VALUES ('mo_known', cardinality(s.modus_operandi) > 0),
  ('nationality_known', cardinality(s.nationalities) > 0)) AS d(dim, known)
WHERE d.known
GROUP BY 1, 2, 3, 4;

-- +goose Down
DELETE FROM cell_dims WHERE dim IN ('mo_known', 'nationality_known');
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION sighting_dims(mode text, mo text[], nationalities text[], route text, source text, journey text)
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
