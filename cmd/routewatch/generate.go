package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"routewatch/scenario"
)

// runGenerate parses `routewatch generate` flags into a scenario.Config and
// runs the generator.
func runGenerate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	name := fs.String("scenario", "default", "scenario name (--list shows them)")
	list := fs.Bool("list", false, "list the scenarios and exit")
	seed := fs.Uint64("seed", 1, "random seed; the same flags give the same bytes")
	start := fs.String("start", "", "first day, YYYY-MM-DD (default: the scenario's)")
	end := fs.String("end", "", "end day, exclusive, YYYY-MM-DD (default: start + the scenario's years)")
	sightings := fs.Int("sightings", 0, "approximate number of sightings (default: the scenario's)")
	format := fs.String("format", "csv", "output format: csv, ndjson or geojson")
	out := fs.String("out", "", "output file (default stdout; a .gz suffix gzips)")
	truth := fs.String("truth", "", "write the ground-truth manifest (JSON) to this file")
	badRows := fs.Int("bad-rows", 0, "add N rows that ingest must reject, listed in the manifest")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: routewatch generate [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *list {
		for _, p := range scenario.Presets() {
			fmt.Fprintf(os.Stdout, "%-8s %s\n", p.Name, p.Description)
		}
		return nil
	}
	cfg := scenario.Config{Scenario: *name, Seed: *seed, Sightings: *sightings, BadRows: *badRows}
	var err error
	if cfg.Format, err = scenario.ParseFormat(*format); err != nil {
		return err
	}
	if cfg.Start, err = parseDay("start", *start); err != nil {
		return err
	}
	if cfg.End, err = parseDay("end", *end); err != nil {
		return err
	}

	w, err := scenario.OpenOutput(*out)
	if err != nil {
		return err
	}
	var tw io.WriteCloser
	if *truth != "" {
		if tw, err = scenario.OpenOutput(*truth); err != nil {
			w.Close()
			return err
		}
	}
	var tiw io.Writer
	if tw != nil {
		tiw = tw
	}
	_, err = scenario.Generate(ctx, cfg, w, tiw)
	err = errors.Join(err, w.Close())
	if tw != nil {
		err = errors.Join(err, tw.Close())
	}
	return err
}

func parseDay(flagName, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s: want YYYY-MM-DD, got %q", flagName, v)
	}
	return t, nil
}
