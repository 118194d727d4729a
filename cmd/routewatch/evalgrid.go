package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"routewatch/eval"
	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/scenario"
	"routewatch/store"
)

// gridCell is one seed and volume of a grid evaluation.
type gridCell struct {
	Seed      uint64       `json:"seed"`
	Sightings int          `json:"sightings"`
	Report    *eval.Report `json:"report"`
}

// evalGrid is `routewatch eval --seeds 1..5 --sightings 200k,500k`: for every seed and
// volume it generates the scenario into a database of its own (created on the server of
// --database-url, dropped afterwards unless keep), loads it, replays the jobs and scores
// them, then prints one line per seed and volume and the worst case per kind.
func evalGrid(ctx context.Context, cfg Config, name string, seeds []uint64, volumes []int, opt eval.Options, outDir string, keep bool) error {
	var cells []gridCell
	for _, n := range volumes {
		for _, seed := range seeds {
			t0 := time.Now()
			rep, err := evalOne(ctx, cfg, name, seed, n, opt, keep)
			if err != nil {
				return fmt.Errorf("seed %d, %d sightings: %w", seed, n, err)
			}
			fmt.Fprintf(os.Stderr, "eval: seed %d, %d sightings: precision %.2f, recall %.2f (%s)\n",
				seed, n, rep.Precision, rep.Recall, time.Since(t0).Round(time.Second))
			cells = append(cells, gridCell{Seed: seed, Sightings: n, Report: rep})
			if outDir != "" {
				if err := writeJSON(filepath.Join(outDir, fmt.Sprintf("eval-s%d-n%d.json", seed, n)), rep); err != nil {
					return err
				}
			}
		}
	}
	printGrid(os.Stdout, cells)
	if outDir == "" {
		return nil
	}
	return writeJSON(filepath.Join(outDir, "eval-grid.json"), cells)
}

// evalOne generates one seed at one volume into a fresh database and evaluates it.
func evalOne(ctx context.Context, cfg Config, name string, seed uint64, n int, opt eval.Options, keep bool) (*eval.Report, error) {
	dbName := fmt.Sprintf("rw_eval_%s_s%d_n%d", name, seed, n)
	admin, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxOpenConns: 1})
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if err := admin.CreateDatabase(ctx, dbName); err != nil {
		return nil, fmt.Errorf("create database %s (the role of --database-url needs CREATEDB): %w", dbName, err)
	}
	if !keep {
		defer func() { _ = admin.DropDatabase(context.WithoutCancel(ctx), dbName) }()
	}
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + dbName
	db, err := store.Open(ctx, u.String(), store.Options{MaxOpenConns: 4, StatementTimeout: cfg.StatementTimeout})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.MigrateUp(ctx); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "routewatch-eval-*.csv")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	var truth bytes.Buffer
	if _, err := scenario.Generate(ctx, scenario.Config{Scenario: name, Seed: seed, Sightings: n}, f, &truth); err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if _, err := loader.Load(ctx, db, f, loader.Options{Name: filepath.Base(f.Name())}); err != nil {
		return nil, err
	}
	var m scenario.Manifest
	if err := json.Unmarshal(truth.Bytes(), &m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return eval.Evaluate(ctx, &jobs.Runner{DB: db}, m, opt)
}

// printGrid writes one line per seed and volume, then the worst seed-volume cell of every
// score: overall and per kind.
func printGrid(w io.Writer, cells []gridCell) {
	kinds := map[string]bool{}
	for _, c := range cells {
		for k, t := range c.Report.Types {
			if t.Events > 0 || t.Findings > 0 {
				kinds[k] = true
			}
		}
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "%-5s %10s %9s %7s %11s", "seed", "sightings", "precision", "recall", "misreported")
	for _, k := range names {
		fmt.Fprintf(w, "  %-28s", k+" P/R/delay")
	}
	fmt.Fprintln(w)
	for _, c := range cells {
		r := c.Report
		fmt.Fprintf(w, "%-5d %10d %9.2f %7.2f %11d", c.Seed, c.Sightings, r.Precision, r.Recall, r.CoverageMisreported)
		for _, k := range names {
			t := r.Types[k]
			if t == nil {
				t = &eval.TypeScore{}
			}
			fmt.Fprintf(w, "  %-28s", fmt.Sprintf("%s/%s/%s (%d/%d)", pct(t.Precision), pct(t.Recall), days(t.MedianDelayDays), t.Matched, t.Findings))
		}
		fmt.Fprintln(w)
	}
	if len(cells) == 0 {
		return
	}
	worst := func(get func(*eval.Report) *float64, lowIsBad bool) string {
		var at *gridCell
		var v float64
		for i := range cells {
			p := get(cells[i].Report)
			if p == nil {
				continue
			}
			if at == nil || (lowIsBad && *p < v) || (!lowIsBad && *p > v) {
				at, v = &cells[i], *p
			}
		}
		if at == nil {
			return "-"
		}
		return fmt.Sprintf("%.2f (seed %d, %d)", v, at.Seed, at.Sightings)
	}
	fmt.Fprintf(w, "\nworst: precision %s, recall %s\n",
		worst(func(r *eval.Report) *float64 { return &r.Precision }, true),
		worst(func(r *eval.Report) *float64 { return &r.Recall }, true))
	for _, k := range names {
		of := func(f func(*eval.TypeScore) *float64) func(*eval.Report) *float64 {
			return func(r *eval.Report) *float64 {
				if t := r.Types[k]; t != nil {
					return f(t)
				}
				return nil
			}
		}
		fmt.Fprintf(w, "  %-16s precision %s, recall %s, median delay %s days\n", k,
			worst(of(func(t *eval.TypeScore) *float64 { return t.Precision }), true),
			worst(of(func(t *eval.TypeScore) *float64 { return t.Recall }), true),
			worst(of(func(t *eval.TypeScore) *float64 { return t.MedianDelayDays }), false))
	}
}

// parseSeeds reads "1..5", "1,3,7" or a mix ("1..3,9").
func parseSeeds(s string) ([]uint64, error) {
	var out []uint64
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "..")
		a, err := strconv.ParseUint(lo, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--seeds %q: %q is not a seed", s, lo)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(hi, 10, 64); err != nil || b < a || b-a > 1000 {
				return nil, fmt.Errorf("--seeds %q: %q is not a range of seeds", s, part)
			}
		}
		for v := a; v <= b; v++ {
			out = append(out, v)
		}
	}
	return out, nil
}

// parseVolumes reads "200k,500k,2M" (k = thousand, M = million) or plain numbers.
func parseVolumes(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		p := strings.TrimSpace(part)
		mult := 1
		switch {
		case strings.HasSuffix(p, "k"), strings.HasSuffix(p, "K"):
			mult, p = 1000, p[:len(p)-1]
		case strings.HasSuffix(p, "M"):
			mult, p = 1_000_000, p[:len(p)-1]
		}
		v, err := strconv.Atoi(p)
		if err != nil || v <= 0 || v > 100_000_000/mult {
			return nil, fmt.Errorf("--sightings %q: %q is not a number of sightings (e.g. 200k, 2M)", s, part)
		}
		out = append(out, v*mult)
	}
	return out, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
