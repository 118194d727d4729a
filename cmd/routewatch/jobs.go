package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"routewatch/api"
	"routewatch/jobs"
	"routewatch/store"
)

// runJobs is `routewatch jobs run NAME [flags]` and `routewatch jobs list`.
func runJobs(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "run" && args[0] != "list" && args[0] != "backtest") {
		return fmt.Errorf("usage: routewatch jobs run %s [flags] | routewatch jobs list | routewatch jobs backtest [flags]", strings.Join(jobs.Kinds(), "|"))
	}
	action := args[0]
	fs := flag.NewFlagSet("jobs "+action, flag.ContinueOnError)
	var cfg Config
	bindCommon(fs, &cfg)
	var p jobs.Params
	from := fs.String("from", "", "period start, YYYY-MM-DD (snapped to its month; default: 12 months before --to)")
	to := fs.String("to", "", "period end, exclusive, YYYY-MM-DD (default: the start of the current month)")
	asOf := fs.String("as-of", "", "replay: use only data observed before this date")
	fs.IntVar(&p.Res, "res", 0, "corridor H3 resolution, 3..5 (default 4); hotspots: the one resolution to analyse (default 4 and 6)")
	fs.StringVar(&p.Step, "step", "", "hotspots: time step of the cube, month (default) or week")
	fs.IntVar(&p.K, "k", 0, "hotspots: k-ring of the spatial neighbourhood, 1..5 (default 1)")
	fs.IntVar(&p.TimeSteps, "time-steps", 0, "hotspots: previous time steps in the neighbourhood, 1..12 (default 1)")
	fs.Int64Var(&p.MinLegs, "min-legs", 0, "weakest flow edge a corridor keeps (default 5)")
	fs.IntVar(&p.MinCells, "min-cells", 0, "smallest corridor, in cells (default 3)")
	horizon := fs.Int("horizon", 3, "backtest: months forecast from each origin, 1..6")
	rest := args[1:]
	name := ""
	if action == "run" {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return fmt.Errorf("jobs run: name a job: %s", strings.Join(jobs.Kinds(), ", "))
		}
		name, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if err := cfg.finish(); err != nil {
		return err
	}
	for _, d := range []struct {
		flag, value string
		dst         *time.Time
	}{{"from", *from, &p.From}, {"to", *to, &p.To}, {"as-of", *asOf, &p.AsOf}} {
		if d.value == "" {
			continue
		}
		t, err := parseDay(d.flag, d.value)
		if err != nil {
			return err
		}
		*d.dst = t
	}
	// A run holds one connection for its lock and queries on others; `all` runs four at once.
	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxOpenConns: 3 * len(jobs.All())})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Ready(ctx); err != nil {
		return err
	}
	if action == "list" {
		runs, err := db.Runs(ctx, "", 50)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(os.Stdout)
		for _, r := range runs {
			_ = enc.Encode(api.RunOf(r)) // the JSON of GET /api/v1/jobs
		}
		return nil
	}
	if action == "backtest" {
		if *horizon < 1 || *horizon > 6 {
			return fmt.Errorf("jobs backtest: --horizon %d: want 1..6 months", *horizon)
		}
		return printBacktest(ctx, &jobs.Runner{DB: db}, p, *horizon)
	}
	report := func(kind string, id int64) {
		fmt.Printf("{\"job\":%q,\"run_id\":%d,\"status\":\"completed\"}\n", kind, id)
	}
	r := &jobs.Runner{DB: db}
	if name == "all" {
		return r.RunAll(ctx, p, report)
	}
	id, err := r.Run(ctx, name, p)
	if err != nil {
		return err
	}
	report(name, id)
	return nil
}

// printBacktest is `routewatch jobs backtest`: the rolling-origin backtest of every route
// label and corridor, per clearance level, as a table and its medians.
func printBacktest(ctx context.Context, r *jobs.Runner, p jobs.Params, horizon int) error {
	units, sums, err := r.Backtest(ctx, p, horizon)
	if err != nil {
		return err
	}
	if len(sums) == 0 {
		return fmt.Errorf("jobs backtest: fewer than 30 months of data before the reference time")
	}
	fmt.Printf("%-9s %-8s %-45s %6s %6s %6s %6s %6s\n", "clearance", "kind", "unit", "months", "MASE", "naive", "cov80", "cov95")
	for _, u := range units {
		fmt.Printf("H%-8d %-8s %-45.45s %6d %6.2f %6.2f %6.2f %6.2f\n", u.Level, u.Kind, u.Label+" "+u.Key, u.Months, u.MASE, u.NaiveMASE, u.Cover80, u.Cover95)
	}
	for _, s := range sums {
		fmt.Printf("H%d: %d units, median MASE %.2f (seasonal naive %.2f), coverage %.3f (80%%) %.3f (95%%)\n",
			s.Level, s.Units, s.MedianMASE, s.MedianNaiveMASE, s.Cover80, s.Cover95)
	}
	return nil
}
