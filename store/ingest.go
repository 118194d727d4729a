package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"routewatch/sighting"
)

// RollupResolutions are the H3 resolutions cell_months keeps, ascending. A query at
// resolution r reads the smallest of these that is >= r, grouping its cells to their
// parents at r. Queries finer than the last use the raw table. Few resolutions keep ingest
// fast: every sighting adds a rollup row at each of them.
var RollupResolutions = []int{4, 6}

// CentreResolutions are the resolutions the cells table holds centres for: every one a
// rollup query can be asked at.
var CentreResolutions = []int{0, 1, 2, 3, 4, 5, 6}

// CellResolution is the H3 resolution of sightings.cell.
const CellResolution = 10

// BatchMeta describes one file being ingested.
type BatchMeta struct {
	FileName string
	SHA256   string // hex
	Source   string // --source override, if any
	Format   string
	Profile  string
}

// Report is the outcome of one batch, as the CLI prints it and the API returns it. Loaded,
// Duplicate and Rejected add up to RowsRead.
type Report struct {
	BatchID     int64            `json:"batch_id,omitempty"`
	File        string           `json:"file"`
	SHA256      string           `json:"sha256"`
	Format      string           `json:"format,omitempty"`
	Profile     string           `json:"profile,omitempty"`
	Status      string           `json:"status"` // completed, refused, dry_run, already_loaded
	DuplicateOf int64            `json:"duplicate_of_batch,omitempty"`
	RowsRead    int64            `json:"rows_read"`
	Loaded      int64            `json:"loaded"`
	Duplicate   int64            `json:"duplicate"`
	Rejected    int64            `json:"rejected"`
	Rejects     []RejectRow      `json:"rejects,omitempty"` // the first few, for the reader
	Seconds     float64          `json:"seconds"`
	Reasons     map[string]int64 `json:"reject_reasons,omitempty"`
}

// RejectRow is one input record that was not loaded, with the reason a person can act on.
type RejectRow struct {
	Line   int64  `json:"line" db:"line"`
	Field  string `json:"field,omitempty" db:"field"`
	Code   string `json:"code" db:"code"`
	Reason string `json:"reason" db:"reason"`
	Raw    string `json:"raw,omitempty" db:"raw"`
}

// CompletedBatch returns the report of a completed batch of the same file content, or nil.
func (db *DB) CompletedBatch(ctx context.Context, sha256 string) (*Report, error) {
	var r struct {
		ID        int64  `db:"id"`
		File      string `db:"file_name"`
		RowsRead  int64  `db:"rows_read"`
		Loaded    int64  `db:"loaded"`
		Duplicate int64  `db:"duplicate"`
		Rejected  int64  `db:"rejected"`
	}
	err := db.x.GetContext(ctx, &r, `
		SELECT id, file_name, rows_read, loaded, duplicate, rejected FROM ingest_batches
		WHERE sha256 = $1 AND status = 'completed' ORDER BY id LIMIT 1`, sha256)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Report{BatchID: r.ID, File: r.File, SHA256: sha256, RowsRead: r.RowsRead,
		Loaded: r.Loaded, Duplicate: r.Duplicate, Rejected: r.Rejected}, nil
}

// Rejects lists the rejected records of a batch in line order.
func (db *DB) Rejects(ctx context.Context, batchID int64) ([]RejectRow, error) {
	var out []RejectRow
	err := db.x.SelectContext(ctx, &out, `
		SELECT line, field, code, reason, raw FROM ingest_rejects WHERE batch_id = $1 ORDER BY line`, batchID)
	return out, err
}

// Batch is one ingest in progress: a transaction holding the batch row, a staging table
// being filled by COPY, and the rejects seen so far. Nothing of it is visible to others
// until Commit; Abort (or a crash) leaves no trace.
type Batch struct {
	db      *sqlx.DB
	tx      *sqlx.Tx
	copy    *sql.Stmt
	id      int64
	meta    BatchMeta
	staged  int64
	rejects []RejectRow
	started time.Time
}

