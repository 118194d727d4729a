package ingest

import (
	"bytes"
	"io"
	"math"
	"testing"
	"unicode/utf8"
)

// fuzzRead reads everything from data and checks the invariants every
// decoder must keep: no panic, exactly one of Sighting and Reject per record,
// and accepted sightings that the database will take.
func fuzzRead(t *testing.T, data []byte, name string, opt Options) {
	opt.Now = testOptions().Now
	rd, err := Open(bytes.NewReader(data), name, opt)
	if err != nil {
		return
	}
	for n := 0; n < 10000; n++ {
		rec, err := rd.Next()
		if err != nil {
			if _, again := rd.Next(); again != err && err != io.EOF {
				t.Fatalf("error not sticky: %v then %v", err, again)
			}
			return
		}
		if (rec.Sighting == nil) == (rec.Reject == nil) {
			t.Fatalf("line %d: want exactly one of sighting and reject, got %+v", rec.Line, rec)
		}
		if r := rec.Reject; r != nil {
			if r.Code == "" || r.Reason == "" || r.Line != rec.Line {
				t.Fatalf("incomplete reject %+v", r)
			}
			continue
		}
		s := rec.Sighting
		if s.Source == "" || s.ExternalID == "" || math.Abs(s.Lat) > 90 || math.Abs(s.Lon) > 180 ||
			math.IsNaN(s.Lat) || math.IsNaN(s.Lon) || s.ObservedAt.Before(MinObservedAt) || s.HandlingCode == "" {
			t.Fatalf("invalid sighting accepted: %+v", s)
		}
		for _, txt := range []string{s.Source, s.ExternalID, s.RouteLabel, s.JourneyID} {
			if !utf8.ValidString(txt) || bytes.IndexByte([]byte(txt), 0) >= 0 {
				t.Fatalf("invalid text accepted: %q", txt)
			}
		}
		for _, c := range append(s.Nationalities, s.OriginCountry, s.DestinationCountry) {
			if c != "" {
				if _, ok := countryCode(c); !ok || c != string([]byte{upperASCII(c[0]), upperASCII(c[1])}) {
					t.Fatalf("invalid country code accepted: %q", c)
				}
			}
		}
		if s.Persons != nil && (*s.Persons < 0 || *s.Persons > MaxPersons) {
			t.Fatalf("persons %d accepted", *s.Persons)
		}
	}
}

func FuzzCSV(f *testing.F) {
	r := goodRow()
	f.Add([]byte(canonicalCSV(f, nil, r)))
	f.Add([]byte("\ufeff" + canonicalCSV(f, []string{"note"}, r)))
	f.Add([]byte(gz(f, canonicalCSV(f, nil, r))))
	f.Add([]byte("external_id,lat,lon,observed_at,source,route_label\na,35.5,12.6,2024-05-01T10:00:00Z,FRX,\"x,\ny\"\n"))
	f.Add([]byte("source,external_id,observed_at,lat,lon\nF,1,2024-01-01T00:00:00Z,12,5,3\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "f.csv", Options{}) })
}

func FuzzNDJSON(f *testing.F) {
	f.Add([]byte(`{"source":"FRX","external_id":"a","observed_at":"2024-05-01T10:00:00Z","lat":35.5,"lon":12.6,"nationalities":["SY"],"x":{"y":[1]}}` + "\n"))
	f.Add([]byte(`{"source":"FRX","external_id":"b","observed_at":"2024-05-01T10:00:00Z","lat":"95.5","lon":"120","modus_operandi":"mothership;x"}` + "\n\n[1]\n{"))
	f.Add([]byte(`{"source":"\u0000","external_id":1,"observed_at":null,"lat":[],"lon":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "f.ndjson", Options{}) })
}

func FuzzGeoJSON(f *testing.F) {
	f.Add([]byte(fcHead + mkFeature(props+`,"external_id":"a"`, `{"type":"Point","coordinates":[12.6,35.5]}`) + `]}`))
	f.Add([]byte(fcHead + mkFeature(props+`,"external_id":"b"`, `{"type":"Point","coordinates":[20.5,92.3]}`) + `,` +
		mkFeature(props, `null`) + `,{"type":"Feature","id":3,"geometry":{"type":"LineString"}}]}`))
	f.Add([]byte(`{"features":[{"type":"Feature","properties":null,"geometry":{"type":"Point","coordinates":["1","2"]}}],"type":"FeatureCollection"}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature"`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "f.geojson", Options{}) })
}
