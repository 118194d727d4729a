package scenario

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/sighting"
)

// record is one parsed row: raw canonical fields plus the typed values of a
// row that parses.
type record struct {
	line int
	raw  map[string]string // CSV text of every canonical field; absent JSON keys are missing

	source, extID, journey, label, mode string
	at                                  time.Time
	lat, lon                            float64
	nats, mo                            []string
	persons                             int
	cell                                h3.Cell // at CellResolution
}

type dataset struct {
	out      []byte
	manifest Manifest
	stats    Stats
	records  []record
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*dataset{}
)

// generated runs Generate once per distinct config within the test binary.
func generated(t testing.TB, cfg Config) *dataset {
	t.Helper()
	key := fmt.Sprintf("%+v", cfg)
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if d := cache[key]; d != nil {
		return d
	}
	var out, truth bytes.Buffer
	st, err := Generate(context.Background(), cfg, &out, &truth)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	d := &dataset{out: out.Bytes(), stats: st}
	if err := json.Unmarshal(truth.Bytes(), &d.manifest); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	format := cfg.Format
	if format == "" {
		format = CSV
	}
	d.records = parseOutput(t, format, d.out)
	cache[key] = d
	return d
}

func parseOutput(t testing.TB, f Format, data []byte) []record {
	t.Helper()
	var recs []record
	switch f {
	case CSV:
		r := csv.NewReader(bytes.NewReader(data))
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("csv: %v", err)
		}
		if !slices.Equal(rows[0], sighting.Columns) {
			t.Fatalf("csv header = %v, want sighting.Columns", rows[0])
		}
		for i, row := range rows[1:] {
			raw := map[string]string{}
			for j, name := range rows[0] {
				raw[name] = row[j]
			}
			recs = append(recs, record{line: i + 2, raw: raw})
		}
	case NDJSON:
		for i, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatalf("ndjson line %d: %v", i+1, err)
			}
			recs = append(recs, record{line: i + 1, raw: jsonToRaw(m)})
		}
	case GeoJSON:
		var fc struct {
			Type     string
			Features []struct {
				Type     string
				Geometry *struct {
					Type        string
					Coordinates []json.Number
				}
				Properties map[string]any
			}
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&fc); err != nil || fc.Type != "FeatureCollection" {
			t.Fatalf("geojson: %v (type %q)", err, fc.Type)
		}
		for i, f := range fc.Features {
			raw := jsonToRaw(f.Properties)
			if f.Geometry != nil {
				if f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 {
					t.Fatalf("feature %d: geometry %+v", i, f.Geometry)
				}
				raw["lon"], raw["lat"] = f.Geometry.Coordinates[0].String(), f.Geometry.Coordinates[1].String()
			}
			recs = append(recs, record{line: i + 1, raw: raw})
		}
	}
	for i := range recs {
		recs[i].typed()
	}
	return recs
}

// jsonToRaw turns JSON values back into the CSV text of each field.
func jsonToRaw(m map[string]any) map[string]string {
	raw := map[string]string{}
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			raw[k] = ""
		case string:
			raw[k] = v
		case bool:
			raw[k] = strconv.FormatBool(v)
		case float64:
			raw[k] = strconv.FormatFloat(v, 'f', -1, 64)
		case json.Number:
			raw[k] = v.String()
		case []any:
			var parts []string
			for _, x := range v {
				parts = append(parts, fmt.Sprint(x))
			}
			raw[k] = strings.Join(parts, sighting.ListSeparator)
		default:
			raw[k] = fmt.Sprint(v)
		}
	}
	return raw
}

func (r *record) typed() {
	r.source, r.extID, r.journey, r.label, r.mode = r.raw["source"], r.raw["external_id"], r.raw["journey_id"], r.raw["route_label"], r.raw["transport_mode"]
	r.at, _ = time.Parse(time.RFC3339, r.raw["observed_at"])
	r.lat, _ = strconv.ParseFloat(r.raw["lat"], 64)
	r.lon, _ = strconv.ParseFloat(r.raw["lon"], 64)
	r.nats = splitList(r.raw["nationalities"])
	r.mo = splitList(r.raw["modus_operandi"])
	r.cell = h3.LatLngToCell(h3.NewLatLng(r.lat, r.lon), CellResolution)
	r.persons = -1
	if p, err := strconv.Atoi(r.raw["persons"]); err == nil {
		r.persons = p
	}
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sighting.ListSeparator)
}

// valid returns the records that are not listed as bad rows.
func (d *dataset) valid() []record {
	bad := map[int]bool{}
	for _, b := range d.manifest.BadRows {
		bad[b.Line] = true
	}
	var out []record
	for _, r := range d.records {
		if !bad[r.line] {
			out = append(out, r)
		}
	}
	return out
}

func (d *dataset) event(t testing.TB, typ, id string) Event {
	t.Helper()
	for _, e := range d.manifest.Events {
		if e.Type == typ && (id == "" || e.ID == id) {
			return e
		}
	}
	t.Fatalf("no %s event %q in the manifest", typ, id)
	return Event{}
}

func mustDate(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// isSeaMode says whether a transport mode travels on water.
func isSeaMode(m string) bool {
	return strings.HasPrefix(m, "boat_") || m == "fishing_vessel" || m == "cargo_ship"
}

func cellOf(r record) h3.Cell { return r.cell }

// Configs shared by the tests: small (the test preset) and a reduced
// default (three years, for year-over-year comparisons).
var (
	smallCfg   = Config{Scenario: "small", Seed: 7, BadRows: 40}
	defaultCfg = Config{Scenario: "default", Seed: 11, Sightings: 60_000, BadRows: 25}
)
