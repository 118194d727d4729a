package scenario

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDeterministic(t *testing.T) {
	for _, f := range []Format{CSV, NDJSON, GeoJSON} {
		t.Run(string(f), func(t *testing.T) {
			cfg := smallCfg
			cfg.Format = f
			run := func(c Config) ([]byte, []byte) {
				var out, truth bytes.Buffer
				if _, err := Generate(context.Background(), c, &out, &truth); err != nil {
					t.Fatal(err)
				}
				return out.Bytes(), truth.Bytes()
			}
			a, ta := run(cfg)
			b, tb := run(cfg)
			if !bytes.Equal(a, b) || !bytes.Equal(ta, tb) {
				t.Fatalf("two runs of %+v differ", cfg)
			}
			cfg.Seed++
			c, _ := run(cfg)
			if bytes.Equal(a, c) {
				t.Fatalf("seeds %d and %d give the same output", cfg.Seed-1, cfg.Seed)
			}
		})
	}
}

// The good rows do not depend on how many bad rows are mixed in.
func TestBadRowsDoNotDisturbGoodRows(t *testing.T) {
	a := generated(t, Config{Scenario: "small", Seed: 7})
	b := generated(t, smallCfg)
	va, vb := a.valid(), b.valid()
	if len(va) != len(vb) {
		t.Fatalf("valid rows: %d without bad rows, %d with", len(va), len(vb))
	}
	for i := range va {
		for k, v := range va[i].raw {
			if vb[i].raw[k] != v {
				t.Fatalf("valid row %d field %s: %q without bad rows, %q with", i, k, v, vb[i].raw[k])
			}
		}
	}
}

func TestSizeAndStats(t *testing.T) {
	for _, cfg := range []Config{smallCfg, defaultCfg} {
		d := generated(t, cfg)
		want := float64(cfg.Sightings)
		if want == 0 {
			p, _ := LookupPreset(cfg.Scenario)
			want = float64(p.Sightings)
		}
		got := float64(d.stats.Sightings)
		if math.Abs(got-want)/want > 0.15 {
			t.Errorf("%s: %v sightings, want %v ± 15%%", cfg.Scenario, got, want)
		}
		m := d.manifest
		if m.RowsWritten != len(d.records) || m.SightingsWritten+len(m.BadRows) != m.RowsWritten {
			t.Errorf("%s: manifest rows %d = sightings %d + bad %d, parsed %d records",
				cfg.Scenario, m.RowsWritten, m.SightingsWritten, len(m.BadRows), len(d.records))
		}
		if r := float64(m.Duplicates) / float64(m.SightingsWritten); r < 0.015 || r > 0.05 {
			t.Errorf("%s: re-report share %.3f, want about %.2f", cfg.Scenario, r, rereportShare)
		}
		if len(m.Routes) < 10 {
			t.Errorf("%s: %d routes in the manifest, want at least 10", cfg.Scenario, len(m.Routes))
		}
		types := map[string]bool{}
		for _, e := range m.Events {
			types[e.Type] = true
			if len(e.Cells) == 0 {
				t.Errorf("event %s lists no cells", e.ID)
			}
		}
		for _, typ := range []string{EventEmergingRoute, EventMOShift, EventDisplacement, EventHotspot, EventCoverageChange} {
			if !types[typ] {
				t.Errorf("%s: no %s event", cfg.Scenario, typ)
			}
		}
	}
}

// Every sea sighting lies at sea and every land sighting on land, judged by
// transport mode against the Natural Earth polygons; all rows of a small
// run and of a reduced default run.
func TestSightingsOnTheRightSide(t *testing.T) {
	for _, cfg := range []Config{smallCfg, defaultCfg} {
		d := generated(t, cfg)
		n := 0
		for _, r := range d.valid() {
			if OnLand(r.lon, r.lat) == isSeaMode(r.mode) {
				t.Errorf("%s line %d: %s sighting at (%.5f, %.5f) is on the wrong side", cfg.Scenario, r.line, r.mode, r.lat, r.lon)
				if n++; n > 10 {
					t.FailNow()
				}
			}
		}
	}
}

