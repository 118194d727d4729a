// Package scenario generates synthetic sightings of people on the move,
// with the ground truth of what was injected into them, for routewatch's
// demo, tests and benchmarks (DESIGN.md, "Scenario generator").
//
// Groups travel route skeletons through real geography (sea legs at sea,
// land legs on land, checked against Natural Earth's land polygons) and are
// reported by invented agencies with Admiralty grades and handling codes.
// Volumes follow seasons and trends; events are injected at known dates
// (emerging route, modus operandi shift, displacement, hot spot, coverage
// change) and written to a JSON manifest together with re-report counts and
// the bad rows that ingest must reject. Output is streamed in the canonical
// CSV, NDJSON or GeoJSON layout and is byte-for-byte reproducible from the
// configuration: randomness comes from seeded PCG streams, never the clock.
//
// The package imports routewatch/sighting and no other routewatch package.
package scenario

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Config says what to generate. Zero Start, End and Sightings take the
// preset's defaults.
type Config struct {
	Scenario  string    // preset name; see Presets
	Seed      uint64    // seed of every random stream
	Start     time.Time // first day (inclusive), UTC midnight
	End       time.Time // last day (exclusive)
	Sightings int       // approximate number of valid sightings
	BadRows   int       // rows that ingest must reject, listed in the manifest
	Format    Format    // csv (default), ndjson or geojson
}

// Stats counts what Generate wrote.
type Stats struct {
	Rows       int // records written, bad rows included
	Sightings  int // valid sightings, re-reports included
	Journeys   int // journeys started
	Singles    int // sightings without a journey (hot spots included)
	Duplicates int // re-reports of a sighting by a second agency
	BadRows    int
}

// Preset is a named scenario: span, size and the events injected.
type Preset struct {
	Name        string
	Description string
	Start       time.Time
	Years       int
	Sightings   int
	events      func() []injector
}

// Presets lists the scenarios, in the order --list shows them.
func Presets() []Preset {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	return []Preset{
		{Name: "small", Description: "1 year, ~10k sightings, all routes and event types; fast, for tests",
			Start: day(2024, 1, 1), Years: 1, Sightings: 10_000, events: standardEvents},
		{Name: "default", Description: "3 years, ~200k sightings, all routes and event types; for the demo",
			Start: day(2022, 1, 1), Years: 3, Sightings: 200_000, events: standardEvents},
		{Name: "large", Description: "3 years, ~1M sightings; the default scenario at benchmark size",
			Start: day(2022, 1, 1), Years: 3, Sightings: 1_000_000, events: standardEvents},
	}
}

// LookupPreset finds a preset by name.
func LookupPreset(name string) (Preset, error) {
	for _, p := range Presets() {
		if p.Name == name {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("scenario: unknown scenario %q (see --list)", name)
}

// standardEvents are the events of every preset, placed at fractions of
// the span so that --start/--end keep them inside it.
func standardEvents() []injector {
	return []injector{
		coverageChange{id: "coverage-aegean-ngo-start", route: "eastern-med-lesbos", agency: "AG-NGO-AEGWATCH",
			kind: Sea, start: true, frac: 0.22, p: 0.6},
		moShift{id: "mo-shift-sfax-metal-boats", route: "central-med-tunisia", legFrom: "El Amra", frac: 0.40,
			modes: "boat_metal:13 boat_rubber:4 boat_wooden:3", what: "wooden boats give way to metal boats",
			dims: []shiftDim{{"transport_mode", []string{"boat_wooden"}, []string{"boat_metal"}}}},
		emergingRoute{id: "emerging-libya-crete", route: "eastern-libya-crete", frac: 0.50, rampDays: 240},
		hotspotEvent{id: "hotspot-equihen", route: "english-channel", name: "Équihen-Plage",
			lat: 50.672, lon: 1.598, radiusKm: 1.5, base: 1.2, rampDays: 60, frac: 0.58,
			modes: "foot:8 car:1 van:1", mo: "online_recruitment:0.2", agencies: "AG-FR-PAF:1"},
		displacement{id: "displacement-wmed-to-atlantic", from: "western-med", to: "atlantic-mauritania",
			frac: 0.62, drop: 0.3, rise: 2.5, rampDays: 120},
		moShift{id: "mo-shift-subotica-trucks", route: "western-balkans", legFrom: "Subotica", frac: 0.70,
			modes: "truck:7 van:2 foot:1", mo: "concealment_vehicle:0.8 guided_foot_crossing:0.1",
			what: "guided foot crossings give way to concealment in trucks",
			dims: []shiftDim{
				{"modus_operandi", []string{"guided_foot_crossing"}, []string{"concealment_vehicle"}},
				{"transport_mode", []string{"foot"}, []string{"truck"}},
			}},
		coverageChange{id: "coverage-central-med-aerial-stop", route: "central-med-libya", agency: "AG-EU-AERIAL",
			kind: Sea, start: false, frac: 0.80, p: 0.5},
	}
}

// resolve fills the preset's defaults into cfg and checks it.
func (cfg Config) resolve() (Config, Preset, error) {
	if cfg.Scenario == "" {
		cfg.Scenario = "default"
	}
	p, err := LookupPreset(cfg.Scenario)
	if err != nil {
		return cfg, p, err
	}
	if cfg.Start.IsZero() {
		cfg.Start = p.Start
	}
	if cfg.End.IsZero() {
		cfg.End = cfg.Start.AddDate(p.Years, 0, 0)
	}
	cfg.Start, cfg.End = cfg.Start.UTC(), cfg.End.UTC()
	if cfg.Sightings == 0 {
		cfg.Sightings = p.Sightings
	}
	if cfg.Format == "" {
		cfg.Format = CSV
	}
	switch {
	case !cfg.End.After(cfg.Start.AddDate(0, 0, 27)):
		return cfg, p, fmt.Errorf("scenario: the span %s..%s is shorter than 4 weeks", date(cfg.Start), date(cfg.End))
	case cfg.Sightings < 0:
		return cfg, p, fmt.Errorf("scenario: negative number of sightings")
	case cfg.BadRows < 0:
		return cfg, p, fmt.Errorf("scenario: negative number of bad rows")
	}
	if _, err := ParseFormat(string(cfg.Format)); err != nil {
		return cfg, p, err
	}
	return cfg, p, nil
}

// Generate writes the scenario's sightings to out in cfg.Format and, when
// truth is not nil, the ground-truth manifest (JSON) to truth. Sightings are
// generated day by day and streamed; memory does not grow with their number.
func Generate(ctx context.Context, cfg Config, out io.Writer, truth io.Writer) (Stats, error) {
	cfg, p, err := cfg.resolve()
	if err != nil {
		return Stats{}, err
	}
	g, err := newGenerator(ctx, cfg, p)
	if err != nil {
		return Stats{}, err
	}
	w, err := NewWriter(cfg.Format, out)
	if err != nil {
		return Stats{}, err
	}
	g.out = newRecorder(w, cfg.Format, cfg.Seed, cfg.BadRows, cfg.Sightings)
	if err := g.run(); err != nil {
		return g.stats, err
	}
	g.stats.Rows = g.out.records
	if truth != nil {
		if err := g.writeManifest(truth); err != nil {
			return g.stats, err
		}
	}
	return g.stats, nil
}
