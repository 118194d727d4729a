// Package loader runs one ingest batch end to end: it hashes the file, recognises a file
// already loaded, streams records from package ingest through H3 indexing into a
// store.Batch, and returns the batch report. The CLI and the HTTP API both call it, so
// they report the same thing.
//
// loader imports ingest, store and geo; it knows nothing of HTTP or flags.
package loader

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"routewatch/errs"
	"routewatch/geo"
	"routewatch/ingest"
	"routewatch/store"
)

// Options say how to read one file.
type Options struct {
	Name     string          // file name or content type, for format detection and the report
	Source   string          // overrides every record's source when set
	Profile  *ingest.Profile // foreign layout; nil for canonical files
	Timezone *time.Location  // zone for timestamps without an offset
	Strict   bool            // refuse the whole file if any record is rejected
	DryRun   bool            // validate and count, write nothing
	// Progress, when set, is called from the loading goroutine every progressEvery records.
	Progress func(rows int64)
}

const (
	chunkSize     = 1024
	progressEvery = 50_000
)

// ErrStrictRefused is wrapped by Load's error when a strict load found rejected records.
var ErrStrictRefused = errors.New("strict mode: the file has rejected records; nothing was loaded")

// Load ingests src into db. src is read twice (hash, then parse), hence the Seeker. A
// file whose content equals a completed batch is not parsed again: the report says
// already_loaded and names that batch. With Strict and any reject, the batch is recorded
// as refused with its rejects and the returned error wraps ErrStrictRefused alongside the
// report.
func Load(ctx context.Context, db *store.DB, src io.ReadSeeker, opt Options) (*store.Report, error) {
	sum, err := hashFile(src)
	if err != nil {
		return nil, err
	}
	if !opt.DryRun {
		prev, err := db.CompletedBatch(ctx, sum)
		if err != nil {
			return nil, err
		}
		if prev != nil {
			return &store.Report{File: opt.Name, SHA256: sum, Status: "already_loaded", DuplicateOf: prev.BatchID,
				RowsRead: prev.RowsRead, Duplicate: prev.RowsRead - prev.Rejected, Rejected: prev.Rejected}, nil
		}
	}
	modes, mo, err := db.ControlledVocabulary(ctx)
	if err != nil {
		return nil, err
	}
	rd, err := ingest.Open(src, opt.Name, ingest.Options{
		Source: opt.Source, Profile: opt.Profile, Timezone: opt.Timezone,
		Vocab: ingest.Vocab{TransportModes: modes, ModiOperandi: mo},
	})
	if err != nil {
		return nil, asInvalid(err)
	}
	meta := store.BatchMeta{FileName: opt.Name, SHA256: sum, Source: opt.Source, Format: rd.Format().String()}
	if opt.Profile != nil {
		meta.Profile = opt.Profile.Name
	}
	batch, err := db.BeginBatch(ctx, meta)
	if err != nil {
		return nil, err
	}
	if err := feed(ctx, rd, batch, opt.Progress); err != nil {
		batch.Abort()
		return nil, err
	}
	if opt.Strict && batch.Rejected() > 0 && !opt.DryRun {
		rep, err := batch.Refuse(ctx, db)
		if err != nil {
			return nil, err
		}
		return rep, &errs.Error{Kind: errs.Unprocessable, Err: ErrStrictRefused, Details: rep,
			Message: fmt.Sprintf("strict mode: %d of %d records rejected; nothing was loaded (batch %d lists them)", rep.Rejected, rep.RowsRead, rep.BatchID)}
	}
	return batch.Commit(ctx, opt.DryRun)
}

func hashFile(src io.ReadSeeker) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, src); err != nil {
		return "", fmt.Errorf("reading file: %w", err)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// indexed is a record with its H3 cell, computed off the loading goroutine.
type indexed struct {
	rec  ingest.Record
	cell int64
}

// feed runs the pipeline: one goroutine parses and indexes records in chunks, and the
// batch's COPY consumes them, so parsing, H3 and COPY overlap. Rejects are kept by the
// batch as they pass.
func feed(ctx context.Context, rd *ingest.Reader, batch *store.Batch, progress func(int64)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan []indexed, 8)
	errc := make(chan error, 1)
	go func() {
		defer close(chunks)
		errc <- parse(ctx, rd, chunks)
	}()
	var n int64
	rows := make([]store.Row, 0, chunkSize)
	err := batch.CopyRows(ctx, func() ([]store.Row, error) {
		chunk, ok := <-chunks
		if !ok {
			return nil, io.EOF
		}
		rows = rows[:0]
		for _, it := range chunk {
			r := it.rec
			if r.Reject != nil {
				batch.Reject(store.RejectRow{Line: int64(r.Line), Field: r.Reject.Field, Code: r.Reject.Code,
					Reason: r.Reject.Reason, Raw: r.Raw})
			} else {
				rows = append(rows, store.Row{Line: int64(r.Line), Sighting: r.Sighting, Cell: it.cell})
			}
		}
		before := n
		n += int64(len(chunk))
		if progress != nil && n/progressEvery != before/progressEvery {
			progress(n)
		}
		return rows, nil
	})
	if err != nil {
		cancel()
		for range chunks { // let the parser finish
		}
		return err
	}
	if progress != nil {
		progress(n)
	}
	return <-errc
}

func parse(ctx context.Context, rd *ingest.Reader, out chan<- []indexed) error {
	chunk := make([]indexed, 0, chunkSize)
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return asInvalid(err)
		}
		it := indexed{rec: rec}
		if s := rec.Sighting; s != nil {
			c, err := geo.CellAt(s.Lat, s.Lon, store.CellResolution)
			if err != nil { // the validator already checked ranges; this is a bug
				return fmt.Errorf("line %d: H3 index: %w", rec.Line, err)
			}
			it.cell = geo.CellToInt64(c)
		}
		chunk = append(chunk, it)
		if len(chunk) == chunkSize {
			select {
			case out <- chunk:
			case <-ctx.Done():
				return ctx.Err()
			}
			chunk = make([]indexed, 0, chunkSize)
		}
	}
	if len(chunk) > 0 {
		out <- chunk
	}
	return nil
}

// asInvalid marks file-level problems as the caller's (400), keeping other errors as they are.
func asInvalid(err error) error {
	var fe *ingest.FileError
	if errors.As(err, &fe) {
		return &errs.Error{Kind: errs.Invalid, Message: fe.Reason, Err: err}
	}
	return err
}

// Service binds Load to one database, for callers that hold an interface (the API).
type Service struct{ DB *store.DB }

// Ingest runs Load on the service's database.
func (s Service) Ingest(ctx context.Context, src io.ReadSeeker, opt Options) (*store.Report, error) {
	return Load(ctx, s.DB, src, opt)
}
