package ingest

import (
	"errors"
	"strings"
	"testing"
)

func TestNDJSON(t *testing.T) {
	data := `{"source":"FRX","external_id":"a","observed_at":"2024-05-01T10:00:00Z","lat":35.5,"lon":12.6,"persons":3,` +
		`"nationalities":["SY","er"],"modus_operandi":"mothership; crypto_payment","facilitator_detected":true,` +
		`"vessel":{"name":"X","len_m":12},"speed_kn":7.5,"remark":null,"comment":"طرابلس \u00e9"}` + "\n" +
		"\n" +
		`{"source":"FRX","external_id":"b","observed_at":"2024-05-01T10:00:00Z","lat":"95.5","lon":"120"}` + "\n" +
		`{"source":"FRX", "external_id":` + "\n" +
		`[1,2]` + "\n" +
		`{"source":"FRX","external_id":"c","observed_at":"2024-05-01T10:00:00Z","lat":[1],"lon":2}` + "\n" +
		`{"source":"FRX","external_id":"d","observed_at":"2024-05-01T10:00:00Z","lat":1,"lon":2,"nationalities":[{"x":1}]}` + "\n" +
		`{"source":"FRX","external_id":"e","observed_at":"2024-05-01T10:00:00Z","lat":1,"lon":2}`
	recs, err := readAll(t, data, "x.ndjson", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	wants := []struct {
		line int
		code string
	}{{1, ""}, {3, CodeLatOutOfRange}, {4, CodeBadRecord}, {5, CodeBadRecord}, {6, CodeBadCoordinate}, {7, CodeBadCountryCode}, {8, ""}}
	if len(recs) != len(wants) {
		t.Fatalf("got %d records, want %d: %+v", len(recs), len(wants), recs)
	}
	for i, w := range wants {
		code := ""
		if recs[i].Reject != nil {
			code = recs[i].Reject.Code
		}
		if recs[i].Line != w.line || code != w.code {
			t.Errorf("record %d: got line %d code %q (%+v), want line %d code %q", i, recs[i].Line, code, recs[i].Reject, w.line, w.code)
		}
	}
	s := recs[0].Sighting
	if s.Lat != 35.5 || *s.Persons != 3 || strings.Join(s.Nationalities, ",") != "SY,ER" ||
		strings.Join(s.ModusOperandi, ",") != "mothership,crypto_payment" || !*s.FacilitatorDetected {
		t.Errorf("got %+v", s)
	}
	if s.Attributes["vessel"] != `{"name":"X","len_m":12}` || s.Attributes["speed_kn"] != "7.5" ||
		s.Attributes["comment"] != "طرابلس é" {
		t.Errorf("attributes %#v", s.Attributes)
	}
	if _, ok := s.Attributes["remark"]; ok {
		t.Error("null member stored as attribute")
	}
	if !strings.HasPrefix(recs[2].Raw, `{"source":"FRX", "external_id":`) {
		t.Errorf("raw %q", recs[2].Raw)
	}
}

const fcHead = `{"type":"FeatureCollection","name":"test","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[`

func mkFeature(props, geom string) string {
	return `{"type":"Feature","properties":{` + props + `},"geometry":` + geom + `}`
}

const props = `"source":"FRX","observed_at":"2024-05-01T10:00:00Z","transport_mode":"Boat Rubber"`

func TestGeoJSON(t *testing.T) {
	data := fcHead +
		mkFeature(props+`,"external_id":"a"`, `{"type":"Point","coordinates":[12.6,35.5]}`) + ",\n" +
		mkFeature(props+`,"external_id":"b"`, `{"type":"Point","coordinates":[20.5,92.3]}`) + ",\n" + // written [lat, lon]
		`{"type":"Feature","id":77,"properties":{` + props + `},"geometry":{"type":"Point","coordinates":[12.6,35.5,0]}}` + ",\n" +
		mkFeature(props+`,"external_id":"d"`, `null`) + ",\n" +
		mkFeature(props+`,"external_id":"e"`, `{"type":"LineString","coordinates":[[1,2],[3,4]]}`) + ",\n" +
		mkFeature(props+`,"external_id":"f","lat":35.5,"lon":12.6`, `null`) + ",\n" +
		`{"type":"Point","coordinates":[1,2]}` + ",\n" +
		mkFeature(props+`,"external_id":"h"`, `{"type":"Point","coordinates":[181,10]}`) +
		`],"bbox":[-180,-90,180,90]}`
	recs, err := readAll(t, data, "x.geojson", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	wants := []struct {
		code, field string
	}{{"", ""}, {CodeSwappedCoordinates, "lat,lon"}, {"", ""}, {CodeMissingField, "lat"}, {CodeBadCoordinate, "geometry"},
		{"", ""}, {CodeBadRecord, ""}, {CodeLonOutOfRange, "lon"}}
	if len(recs) != len(wants) {
		t.Fatalf("got %d records, want %d: %+v", len(recs), len(wants), recs)
	}
	for i, w := range wants {
		code, field := "", ""
		if recs[i].Reject != nil {
			code, field = recs[i].Reject.Code, recs[i].Reject.Field
		}
		if recs[i].Line != i+1 || code != w.code || field != w.field {
			t.Errorf("feature %d: got line %d %q %q (%+v), want %q %q", i+1, recs[i].Line, code, field, recs[i].Reject, w.code, w.field)
		}
	}
	if s := recs[0].Sighting; s.Lat != 35.5 || s.Lon != 12.6 || s.TransportMode != "boat_rubber" {
		t.Errorf("got %+v", s)
	}
	if !strings.Contains(recs[1].Reject.Reason, "[lon, lat]") {
		t.Errorf("swap reason %q should explain the GeoJSON axis order", recs[1].Reject.Reason)
	}
	if s := recs[2].Sighting; s.ExternalID != "77" {
		t.Errorf("feature id not used as external_id: %+v", s)
	}
	if recs[0].Raw != mkFeature(props+`,"external_id":"a"`, `{"type":"Point","coordinates":[12.6,35.5]}`) {
		t.Errorf("raw %q", recs[0].Raw)
	}
}

func TestGeoJSONMemberOrder(t *testing.T) {
	data := `{"features":[` + mkFeature(props+`,"external_id":"a"`, `{"type":"Point","coordinates":[12.6,35.5]}`) +
		`],"type":"FeatureCollection"}`
	recs, err := readAll(t, data, "x.geojson", testOptions())
	if err != nil || len(recs) != 1 || recs[0].Sighting == nil {
		t.Errorf("type after features: got %+v, %v", recs, err)
	}
}

func TestGeoJSONFileErrors(t *testing.T) {
	tests := []struct{ name, data, wantIn string }{
		{"a Feature", mkFeature(props, `null`), "FeatureCollection"},
		{"no type", `{"features":[]}`, `"type"`},
		{"no features", `{"type":"FeatureCollection"}`, `"features"`},
		{"features not an array", `{"type":"FeatureCollection","features":{}}`, "not an array"},
		{"cut off", fcHead + mkFeature(props, `null`) + `,{"type":"Fea`, "cut off"},
		{"syntax error", fcHead + `{"type":"Feature",,}]}`, "not valid JSON"},
		{"trailing data", `{"type":"FeatureCollection","features":[]} {}`, "more data"},
		{"not an object", `"FeatureCollection"`, "does not start with a JSON object"},
		{"projected CRS", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[]}`, "3857"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, tt.data, "x.geojson", testOptions())
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(fe.Reason, tt.wantIn) {
				t.Errorf("got %v, want a FileError containing %q", err, tt.wantIn)
			}
		})
	}
}

func TestFormatDetection(t *testing.T) {
	names := []struct {
		name string
		want Format
	}{
		{"a.csv", CSV}, {"A.CSV.GZ", CSV}, {"dir/x.ndjson", NDJSON}, {"x.jsonl.gz", NDJSON}, {"x.geojson", GeoJSON},
		{"x.json", Auto}, {"", Auto}, {"application/geo+json", GeoJSON}, {"application/x-ndjson", NDJSON},
		{"text/csv; charset=utf-8", CSV}, {"application/json", Auto}, {`C:\data\x.csv`, CSV},
	}
	for _, n := range names {
		if got := FormatFromName(n.name); got != n.want {
			t.Errorf("FormatFromName(%q) = %v, want %v", n.name, got, n.want)
		}
	}
	sniffs := []struct {
		name, data string
		want       Format
	}{
		{"csv", canonicalCSV(t, nil, goodRow()), CSV},
		{"ndjson", `{"source":"a"}` + "\n" + `{"source":"b"}`, NDJSON},
		{"pretty geojson", "{\n  \"type\": \"FeatureCollection\",\n  \"features\": []\n}", GeoJSON},
		{"one-line geojson", `{"type":"FeatureCollection","features":[]}`, GeoJSON},
		{"gzipped ndjson", gz(t, `{"source":"a"}`+"\n"), NDJSON},
	}
	for _, s := range sniffs {
		rd, err := Open(strings.NewReader(s.data), "upload.json", testOptions())
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
			continue
		}
		if rd.Format() != s.want {
			t.Errorf("%s: sniffed %v, want %v", s.name, rd.Format(), s.want)
		}
	}
}
