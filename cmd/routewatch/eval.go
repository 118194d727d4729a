package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"routewatch/eval"
	"routewatch/jobs"
	"routewatch/scenario"
	"routewatch/store"
)

// runEval is `routewatch eval --truth MANIFEST`: it replays the analytics jobs step by step
// over the scenario loaded in the database and scores them against the manifest. With
// --seeds (and --sightings) it generates, loads and scores every seed at every volume in
// databases of its own instead (evalGrid).
func runEval(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	var cfg Config
	bindCommon(fs, &cfg)
	truth := fs.String("truth", "", "ground-truth manifest (JSON) of the scenario loaded in the database (required)")
	from := fs.String("from", "", "first replay date, YYYY-MM-DD (default: a year after the scenario's start)")
	to := fs.String("to", "", "end of the replay, exclusive, YYYY-MM-DD (default: the scenario's end)")
	step := fs.String("step", "month", "replay step: week or month")
	out := fs.String("out", "", "write the full report as JSON to this file (with --seeds: a directory for one report per seed and volume and eval-grid.json)")
	hotspotRes := fs.Int("hotspot-res", 0, "resolution of the hot spot cells scored (default: the manifest's, 6)")
	hotspotStep := fs.String("hotspot-step", "", "time step of the hot spot cube: month (default) or week")
	seeds := fs.String("seeds", "", "evaluate these scenario seeds (1..5, or 1,3,7), each generated into a database of its own, instead of --truth")
	volumes := fs.String("sightings", "", "with --seeds: the volumes, e.g. 200k,500k,2M (default: the scenario's)")
	name := fs.String("scenario", "default", "with --seeds: the scenario generated")
	keep := fs.Bool("keep", false, "with --seeds: keep the databases (rw_eval_<scenario>_s<seed>_n<sightings>)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.finish(); err != nil {
		return err
	}
	if (*truth == "") == (*seeds == "") {
		return fmt.Errorf("give --truth (the scenario in the database) or --seeds (scenarios generated here), not both")
	}
	opt := eval.Options{Step: *step, HotspotRes: *hotspotRes, HotspotStep: *hotspotStep, Progress: func(t time.Time, took time.Duration) {
		fmt.Fprintf(os.Stderr, "step %s done in %s\n", t.Format(time.DateOnly), took.Round(time.Millisecond))
	}}
	var err error
	if opt.From, err = parseDay("from", *from); err != nil {
		return err
	}
	if opt.To, err = parseDay("to", *to); err != nil {
		return err
	}
	if *seeds != "" {
		ss, err := parseSeeds(*seeds)
		if err != nil {
			return err
		}
		vs := []int{0}
		if *volumes != "" {
			if vs, err = parseVolumes(*volumes); err != nil {
				return err
			}
		}
		if *out != "" {
			if err := os.MkdirAll(*out, 0o755); err != nil {
				return err
			}
		}
		opt.Progress = nil
		return evalGrid(ctx, cfg, *name, ss, vs, opt, *out, *keep)
	}
	m, err := readManifest(*truth)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxOpenConns: 4, StatementTimeout: cfg.StatementTimeout})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Ready(ctx); err != nil {
		return err
	}
	rep, err := eval.Evaluate(ctx, &jobs.Runner{DB: db}, m, opt)
	if err != nil {
		return err
	}
	printReport(os.Stdout, rep)
	if *out == "" {
		return nil
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(*out, append(b, '\n'), 0o644)
}

func readManifest(path string) (scenario.Manifest, error) {
	var m scenario.Manifest
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// printReport writes the events, the scores per type and the false alarms as text tables.
func printReport(w io.Writer, r *eval.Report) {
	fmt.Fprintf(w, "scenario %s seed %d: %d %s steps %s..%s in %.0f s\n\n", r.Scenario, r.Seed, r.Steps, r.Step,
		r.From.Format(time.DateOnly), r.To.Format(time.DateOnly), r.Seconds)
	fmt.Fprintf(w, "%-45s %-16s %-10s %-10s %-10s %s\n", "event", "type", "start", "step", "first day", "delay in days (at the step)")
	for _, e := range r.Events {
		det, day, delay := "no", "-", "-"
		if !e.Scored {
			det = "n/a"
		}
		if e.Detected {
			det, day = e.FirstStep.Format(time.DateOnly), e.FirstDay.Format(time.DateOnly)
			delay = fmt.Sprintf("%.0f (%.0f)", *e.DelayDays, *e.StepDelayDays)
		}
		fmt.Fprintf(w, "%-45s %-16s %-10s %-10s %-10s %s\n", e.ID, e.Type, e.Start, det, day, delay)
	}
	fmt.Fprintf(w, "\n%-16s %7s %9s %7s %13s %9s %8s %10s\n", "type", "events", "detected", "recall", "median delay", "findings", "matched", "precision")
	names := make([]string, 0, len(r.Types))
	for n := range r.Types {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t := r.Types[n]
		fmt.Fprintf(w, "%-16s %7d %9d %7s %13s %9d %8d %10s\n", n, t.Events, t.Detected, pct(t.Recall), delays(t.MedianDelayDays, t.MedianStepDelayDays),
			t.Findings, t.Matched, pct(t.Precision))
	}
	fmt.Fprintf(w, "\nprecision %.2f  recall %.2f  median delay %s days (at the steps)  coverage changes misreported: %d\n",
		r.Precision, r.Recall, delays(r.MedianDelayDays, r.MedianStepDelayDays), r.CoverageMisreported)
	for _, f := range r.Findings {
		if f.Event == "" {
			fmt.Fprintf(w, "  false alarm: %s (first %s, %d steps)%s\n", f.Key, f.FirstStep.Format(time.DateOnly), f.Steps, misreport(f.Misreported))
		}
	}
}

func pct(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f", *v)
}

func days(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.0f", *v)
}

// delays prints a day-level delay with the replay steps' in brackets.
func delays(day, step *float64) string {
	if day == nil {
		return "-"
	}
	return days(day) + " (" + days(step) + ")"
}

func misreport(id string) string {
	if id == "" {
		return ""
	}
	return " — coverage change " + id + " reported as movement"
}
