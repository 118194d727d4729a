package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"routewatch/api"
	"routewatch/ingest"
	"routewatch/loader"
	"routewatch/store"
)

// ingestMemoryLimit is the Go runtime's soft memory limit for the ingest command (the
// issue's bar: under 300 MB peak RSS on a 10M-row file); GOMEMLIMIT overrides it.
const ingestMemoryLimit = 200 << 20

func runIngest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	var cfg Config
	bindCommon(fs, &cfg)
	source := fs.String("source", "", "source code for every record, replacing the file's own")
	profile := fs.String("profile", "", "layout profile for a foreign file: a shipped name ("+fmt.Sprint(ingest.Profiles())+") or a path to a profile JSON file")
	strict := fs.Bool("strict", false, "refuse the whole file if any record is rejected (exit status 3)")
	dryRun := fs.Bool("dry-run", false, "validate and count, write nothing")
	tz := fs.String("timezone", "", "IANA zone for timestamps without an offset, e.g. Europe/Rome")
	rejects := fs.Int64("rejects", 0, "print the rejected records of batch N as JSON lines and exit")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: routewatch ingest [flags] FILE...   (CSV, NDJSON or GeoJSON; .gz accepted)\n       routewatch ingest --rejects BATCH")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.finish(); err != nil {
		return err
	}
	if *rejects == 0 && fs.NArg() == 0 {
		fs.Usage()
		return errors.New("no FILE given")
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// The live heap of a load stays near 100 MB even for ten million rows (8 bytes of key
		// fingerprint a row, one month of flow sums, a path cache), but by default the
		// collector lets the heap grow to twice the live size: 584 MB peak RSS on a 10M-row
		// file. A soft limit makes it collect sooner instead (docs/BENCHMARKS.md).
		debug.SetMemoryLimit(ingestMemoryLimit)
	}
	opt := loader.Options{Source: *source, Strict: *strict, DryRun: *dryRun}
	if *profile != "" {
		p, err := ingest.LoadProfile(*profile)
		if err != nil {
			return err
		}
		opt.Profile = p
	}
	if *tz != "" {
		loc, err := time.LoadLocation(*tz)
		if err != nil {
			return fmt.Errorf("--timezone: %w", err)
		}
		opt.Timezone = loc
	}
	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxOpenConns: 4})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Ready(ctx); err != nil {
		return err
	}
	out := json.NewEncoder(os.Stdout)
	if *rejects != 0 {
		rows, err := db.Rejects(ctx, *rejects)
		if err != nil {
			return err
		}
		for _, r := range rows {
			_ = out.Encode(api.RejectRowOf(r))
		}
		return nil
	}
	failed := 0
	for _, path := range fs.Args() {
		rep, err := ingestFile(ctx, db, path, opt)
		if rep != nil {
			_ = out.Encode(api.ReportOf(*rep))
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "routewatch ingest: %s: %v\n", path, err)
			failed++
		}
	}
	if failed > 0 {
		return exitError{code: 3, msg: strconv.Itoa(failed) + " file(s) not loaded"}
	}
	return nil
}

func ingestFile(ctx context.Context, db *store.DB, path string, opt loader.Options) (*store.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	opt.Name = filepath.Base(path)
	var src io.ReadSeeker = f
	if term.IsTerminal(int(os.Stderr.Fd())) {
		bar := progressbar.NewOptions64(st.Size(), progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionShowBytes(true), progressbar.OptionSetDescription("hashing "+opt.Name),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish())
		defer bar.Finish()
		src = &barReader{f: f, bar: bar, name: opt.Name}
		opt.Progress = func(rows int64) { bar.Describe(fmt.Sprintf("loading %s: %d rows", opt.Name, rows)) }
	} else {
		start := time.Now()
		opt.Progress = func(rows int64) {
			slog.Info("ingest progress", "file", opt.Name, "rows", rows,
				"rows_per_s", int(float64(rows)/time.Since(start).Seconds()))
		}
	}
	return loader.Load(ctx, db, src, opt)
}

// barReader advances a byte progress bar as the file is read; rewinding for the second
// (parsing) pass restarts the bar.
type barReader struct {
	f    *os.File
	bar  *progressbar.ProgressBar
	name string
}

func (r *barReader) Read(p []byte) (int, error) {
	n, err := r.f.Read(p)
	_ = r.bar.Add(n)
	return n, err
}

func (r *barReader) Seek(off int64, whence int) (int64, error) {
	r.bar.Reset()
	r.bar.Describe("loading " + r.name)
	return r.f.Seek(off, whence)
}

// exitError carries a specific exit status out of a subcommand.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }
