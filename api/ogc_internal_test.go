package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"routewatch/store"
)

// TestOGCAPIDocumentMatchesHandlers checks that each items and item operation of the OpenAPI
// document lists exactly the query parameters its handler accepts (Part 1 refuses the rest).
func TestOGCAPIDocumentMatchesHandlers(t *testing.T) {
	raw, err := json.Marshal(ogcOpenAPI("http://x/ogc"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	comps := doc["components"].(map[string]any)["parameters"].(map[string]any)
	queryParams := func(path string) []string {
		get := doc["paths"].(map[string]any)[path].(map[string]any)["get"].(map[string]any)
		var names []string
		for _, ref := range get["parameters"].([]any) {
			key := ref.(map[string]any)["$ref"].(string)[len("#/components/parameters/"):]
			p := comps[key].(map[string]any)
			if p["in"] == "query" {
				names = append(names, p["name"].(string))
			}
		}
		slices.Sort(names)
		return names
	}
	for _, col := range ogcCollectionList {
		want := append(append([]string{}, ogcListParams...), col.listParams...)
		slices.Sort(want)
		if got := queryParams("/collections/" + col.id + "/items"); !slices.Equal(got, want) {
			t.Errorf("%s items: documented %v, handler accepts %v", col.id, got, want)
		}
		want = append([]string{"f", "properties"}, col.itemParams...)
		slices.Sort(want)
		if got := queryParams("/collections/" + col.id + "/items/{featureId}"); !slices.Equal(got, want) {
			t.Errorf("%s item: documented %v, handler accepts %v", col.id, got, want)
		}
		for name := range col.cql {
			if name != "geometry" && !slices.Contains(col.props, name) {
				t.Errorf("%s: queryable %s is not a property of its features", col.id, name)
			}
		}
	}
}

func TestParseLimit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true}, {"100", 100, true}, {" 250 ", 250, true}, {"10000", 10000, true}, {"10001", 10000, true},
		{"18446744073709551616", 10000, true}, {"0", 0, false}, {"-5", 0, false}, {"1e3", 0, false}, {"", 0, false},
	} {
		got, err := parseLimit(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseLimit(%q): got %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseProperties(t *testing.T) {
	known := []string{"a", "b", "c"}
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"a,b", "[a b]", true}, {" c , a ,c", "[c a]", true}, {"", "[]", true}, {",", "[]", true}, {"a,d", "", false},
	} {
		got, err := parseProperties(tc.in, known)
		if (err == nil) != tc.ok || (tc.ok && fmt.Sprint(got) != tc.want) {
			t.Errorf("parseProperties(%q): got %v, %v; want %s, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// FuzzParseDatetime: no input panics, and every accepted one is a non-empty half-open period.
func FuzzParseDatetime(f *testing.F) {
	for _, s := range []string{"2024-06-01", "2024-06-01T12:00:00Z", "../..", "2024-01-01/..", "../2024-01-01T00:00:00+02:00",
		"2024-06-01T/2024-07-01T", "/", "2024-13-01", "2024-01-02/2024-01-01", "x/y/z"} {
		f.Add(s)
	}
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseDatetime(s, now)
		if err == nil && !p.From.Before(p.To) {
			t.Errorf("parseDatetime(%q) = [%s, %s): empty", s, p.From, p.To)
		}
	})
}

// FuzzParseOGCBBox: no input panics, and every accepted box lies within lon/lat ranges.
func FuzzParseOGCBBox(f *testing.F) {
	for _, s := range []string{"10,30,20,40", "170,-20,-170,20", "1,2,0,3,4,10", "1,2,3", "a,b,c,d", "NaN,0,1,1", "1,2,9,3,4,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseOGCBBox(s)
		if err != nil {
			return
		}
		if b.South > b.North || b.South < -90 || b.North > 90 || b.West < -180 || b.West > 180 || b.East < -180 || b.East > 180 {
			t.Errorf("parseOGCBBox(%q) = %+v: out of range", s, b)
		}
	})
}

// TestCorridorFeatureProperties checks that corridor features carry the JSON encoding of the
// corridor's wire type, field for field, plus entry and exit in hex.
func TestCorridorFeatureProperties(t *testing.T) {
	trend := 1.25
	co := store.Corridor{ID: 1 << 60, RunID: 3, Kind: "label", Label: "Central Mediterranean", Res: 4, Legs: 10, Journeys: 4,
		Persons: 90, Sightings: 12, FirstSeen: time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC), Trend: &trend, Status: "new",
		TopModes: []store.ValueCount{{Value: "boat_rubber", Sightings: 9, Persons: 80}}, Entry: []h3.Cell{0x8428309ffffffff}}
	want := map[string]any{}
	raw, _ := json.Marshal(corridorOf(co))
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	want["last_seen"] = nil // zero: unknown
	want["entry"], want["exit"] = []any{"8428309ffffffff"}, []any{}
	want["from_place"], want["to_place"] = nil, nil // no centreline
	got := map[string]any{}
	raw, _ = json.Marshal(corridorFeature(co, false).Properties)
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("corridor properties:\n got %v\nwant %v", got, want)
	}
	if !strings.Contains(string(raw), `"id":1152921504606846976`) {
		t.Errorf("a large id lost precision: %s", raw)
	}
}

func TestCorridorFeatureNamesItsEnds(t *testing.T) {
	co := store.Corridor{ID: 2, Kind: "label", Res: 4, Centerline: orb.LineString{{12.08, 32.93}, {12.3, 33.2}, {372.62, 35.40}}}
	p := corridorFeature(co, false).Properties
	if p["from_place"] != "near Zuwarah, LY" || p["to_place"] != "sea, 11 km S of Lampedusa, IT" {
		t.Errorf("ends: from %v, to %v", p["from_place"], p["to_place"])
	}
}
