package store

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/lib/pq"
)

// maxReportRejects is how many rejects a report carries inline; all are in ingest_rejects.
const maxReportRejects = 20

// Commit loads the staged rows into sightings (the first occurrence of a source and
// external_id wins; later ones and ones already stored count as duplicates), stores the
// rejects, updates the rollups and the batch row, and commits, all in the one transaction.
// The rows go in ordered by their resolution-3 parent cell and time (then line, so ids and
// the legs of sightings with equal times do not depend on the sort), so a batch lies on disk
// region by region: a raw scan of a bbox and period then reads a few adjacent pages instead
// of one page per sighting (3–10× faster at 10M sightings, docs/BENCHMARKS.md "Load").
// With dryRun everything is computed and then rolled back.
func (b *Batch) Commit(ctx context.Context, dryRun bool) (*Report, error) {
	defer b.Abort() // no-op after a successful commit
	if err := b.storeRejects(ctx); err != nil {
		return nil, err
	}
	// The first occurrence of a key wins: DISTINCT ON over the file sorted by key and line,
	// a sort of every row that a file repeating no key does not need.
	cols := `line, source, external_id, observed_at, lon, lat, location_precision_m, cell, journey_id,
		route_label, origin_country, destination_country, nationalities, persons, transport_mode, modus_operandi,
		facilitator_detected, source_reliability, info_credibility, handling_code, attributes, channel`
	first := `SELECT ` + cols + ` FROM staging`
	if b.keys.maybeRepeated() {
		first = `SELECT DISTINCT ON (source, external_id) ` + cols + ` FROM staging ORDER BY source, external_id, line`
	}
	b.keys = nil // 8 bytes a row, not needed any more
	// new_rows: the file's first occurrences, less the keys already stored. A row is new when
	// its (source, external_id) enters sighting_keys: a unique constraint on sightings could
	// not hold on Citus, where the table is distributed by region.
	if _, err := b.conn.ExecContext(ctx, `CREATE TEMP TABLE new_rows ON COMMIT DROP AS `+first+`;
		CREATE TEMP TABLE fresh (source text, external_id text) ON COMMIT DROP`); err != nil {
		return nil, fmt.Errorf("first occurrences: %w", err)
	}
	res, err := b.conn.ExecContext(ctx, `
		WITH k AS (
		  INSERT INTO sighting_keys (source, external_id)
		  SELECT source, external_id FROM new_rows ORDER BY source, external_id
		  ON CONFLICT (source, external_id) DO NOTHING
		  RETURNING source, external_id)
		INSERT INTO fresh SELECT * FROM k`)
	if err != nil {
		return nil, fmt.Errorf("new keys: %w", err)
	}
	if loaded, _ := res.RowsAffected(); loaded < b.staged {
		if _, err := b.conn.ExecContext(ctx, `
			DELETE FROM new_rows r WHERE NOT EXISTS (
			  SELECT FROM fresh f WHERE f.source = r.source AND f.external_id = r.external_id)`); err != nil {
			return nil, fmt.Errorf("drop stored keys: %w", err)
		}
	}
	res, err = b.conn.ExecContext(ctx, `
		INSERT INTO sightings (source, external_id, observed_at, geom, location_precision_m, cell, region,
		  journey_id, route_label, origin_country, destination_country, nationalities, persons,
		  transport_mode, modus_operandi, facilitator_detected, source_reliability, info_credibility,
		  handling_code, batch_id, attributes, channel)
		SELECT source, external_id, observed_at, ST_SetSRID(ST_MakePoint(lon, lat), 4326), location_precision_m,
		  cell, h3_parent(cell, 3), journey_id, route_label, origin_country, destination_country, nationalities, persons,
		  transport_mode, modus_operandi, facilitator_detected, source_reliability, info_credibility,
		  handling_code, $1::bigint, coalesce(attributes, '{}'), NULLIF(channel, source)
		FROM new_rows
		ORDER BY h3_parent(cell, 3), observed_at, line`, b.id)
	if err != nil {
		return nil, fmt.Errorf("insert sightings: %w", err)
	}
	loaded, _ := res.RowsAffected()
	if err := b.updateRollups(ctx); err != nil {
		return nil, err
	}
	if err := b.addCells(ctx); err != nil {
		return nil, err
	}
	if err := b.updateFlows(ctx); err != nil {
		return nil, err
	}
	r := b.report("completed", loaded)
	if dryRun {
		r.Status, r.BatchID = "dry_run", 0
		return r, nil // the deferred Abort rolls everything back
	}
	if _, err := b.conn.ExecContext(ctx, `
		UPDATE ingest_batches SET status = 'completed', rows_read = $2, loaded = $3, duplicate = $4,
		  rejected = $5, finished_at = now() WHERE id = $1`,
		b.id, r.RowsRead, r.Loaded, r.Duplicate, r.Rejected); err != nil {
		return nil, fmt.Errorf("update batch: %w", err)
	}
	if err := b.commit(ctx); err != nil {
		return nil, err
	}
	b.analyze(ctx, loaded)
	return r, nil
}

