package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jmoiron/sqlx"

	"routewatch/sighting"
)

// Batch is one ingest in progress: a transaction on one connection holding the batch row,
// a staging table being filled by COPY, and the rejects seen so far. Nothing of it is
// visible to others until Commit; Abort (or a crash) leaves no trace.
type Batch struct {
	db      *sqlx.DB
	conn    *sqlx.Conn // BEGIN ... COMMIT run on it explicitly (COPY needs the raw connection)
	id      int64
	meta    BatchMeta
	staged  int64
	keys    *keyPrints
	rejects []RejectRow
	started time.Time
	done    bool
}

// Row is one valid sighting of a batch: its input line, the record and its H3 cell at
// CellResolution.
type Row struct {
	Line     int64
	Sighting *sighting.Sighting
	Cell     int64
}

const stagingCopy = `COPY staging (line, source, external_id, observed_at, lon, lat, location_precision_m, cell,
	journey_id, route_label, origin_country, destination_country, nationalities, persons, transport_mode,
	modus_operandi, facilitator_detected, source_reliability, info_credibility, handling_code, attributes, channel) FROM STDIN`

// BeginBatch opens the transaction of one batch and creates its temporary tables.
func (db *DB) BeginBatch(ctx context.Context, meta BatchMeta) (*Batch, error) {
	conn, err := db.x.Connx(ctx)
	if err != nil {
		return nil, err
	}
	b := &Batch{db: db.x, conn: conn, meta: meta, started: time.Now(), keys: newKeyPrints()}
	// A batch's statements take as long as its file needs: the server's per-query
	// statement_timeout (meant for reads) does not apply inside it. Its sorts and
	// aggregations over a whole file fit in memory with 256 MB, where the default spills.
	if _, err = conn.ExecContext(ctx, "BEGIN; SET LOCAL statement_timeout = 0; SET LOCAL work_mem = '256MB'"); err == nil {
		err = conn.QueryRowContext(ctx, `
			INSERT INTO ingest_batches (source, file_name, sha256, format, profile, status)
			VALUES (NULLIF($1, ''), $2, $3, $4, $5, 'running') RETURNING id`,
			meta.Source, meta.FileName, meta.SHA256, meta.Format, meta.Profile).Scan(&b.id)
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, `
			CREATE TEMP TABLE staging (
			  line bigint, source text, external_id text, observed_at timestamptz,
			  lon float8, lat float8, location_precision_m int, cell bigint,
			  journey_id text, route_label text, origin_country text, destination_country text,
			  nationalities text[], persons int, transport_mode text, modus_operandi text[],
			  facilitator_detected bool, source_reliability text, info_credibility smallint,
			  handling_code text, attributes jsonb, channel text
			) ON COMMIT DROP;
			CREATE TEMP TABLE new_cells (res smallint, cell bigint, lat float8, lon float8) ON COMMIT DROP`)
	}
	if err != nil {
		b.Abort()
		return nil, fmt.Errorf("begin batch: %w", err)
	}
	return b, nil
}

// ID is the batch's id (visible to others only after Commit).
func (b *Batch) ID() int64 { return b.id }

// CopyRows streams rows into the staging table until next returns io.EOF, encoded in COPY
// text format in Go (copyIn).
func (b *Batch) CopyRows(ctx context.Context, next func() ([]Row, error)) error {
	err := b.copyIn(ctx, stagingCopy, func(cs *copyStream) error {
		for {
			rows, err := next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				return err
			}
			for i := range rows {
				b.keys.add(rows[i].Sighting.Source, rows[i].Sighting.ExternalID)
				if err := encodeStaging(&cs.row, &rows[i]); err != nil {
					return err
				}
				if err := cs.endRow(); err != nil {
					return err
				}
			}
			b.staged += int64(len(rows))
		}
	})
	if err != nil {
		return fmt.Errorf("copy to staging: %w", err)
	}
	return nil
}

func encodeStaging(r *copyRow, row *Row) error {
	s := row.Sighting
	r.start()
	r.int(row.Line)
	r.text(s.Source)
	r.text(s.ExternalID)
	r.time(s.ObservedAt)
	r.float(s.Lon)
	r.float(s.Lat)
	r.intPtr(s.PrecisionM)
	r.int(row.Cell)
	r.textOrNull(s.JourneyID)
	r.textOrNull(s.RouteLabel)
	r.textOrNull(s.OriginCountry)
	r.textOrNull(s.DestinationCountry)
	r.array(s.Nationalities)
	r.intPtr(s.Persons)
	r.textOrNull(s.TransportMode)
	r.array(s.ModusOperandi)
	r.boolPtr(s.FacilitatorDetected)
	r.textOrNull(s.SourceReliability)
	if s.InfoCredibility == 0 {
		r.null()
	} else {
		r.int(int64(s.InfoCredibility))
	}
	r.text(s.HandlingCode)
	if len(s.Attributes) == 0 {
		r.null()
	} else {
		j, err := json.Marshal(s.Attributes)
		if err != nil {
			return fmt.Errorf("line %d: attributes: %w", row.Line, err)
		}
		r.text(string(j))
	}
	r.textOrNull(s.Channel)
	return nil
}

// Reject records a record that will not be loaded.
func (b *Batch) Reject(r RejectRow) { b.rejects = append(b.rejects, r) }

// Staged counts the rows copied so far.
func (b *Batch) Staged() int64 { return b.staged }

// Rejected counts the rejects so far.
func (b *Batch) Rejected() int64 { return int64(len(b.rejects)) }

// Abort rolls the batch back; nothing of it remains. It is safe to call more than once and
// after Commit. A connection that cannot roll back is discarded, never reused.
func (b *Batch) Abort() {
	if b.done {
		return
	}
	b.done = true
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := b.conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		_ = b.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	_ = b.conn.Close()
}

// commit ends the transaction and hands the connection back to the pool.
func (b *Batch) commit(ctx context.Context) error {
	if _, err := b.conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit batch: %w", err)
	}
	b.done = true
	return b.conn.Close()
}