func TestRowsWithinSpan(t *testing.T) {
	d := generated(t, smallCfg)
	start, _ := time.Parse(time.RFC3339, d.manifest.Start)
	end, _ := time.Parse(time.RFC3339, d.manifest.End)
	for _, r := range d.valid() {
		if r.at.Before(start) || !r.at.Before(end) {
			t.Fatalf("line %d: observed_at %s outside [%s, %s)", r.line, r.raw["observed_at"], start, end)
		}
	}
}

// Journeys: several sightings in time order, moving at plausible speeds.
func TestJourneys(t *testing.T) {
	d := generated(t, defaultCfg)
	type last struct {
		r record
		n int
	}
	seen := map[string]*last{}
	var multi, fast, pairs int
	for _, r := range d.valid() {
		if r.journey == "" {
			continue
		}
		p := seen[r.journey]
		if p == nil {
			seen[r.journey] = &last{r, 1}
			continue
		}
		if r.at.Before(p.r.at) {
			t.Fatalf("journey %s: line %d at %s comes after line %d at %s", r.journey, r.line, r.at, p.r.line, p.r.at)
		}
		if r.label != p.r.label {
			t.Fatalf("journey %s changes route label %q -> %q", r.journey, p.r.label, r.label)
		}
		// Allow for the stated precision and sideways spread: 60 km slack.
		km := haversineKm(p.r.lon, p.r.lat, r.lon, r.lat) - 60
		if h := r.at.Sub(p.r.at).Hours(); km > 0 && h > 0 {
			pairs++
			if km/h > 60 {
				fast++
			}
		}
		p.r, p.n = r, p.n+1
		if p.n == 2 {
			multi++
		}
	}
	if multi < len(seen)/2 {
		t.Errorf("%d of %d journeys have two or more sightings, want most", multi, len(seen))
	}
	if pairs == 0 || float64(fast)/float64(pairs) > 0.01 {
		t.Errorf("%d of %d consecutive pairs imply more than 60 km/h", fast, pairs)
	}
}

// Sea crossings peak in summer on the Mediterranean routes.
func TestSeasonality(t *testing.T) {
	d := generated(t, defaultCfg)
	var summer, winter float64
	for _, r := range d.valid() {
		if !isSeaMode(r.mode) || r.label != "Central Mediterranean" && r.label != "Eastern Mediterranean (Lesbos)" && r.label != "Western Mediterranean" {
			continue
		}
		switch r.at.Month() {
		case time.June, time.July, time.August, time.September:
			summer++
		case time.December, time.January, time.February, time.March:
			winter++
		}
	}
	if summer < 1.8*winter {
		t.Errorf("Mediterranean sea sightings: %v in Jun–Sep, %v in Dec–Mar; want a summer peak", summer, winter)
	}
}

func TestOutputFileGzip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.csv.gz")
	w, err := OpenOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := smallCfg
	if _, err := Generate(context.Background(), cfg, w, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(path)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if want := generated(t, smallCfg).out; !bytes.Equal(got, want) {
		t.Fatalf("gunzipped output (%d bytes) differs from plain output (%d bytes)", len(got), len(want))
	}
}

func TestConfigErrors(t *testing.T) {
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, cfg := range map[string]Config{
		"unknown scenario": {Scenario: "nope"},
		"end before start": {Scenario: "small", Start: day, End: day.AddDate(0, 0, -1)},
		"too short":        {Scenario: "small", Start: day, End: day.AddDate(0, 0, 10)},
		"negative bad":     {Scenario: "small", BadRows: -1},
		"bad format":       {Scenario: "small", Format: "xml"},
	} {
		if _, err := Generate(context.Background(), cfg, io.Discard, nil); err == nil {
			t.Errorf("%s: Generate(%+v) succeeded, want an error", name, cfg)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, smallCfg, io.Discard, nil); err == nil {
		t.Fatal("Generate with a cancelled context succeeded")
	}
}
