package store

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

// migration6 replaces cell_months' row per (res, month, cell, mode, handling, reliability)
// with a row per (res, cell, month, mode) holding cumulative slot arrays (see rollup.go),
// keyed cell first so a bbox query reads its cells' months together, and adds resolution 5.
// It is a Go migration because its aggregation is the one ingest uses (rollupUpsert).
var migration6 = goose.NewGoMigration(6,
	&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return execAll(ctx, tx,
			`ALTER TABLE cell_months RENAME TO cell_months_fine`,
			`ALTER INDEX cell_months_pkey RENAME TO cell_months_fine_pkey`,
			`CREATE FUNCTION rollup_add(a int[], b int[]) RETURNS int[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
			 AS $$ SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i) $$`,
			`CREATE FUNCTION rollup_add(a bigint[], b bigint[]) RETURNS bigint[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
			 AS $$ SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i) $$`,
			`CREATE TABLE cell_months (
			   res   smallint NOT NULL,
			   cell  bigint   NOT NULL,
			   month date     NOT NULL CHECK (month = date_trunc('month', month)::date),
			   mode  text     NOT NULL, -- '' when unknown
			   n     int[]    NOT NULL CHECK (cardinality(n) = 28), -- sightings per slot, see store/rollup.go
			   p     bigint[] NOT NULL CHECK (cardinality(p) = 28), -- persons per slot
			   PRIMARY KEY (res, cell, month, mode))`,
			rollupUpsert(`
			   SELECT res, month, cell, mode, handling, reliability, sightings, persons FROM cell_months_fine
			   UNION ALL
			   SELECT 5, month, h3_parent(cell, 5), mode, handling, reliability, sightings, persons
			   FROM cell_months_fine WHERE res = 6`),
			`DROP TABLE cell_months_fine`,
			`ANALYZE cell_months`)
	}},
	&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return execAll(ctx, tx,
			`DROP TABLE cell_months`,
			`DROP FUNCTION rollup_add(int[], int[])`,
			`DROP FUNCTION rollup_add(bigint[], bigint[])`,
			`CREATE TABLE cell_months (
			   res smallint NOT NULL, month date NOT NULL CHECK (month = date_trunc('month', month)::date),
			   cell bigint NOT NULL, mode text NOT NULL, handling smallint NOT NULL, reliability text NOT NULL,
			   sightings integer NOT NULL, persons bigint NOT NULL,
			   PRIMARY KEY (res, month, cell, mode, handling, reliability))`,
			`INSERT INTO cell_months
			 SELECT r.res, date_trunc('month', s.observed_at AT TIME ZONE 'UTC')::date, h3_parent(s.cell, r.res),
			        coalesce(s.transport_mode, ''), substr(s.handling_code, 2)::smallint,
			        coalesce(s.source_reliability, ''), count(*), sum(coalesce(s.persons, 0))
			 FROM sightings s CROSS JOIN unnest(ARRAY[4, 6]) AS r(res)
			 GROUP BY 1, 2, 3, 4, 5, 6`)
	}})

func execAll(ctx context.Context, tx *sql.Tx, stmts ...string) error {
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