// analyze refreshes planner statistics when a load changed a table noticeably, so the first
// queries after it do not plan with stale or empty-table estimates. Failure costs only speed.
func (b *Batch) analyze(ctx context.Context, loaded int64) {
	var total float64
	if err := b.db.GetContext(ctx, &total, `SELECT greatest(reltuples, 0) FROM pg_class WHERE relname = 'sightings'`); err != nil {
		return
	}
	if loaded == 0 {
		return
	}
	stmt := "ANALYZE cells, cell_months"
	if float64(loaded) > 0.5*total { // a first load, or one that doubles the table
		stmt += ", sightings"
	}
	if _, err := b.db.ExecContext(ctx, stmt); err != nil {
		slog.WarnContext(ctx, "analyze after ingest failed", "err", err)
	}
}

// Refuse abandons the staged rows and records the batch as refused (strict mode with bad
// rows) together with its rejects, so `routewatch ingest --rejects` can show them.
func (b *Batch) Refuse(ctx context.Context, db *DB) (*Report, error) {
	b.Abort()
	r := b.report("refused", 0)
	r.Duplicate = 0
	conn, err := db.x.Connx(ctx)
	if err != nil {
		return nil, err
	}
	rb := &Batch{db: db.x, conn: conn, meta: b.meta, rejects: b.rejects}
	defer rb.Abort()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return nil, err
	}
	if err := conn.QueryRowContext(ctx, `
		INSERT INTO ingest_batches (source, file_name, sha256, format, profile, status, rows_read,
		  rejected, finished_at, error)
		VALUES (NULLIF($1, ''), $2, $3, $4, $5, 'refused', $6, $7, now(), 'strict mode: file has rejected rows')
		RETURNING id`, b.meta.Source, b.meta.FileName, b.meta.SHA256, b.meta.Format, b.meta.Profile,
		r.RowsRead, r.Rejected).Scan(&rb.id); err != nil {
		return nil, err
	}
	r.BatchID = rb.id
	if err := rb.storeRejects(ctx); err != nil {
		return nil, err
	}
	return r, rb.commit(ctx)
}

