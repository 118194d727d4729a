package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"routewatch/loader"
	"routewatch/scenario"
	"routewatch/store"
)

// runDemo loads the default synthetic scenario, ending at the start of the current month,
// into an empty database. A database that already holds data is left alone.
func runDemo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var cfg Config
	bindCommon(fs, &cfg)
	sightings := fs.Int("sightings", 0, "approximate number of sightings (default: the default scenario's)")
	seed := fs.Uint64("seed", 1, "scenario seed")
	truth := fs.String("truth", "", "also write the scenario's ground-truth manifest to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.finish(); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxOpenConns: 4})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Ready(ctx); err != nil {
		return err
	}
	if v, err := db.DataVersion(ctx); err != nil || v > 0 {
		if err == nil {
			slog.Info("demo: the database already holds data; nothing loaded")
		}
		return err
	}
	now := time.Now().UTC()
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	sc := scenario.Config{Scenario: "default", Seed: *seed, Sightings: *sightings, Start: end.AddDate(-3, 0, 0), End: end}
	f, err := os.CreateTemp("", "routewatch-demo-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	var tw *os.File
	if *truth != "" {
		if tw, err = os.Create(*truth); err != nil {
			return err
		}
		defer tw.Close()
	}
	slog.Info("demo: generating the default scenario", "from", sc.Start.Format(time.DateOnly), "to", end.Format(time.DateOnly))
	if tw != nil {
		_, err = scenario.Generate(ctx, sc, f, tw)
	} else { // a nil *os.File in the interface would not read as "no manifest"
		_, err = scenario.Generate(ctx, sc, f, nil)
	}
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, 0); err != nil {
		return err
	}
	start := time.Now()
	rep, err := loader.Load(ctx, db, f, loader.Options{Name: "demo-scenario.csv", Progress: func(rows int64) {
		slog.Info("demo: loading", "rows", rows)
	}})
	if err != nil {
		return errors.Join(errors.New("demo: loading the scenario failed"), err)
	}
	fmt.Fprintf(os.Stderr, "demo: loaded %d sightings (%d rejected) in %.1fs\n", rep.Loaded, rep.Rejected, time.Since(start).Seconds())
	return nil
}
