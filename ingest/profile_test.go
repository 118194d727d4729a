package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Rome without the system zoneinfo
)

func TestBuiltinProfiles(t *testing.T) {
	names := Profiles()
	if !reflect.DeepEqual(names, []string{"iom-mmp", "iom-mmp-2026"}) {
		t.Errorf("Profiles() = %v", names)
	}
	for _, n := range names {
		p, err := LoadProfile(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if p.Name != n {
			t.Errorf("profile file %s.json names itself %q", n, p.Name)
		}
		dims := p.Dimensions()
		if !contains(dims, "cause_of_death") || contains(dims, "url") {
			t.Errorf("%s: dimensions %v", n, dims)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

const agencyProfile = `{
  "name": "coastguard-x",
  "delimiter": ";",
  "timezone": "Europe/Rome",
  "fixed": {"source": "CG-X", "source_reliability": "b"},
  "fields": {
    "external_id": {"column": "Case"},
    "observed_at": {"column": "Date", "layout": "02.01.2006 15:04"},
    "lat": {"column": "Lat"},
    "lon": {"column": "Lon"},
    "transport_mode": {"column": "Vessel", "map": {"GOMMONE": "boat_rubber", "LEGNO": "boat_wooden"}},
    "nationalities": {"column": "Nat", "split": {"sep": "/"}},
    "persons": {"column": "Pax"},
    "handling_code": {"column": "Class", "map": {"PUBLIC": "H0", "RESTRICTED": "H2"}}
  },
  "attributes": [
    {"name": "vessel_raw", "column": "Vessel", "categorical": true},
    {"name": "port", "column": "Port", "categorical": true},
    {"name": "notes", "column": "Notes"}
  ],
  "flags": [{"column": "Status", "equals": ["rescued", "intercepted"], "attribute": "outcome_known", "value": "yes"}]
}`

func TestUserProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cg.json")
	if err := os.WriteFile(path, []byte(agencyProfile), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Dimensions(); !reflect.DeepEqual(got, []string{"vessel_raw", "port"}) {
		t.Errorf("Dimensions() = %v", got)
	}
	data := "Case;Date;Lat;Lon;Vessel;Nat;Pax;Class;Port;Notes;Status;Ignored\n" +
		"17;01.05.2024 10:30;35,5;12.6;GOMMONE;sy/ER;40;PUBLIC;Lampedusa;;Rescued;x\n" +
		"18;31.04.2024 10:30;35.5;12.6;LEGNO;;;RESTRICTED;;;;\n" +
		"19;01.05.2024 10:30;35.5;12.6;KAYAK;;;;;;;\n" +
		"20;01.05.2024 10:30;35.5;12.6;LEGNO;ER;12;;Lampedusa;طرابلس;;\n"
	opt := testOptions()
	opt.Profile = p
	recs, err := readAll(t, data, "cg.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("got %d records", len(recs))
	}
	if r := recs[0].Reject; r == nil || r.Code != CodeBadCoordinate || !strings.Contains(r.Reason, `lat (from "Lat") "35,5"`) {
		t.Errorf("row 1: got %+v, want bad_coordinate naming the column", r)
	}
	if r := recs[1].Reject; r == nil || r.Code != CodeBadTimestamp || !strings.Contains(r.Reason, "02.01.2006 15:04") {
		t.Errorf("row 2: got %+v, want bad_timestamp naming the layout", r)
	}
	if r := recs[2].Reject; r == nil || r.Code != CodeUnknownVocabulary || !strings.Contains(r.Reason, `"KAYAK"`) {
		t.Errorf("row 3: got %+v, want unknown_vocabulary for the unmapped value", r)
	}
	s := recs[3].Sighting
	if s == nil {
		t.Fatalf("row 4 rejected: %+v", recs[3].Reject)
	}
	rome, _ := time.LoadLocation("Europe/Rome")
	if s.Source != "CG-X" || s.ExternalID != "20" || !s.ObservedAt.Equal(time.Date(2024, 5, 1, 10, 30, 0, 0, rome)) ||
		s.TransportMode != "boat_wooden" || *s.Persons != 12 || s.SourceReliability != "B" || s.HandlingCode != "H3" ||
		!reflect.DeepEqual(s.Nationalities, []string{"ER"}) {
		t.Errorf("row 4: got %+v", s)
	}
	wantAttrs := map[string]any{"vessel_raw": "LEGNO", "port": "Lampedusa", "notes": "طرابلس"}
	if !reflect.DeepEqual(s.Attributes, wantAttrs) {
		t.Errorf("row 4 attributes %v, want %v", s.Attributes, wantAttrs)
	}

	// The same file with the first row fixed: flags and list splits.
	data = strings.Replace(data, "35,5", "35.5", 1)
	recs, err = readAll(t, data, "cg.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	s = recs[0].Sighting
	if s == nil || s.Attributes["outcome_known"] != "yes" || !reflect.DeepEqual(s.Nationalities, []string{"SY", "ER"}) ||
		s.HandlingCode != "H0" {
		t.Errorf("row 1: got %+v %+v", s, recs[0].Reject)
	}
}

func TestProfileHeaderMismatch(t *testing.T) {
	p, err := parseProfile([]byte(agencyProfile), "test")
	if err != nil {
		t.Fatal(err)
	}
	opt := testOptions()
	opt.Profile = p
	_, err = readAll(t, "Case;Date;Lat;Lon\n", "cg.csv", opt)
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Reason, `"Vessel"`) {
		t.Errorf("got %v, want a FileError naming the missing column", err)
	}
	if _, err := Open(strings.NewReader(`{"a":1}`), "x.ndjson", opt); err == nil {
		t.Error("profile accepted for NDJSON")
	}
}

func TestProfileLoadErrors(t *testing.T) {
	base := `"name":"p","fields":{"external_id":{"column":"id"},"observed_at":{"column":"t"}},"coordinates":{"column":"c","order":"lat,lon"}`
	tests := []struct{ name, json, wantIn string }{
		{"unknown member", `{` + base + `,"colour":"red"}`, "colour"},
		{"no name", `{"fields":{}}`, "name"},
		{"unknown field", `{"name":"p","fields":{"speed":{"column":"s"}}}`, "canonical"},
		{"column and sum", `{"name":"p","fields":{"persons":{"column":"a","sum":["b"]}}}`, "exactly one"},
		{"sum on text", `{"name":"p","fields":{"route_label":{"sum":["a","b"]}}}`, "only for persons"},
		{"bad layout", `{"name":"p","fields":{"observed_at":{"column":"t","layout":"15:04"}}}`, "full date"},
		{"bad timezone", `{` + base + `,"timezone":"Mars/Olympus"}`, "Mars"},
		{"bad pick", `{"name":"p","fields":{"source_reliability":{"column":"q","pick":"best"}}}`, "pick"},
		{"bad fixed handling", `{` + base + `,"fixed":{"handling_code":"H7"}}`, "H7"},
		{"fixed date", `{` + base + `,"fixed":{"lat":"1"}}`, "cannot be fixed"},
		{"no coordinates", `{"name":"p","fields":{"external_id":{"column":"id"},"observed_at":{"column":"t"}}}`, "coordinates"},
		{"bad order", `{"name":"p","fields":{"external_id":{"column":"id"},"observed_at":{"column":"t"}},"coordinates":{"column":"c","order":"x,y"}}`, "order"},
		{"duplicate attribute", `{` + base + `,"attributes":[{"name":"a","column":"x"},{"name":"a","column":"y"}]}`, "twice"},
		{"two-character delimiter", `{` + base + `,"delimiter":";;"}`, "delimiter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseProfile([]byte(tt.json), "test")
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("got %v, want an error containing %q", err, tt.wantIn)
			}
		})
	}
	if _, err := LoadProfile("no-such-profile"); err == nil || !strings.Contains(err.Error(), "iom-mmp") {
		t.Errorf("unknown profile: got %v, want an error listing the built-in ones", err)
	}
}

func TestProfileNeedsZone(t *testing.T) {
	p, err := parseProfile([]byte(`{"name":"p","fixed":{"source":"S"},"fields":{"external_id":{"column":"id"},`+
		`"observed_at":{"column":"t","layout":"2006-01-02"}},"coordinates":{"column":"c","order":"lon,lat"}}`), "test")
	if err != nil {
		t.Fatal(err)
	}
	data := "id,t,c\n1,2024-05-01,\"12.6, 35.5\"\n"
	if _, err := Open(strings.NewReader(data), "x.csv", Options{Profile: p}); err == nil {
		t.Error("a date layout without zone and no timezone: want an error")
	}
	opt := testOptions()
	opt.Profile, opt.Timezone = p, time.UTC
	rec := one(t, data, "x.csv", opt)
	if s := rec.Sighting; s == nil || s.Lat != 35.5 || s.Lon != 12.6 {
		t.Errorf("lon,lat order: got %+v %+v", s, rec.Reject)
	}
}

func TestSplitValue(t *testing.T) {
	tests := []struct {
		in   string
		sp   Split
		want []string
	}{
		{"Drowning,Violence", Split{",", " "}, []string{"Drowning", "Violence"}},
		{"Harsh environmental conditions / lack of adequate shelter, food, water,Violence", Split{",", " "},
			[]string{"Harsh environmental conditions / lack of adequate shelter, food, water", "Violence"}},
		{"a, b,,c", Split{Sep: ","}, []string{"a", "b", "c"}},
		{"", Split{Sep: ","}, nil},
		{"4,5", Split{Sep: ","}, []string{"4", "5"}},
	}
	for _, tt := range tests {
		if got := splitValue(tt.in, &tt.sp); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitValue(%q, %+v) = %q, want %q", tt.in, tt.sp, got, tt.want)
		}
	}
}