var stagingColumns = []string{
	"line", "source", "external_id", "observed_at", "lon", "lat", "location_precision_m", "cell",
	"journey_id", "route_label", "origin_country", "destination_country", "nationalities",
	"persons", "transport_mode", "modus_operandi", "facilitator_detected",
	"source_reliability", "info_credibility", "handling_code", "attributes",
}

// BeginBatch opens the transaction of one batch and starts the COPY into its staging table.
func (db *DB) BeginBatch(ctx context.Context, meta BatchMeta) (*Batch, error) {
	tx, err := db.x.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	b := &Batch{db: db.x, tx: tx, meta: meta, started: time.Now()}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO ingest_batches (source, file_name, sha256, format, profile, status)
		VALUES (NULLIF($1, ''), $2, $3, $4, $5, 'running') RETURNING id`,
		meta.Source, meta.FileName, meta.SHA256, meta.Format, meta.Profile).Scan(&b.id)
	if err == nil {
		_, err = tx.ExecContext(ctx, `
			CREATE TEMP TABLE staging (
			  line bigint, source text, external_id text, observed_at timestamptz,
			  lon float8, lat float8, location_precision_m int, cell bigint,
			  journey_id text, route_label text, origin_country text, destination_country text,
			  nationalities text[], persons int, transport_mode text, modus_operandi text[],
			  facilitator_detected bool, source_reliability text, info_credibility smallint,
			  handling_code text, attributes jsonb
			) ON COMMIT DROP;
			CREATE TEMP TABLE new_cells (res smallint, cell bigint, lat float8, lon float8) ON COMMIT DROP`)
	}
	if err == nil {
		b.copy, err = tx.PrepareContext(ctx, pq.CopyIn("staging", stagingColumns...))
	}
	if err != nil {
		_ = tx.Rollback()
		return nil, fmt.Errorf("begin batch: %w", err)
	}
	return b, nil
}

// ID is the batch's id (visible to others only after Commit).
func (b *Batch) ID() int64 { return b.id }

// Add stages one valid sighting found at line, with its H3 cell at CellResolution.
func (b *Batch) Add(line int64, s *sighting.Sighting, cell int64) error {
	var attrs any
	if len(s.Attributes) > 0 {
		j, err := json.Marshal(s.Attributes)
		if err != nil {
			return fmt.Errorf("line %d: attributes: %w", line, err)
		}
		attrs = string(j)
	}
	var cred any
	if s.InfoCredibility != 0 {
		cred = s.InfoCredibility
	}
	_, err := b.copy.Exec(line, s.Source, s.ExternalID, s.ObservedAt, s.Lon, s.Lat, intPtr(s.PrecisionM), cell,
		nullString(s.JourneyID), nullString(s.RouteLabel), nullString(s.OriginCountry), nullString(s.DestinationCountry),
		pq.Array(nonNil(s.Nationalities)), intPtr(s.Persons), nullString(s.TransportMode), pq.Array(nonNil(s.ModusOperandi)),
		boolPtr(s.FacilitatorDetected), nullString(s.SourceReliability), cred, s.HandlingCode, attrs)
	if err != nil {
		return fmt.Errorf("staging line %d: %w", line, err)
	}
	b.staged++
	return nil
}

// Reject records a record that will not be loaded.
func (b *Batch) Reject(r RejectRow) { b.rejects = append(b.rejects, r) }

// Staged and Rejected count what the batch has seen so far.
func (b *Batch) Staged() int64   { return b.staged }
func (b *Batch) Rejected() int64 { return int64(len(b.rejects)) }

// Abort rolls the batch back; nothing of it remains.
func (b *Batch) Abort() {
	if b.copy != nil {
		_ = b.copy.Close()
	}
	_ = b.tx.Rollback()
}

func intPtr(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func boolPtr(p *bool) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// ControlledVocabulary returns the transport_mode and modus_operandi codes the database accepts.
func (db *DB) ControlledVocabulary(ctx context.Context) (modes, mo []string, err error) {
	if err = db.x.SelectContext(ctx, &modes, `SELECT code FROM transport_modes ORDER BY code`); err != nil {
		return nil, nil, err
	}
	err = db.x.SelectContext(ctx, &mo, `SELECT code FROM modus_operandi ORDER BY code`)
	return modes, mo, err
}
