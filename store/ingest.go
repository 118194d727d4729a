package store

import (
	"context"
	"database/sql"
	"errors"
)

// RollupResolutions are the H3 resolutions cell_months keeps, ascending. A query at
// resolution r reads the smallest of these that is >= r, grouping its cells to their
// parents at r. Queries finer than the last use the raw table. Few resolutions keep ingest
// fast: every sighting adds a rollup row at each of them.
var RollupResolutions = []int{4, 5, 6}

// regionRes is the resolution of the region column: every large table carries the res-3
// parent of its cell (migration 17), Citus's distribution column (docs/SCALING.md).
const regionRes = 3

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

// Report is the outcome of one batch (api.Report is its JSON, for the API and the CLI). Loaded,
// Duplicate and Rejected add up to RowsRead.
type Report struct {
	BatchID     int64
	File        string
	SHA256      string
	Format      string
	Profile     string
	Status      string // completed, refused, dry_run, already_loaded
	DuplicateOf int64
	RowsRead    int64
	Loaded      int64
	Duplicate   int64
	Rejected    int64
	Rejects     []RejectRow // the first few, for the reader
	Seconds     float64
	Reasons     map[string]int64
}

// RejectRow is one input record that was not loaded, with the reason a person can act on.
type RejectRow struct {
	Line   int64  `db:"line"`
	Field  string `db:"field"`
	Code   string `db:"code"`
	Reason string `db:"reason"`
	Raw    string `db:"raw"`
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

// ControlledVocabulary returns the transport_mode and modus_operandi codes the database accepts.
func (db *DB) ControlledVocabulary(ctx context.Context) (modes, mo []string, err error) {
	if err = db.x.SelectContext(ctx, &modes, `SELECT code FROM transport_modes ORDER BY code`); err != nil {
		return nil, nil, err
	}
	err = db.x.SelectContext(ctx, &mo, `SELECT code FROM modus_operandi ORDER BY code`)
	return modes, mo, err
}