func (b *Batch) storeRejects(ctx context.Context) error {
	if len(b.rejects) == 0 {
		return nil
	}
	stmt, err := b.conn.PrepareContext(ctx, `COPY ingest_rejects (batch_id, line, field, code, reason, raw) FROM STDIN`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range b.rejects {
		if _, err := stmt.Exec(b.id, r.Line, r.Field, r.Code, r.Reason, r.Raw); err != nil {
			return fmt.Errorf("store rejects: %w", err)
		}
	}
	if _, err := stmt.Exec(); err != nil {
		return fmt.Errorf("store rejects: %w", err)
	}
	return nil
}

// updateRollups adds this batch's new sightings (table new_rows) to cell_months at every
// rollup resolution, to cell_dims, to filter_values and to route_months.
//
// Concurrent batches take a transaction-scoped advisory lock first, so their upserts into
// the same rollup rows cannot deadlock; the lock is released at commit or rollback.
func (b *Batch) updateRollups(ctx context.Context) error {
	if _, err := b.conn.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('routewatch.rollups'))`); err != nil {
		return fmt.Errorf("lock rollups: %w", err)
	}
	// Sorted grouping: a hash table of 56 sums per group spilled to disk at 200k rows (528 MB,
	// 5 batches), while the upsert wants its rows in key order anyway.
	if _, err := b.conn.ExecContext(ctx, `SET LOCAL enable_hashagg = off`); err != nil {
		return err
	}
	if _, err := b.conn.ExecContext(ctx, rollupUpsert(`
		SELECT r.res, date_trunc('month', s.observed_at AT TIME ZONE 'UTC')::date AS month,
		       h3_parent(s.cell, r.res) AS cell, coalesce(s.transport_mode, '') AS mode,
		       substr(s.handling_code, 2)::smallint AS handling, coalesce(s.source_reliability, '') AS reliability,
		       1 AS sightings, coalesce(s.persons, 0) AS persons
		FROM new_rows s CROSS JOIN unnest($1::int[]) AS r(res)`),
		pq.Array(RollupResolutions)); err != nil {
		return fmt.Errorf("update rollups: %w", err)
	}
	if _, err := b.conn.ExecContext(ctx, `SET LOCAL enable_hashagg TO DEFAULT`); err != nil {
		return err
	}
	if _, err := b.conn.ExecContext(ctx, `
		CREATE TEMP TABLE new_dims ON COMMIT DROP AS
		SELECT h3_parent(s.cell, 4) AS cell, date_trunc('month', s.observed_at AT TIME ZONE 'UTC')::date AS month,
		       substr(s.handling_code, 2)::smallint AS handling, d.dim, d.value, count(*)::int AS sightings,
		       sum(coalesce(s.persons, 0))::bigint AS persons, min(s.observed_at) AS first_seen, max(s.observed_at) AS last_seen,
		       h3_parent(s.cell, 3) AS region
		FROM new_rows s CROSS JOIN LATERAL sighting_dims(s.transport_mode, s.modus_operandi, s.nationalities,
		  s.route_label, s.source, s.journey_id) AS d
		GROUP BY 1, 2, 3, 4, 5, 10;
		INSERT INTO cell_dims AS c SELECT * FROM new_dims ORDER BY month, cell, handling, dim, value
		ON CONFLICT (month, cell, handling, dim, value, region) DO UPDATE
		SET sightings = c.sightings + excluded.sightings, persons = c.persons + excluded.persons,
		    first_seen = least(c.first_seen, excluded.first_seen), last_seen = greatest(c.last_seen, excluded.last_seen);
		INSERT INTO filter_values AS f (dim, value, handling, sightings, persons)
		SELECT dim, value, handling, sum(sightings), sum(persons) FROM new_dims
		WHERE dim IN ('mode', 'mo', 'nationality', 'route', 'source')
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
		ON CONFLICT (dim, value, handling) DO UPDATE
		SET sightings = f.sightings + excluded.sightings, persons = f.persons + excluded.persons;
		INSERT INTO route_months AS r
		SELECT date_trunc('month', observed_at AT TIME ZONE 'UTC')::date, coalesce(route_label, ''),
		       coalesce(channel, source), coalesce(destination_country, ''), substr(handling_code, 2)::smallint,
		       count(*), min(observed_at), max(observed_at)
		FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (month, route_label, channel, destination, handling) DO UPDATE
		SET sightings = r.sightings + excluded.sightings,
		    first_seen = least(r.first_seen, excluded.first_seen), last_seen = greatest(r.last_seen, excluded.last_seen)`); err != nil {
		return fmt.Errorf("update dimension rollups: %w", err)
	}
	return nil
}

func (b *Batch) report(status string, loaded int64) *Report {
	r := &Report{
		BatchID: b.id, File: b.meta.FileName, SHA256: b.meta.SHA256, Format: b.meta.Format,
		Profile: b.meta.Profile, Status: status,
		RowsRead: b.staged + int64(len(b.rejects)), Loaded: loaded, Duplicate: b.staged - loaded,
		Rejected: int64(len(b.rejects)), Seconds: time.Since(b.started).Seconds(),
	}
	for i, rj := range b.rejects {
		if r.Reasons == nil {
			r.Reasons = map[string]int64{}
		}
		r.Reasons[rj.Code]++
		if i < maxReportRejects {
			r.Rejects = append(r.Rejects, rj)
		}
	}
	return r
}
