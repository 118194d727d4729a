package scenario

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"routewatch/sighting"
)

func sample() *sighting.Sighting {
	prec, persons, yes := 250, 42, true
	return &sighting.Sighting{
		Source: "AG-IT-CG", ExternalID: "ITCG-00000001",
		ObservedAt: time.Date(2024, 7, 1, 12, 30, 0, 0, time.FixedZone("", 2*3600)),
		Lat:        35.123456, Lon: 12.5, PrecisionM: &prec,
		JourneyID: "j-1", RouteLabel: `Route, with "quotes"`, OriginCountry: "SY", DestinationCountry: "IT",
		Nationalities: []string{"SY", "EG"}, Persons: &persons, TransportMode: "boat_rubber",
		ModusOperandi: []string{"mothership", "hawala_payment"}, FacilitatorDetected: &yes,
		SourceReliability: "B", InfoCredibility: 2, HandlingCode: "H1",
	}
}

func write(t *testing.T, f Format, ss ...*sighting.Sighting) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(f, &buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if err := w.Write(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCSVWriter(t *testing.T) {
	out := write(t, CSV, sample(), &sighting.Sighting{Source: "X", ExternalID: "1"})
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(sighting.Columns, ",") {
		t.Fatalf("rows = %q", rows)
	}
	got := map[string]string{}
	for i, c := range rows[0] {
		got[c] = rows[1][i]
	}
	want := map[string]string{
		"observed_at": "2024-07-01T12:30:00+02:00", "lat": "35.12346", "lon": "12.50000",
		"route_label": `Route, with "quotes"`, "nationalities": "SY;EG", "modus_operandi": "mothership;hawala_payment",
		"persons": "42", "facilitator_detected": "true", "info_credibility": "2", "location_precision_m": "250",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for i, c := range rows[0] {
		if v := rows[2][i]; c != "source" && c != "external_id" && c != "lat" && c != "lon" && v != "" {
			t.Errorf("unknown %s written as %q, want empty", c, v)
		}
	}
	if h := write(t, CSV); string(h) != strings.Join(sighting.Columns, ",")+"\n" {
		t.Errorf("empty CSV = %q, want the header alone", h)
	}
}

func TestJSONWriters(t *testing.T) {
	nd := write(t, NDJSON, sample(), &sighting.Sighting{Source: "X", ExternalID: "1"})
	lines := strings.Split(strings.TrimSuffix(string(nd), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2", len(lines))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatal(err)
	}
	if m["route_label"] != `Route, with "quotes"` || m["lat"] != 35.12346 || m["persons"] != 42.0 ||
		len(m["nationalities"].([]any)) != 2 || m["facilitator_detected"] != true {
		t.Errorf("ndjson record = %v", m)
	}
	if err := json.Unmarshal([]byte(lines[1]), &m); err != nil || m["persons"] != nil || m["transport_mode"] != nil {
		t.Errorf("unknown fields: %v (%v), want null", m, err)
	}

	geo := write(t, GeoJSON, sample(), sample())
	var fc struct {
		Type     string
		Features []struct {
			Geometry   struct{ Coordinates []float64 }
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(geo, &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) != 2 {
		t.Fatalf("geojson: %v, %+v", err, fc)
	}
	if c := fc.Features[0].Geometry.Coordinates; len(c) != 2 || c[0] != 12.5 || c[1] != 35.12346 {
		t.Errorf("coordinates = %v, want [lon, lat]", c)
	}
	if _, ok := fc.Features[0].Properties["lat"]; ok {
		t.Errorf("lat repeated in properties")
	}
	if lines := bytes.Count(geo, []byte("\n")); lines != 4 {
		t.Errorf("geojson has %d lines, want one per feature plus head and tail", lines)
	}
	if err := json.Unmarshal(write(t, GeoJSON), &fc); err != nil || len(fc.Features) != 0 {
		t.Errorf("empty geojson: %v %+v", err, fc)
	}
}

func TestOverrides(t *testing.T) {
	fix := []Override{{Field: "lat", Absent: true}, {Field: "observed_at", Text: "13/05/2023 14:20", JSON: `"13/05/2023 14:20"`}}
	var buf bytes.Buffer
	w, _ := NewWriter(GeoJSON, &buf)
	w.WriteOverride(sample(), fix)
	w.Close()
	var fc struct{ Features []map[string]any }
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	f := fc.Features[0]
	if f["geometry"] != nil || f["properties"].(map[string]any)["observed_at"] != "13/05/2023 14:20" {
		t.Errorf("feature = %v", f)
	}
}

func TestColumnsKnown(t *testing.T) {
	for i, name := range sighting.Columns {
		if columns[i] == colUnknown {
			t.Errorf("column %q has no encoder", name)
		}
	}
}
