package ingest

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"routewatch/sighting"
)

func TestValidateCanonicalCSV(t *testing.T) {
	tests := []struct {
		name      string
		set       map[string]string
		wantCode  string // "" = accepted
		wantField string
		wantIn    string // substring of the reason
		check     func(*testing.T, *sighting.Sighting)
	}{
		{name: "valid row", check: func(t *testing.T, s *sighting.Sighting) {
			want := time.Date(2024, 5, 1, 8, 30, 0, 0, time.UTC)
			if s.Source != "FRX" || s.ExternalID != "e-1" || !s.ObservedAt.Equal(want) || s.Lat != 35.5 || s.Lon != 12.6 ||
				*s.PrecisionM != 500 || s.JourneyID != "j-7" || s.OriginCountry != "LY" || s.DestinationCountry != "IT" ||
				strings.Join(s.Nationalities, ",") != "SY,ER" || *s.Persons != 42 || s.TransportMode != "boat_rubber" ||
				strings.Join(s.ModusOperandi, ",") != "mothership,crypto_payment" || !*s.FacilitatorDetected ||
				s.SourceReliability != "B" || s.InfoCredibility != 2 || s.HandlingCode != "H1" || s.Attributes != nil {
				t.Errorf("got %+v", s)
			}
			if _, off := s.ObservedAt.Zone(); off != 7200 {
				t.Errorf("offset %d, want the reporter's +02:00 kept", off)
			}
		}},
		{name: "optional fields empty", set: map[string]string{"location_precision_m": "", "journey_id": "", "route_label": "",
			"origin_country": "", "destination_country": "", "nationalities": "", "persons": "", "transport_mode": "",
			"modus_operandi": "", "facilitator_detected": "", "source_reliability": "", "info_credibility": "", "handling_code": ""},
			check: func(t *testing.T, s *sighting.Sighting) {
				if s.PrecisionM != nil || s.Persons != nil || s.FacilitatorDetected != nil || s.Nationalities != nil ||
					s.ModusOperandi != nil || s.InfoCredibility != 0 || s.SourceReliability != "" || s.HandlingCode != "H3" {
					t.Errorf("got %+v, want unknowns and the default handling code H3", s)
				}
			}},
		{name: "missing source", set: map[string]string{"source": " "}, wantCode: CodeMissingField, wantField: "source"},
		{name: "missing external_id", set: map[string]string{"external_id": ""}, wantCode: CodeMissingField, wantField: "external_id"},
		{name: "missing observed_at", set: map[string]string{"observed_at": ""}, wantCode: CodeMissingField, wantField: "observed_at"},
		{name: "missing lat", set: map[string]string{"lat": ""}, wantCode: CodeMissingField, wantField: "lat"},
		{name: "missing lon", set: map[string]string{"lon": ""}, wantCode: CodeMissingField, wantField: "lon"},
		{name: "lat out of range", set: map[string]string{"lat": "95.5", "lon": "120"}, wantCode: CodeLatOutOfRange, wantField: "lat", wantIn: "95.5"},
		{name: "lat far out of range", set: map[string]string{"lat": "-200", "lon": "10"}, wantCode: CodeLatOutOfRange, wantField: "lat"},
		{name: "lon out of range", set: map[string]string{"lon": "181"}, wantCode: CodeLonOutOfRange, wantField: "lon", wantIn: "181"},
		{name: "swapped coordinates", set: map[string]string{"lat": "120.5", "lon": "35.2"}, wantCode: CodeSwappedCoordinates, wantField: "lat,lon", wantIn: "swapped"},
		{name: "decimal comma", set: map[string]string{"lat": "12,5"}, wantCode: CodeBadCoordinate, wantField: "lat", wantIn: `"12,5" uses a decimal comma`},
		{name: "NaN", set: map[string]string{"lon": "NaN"}, wantCode: CodeBadCoordinate, wantField: "lon", wantIn: "finite"},
		{name: "Inf", set: map[string]string{"lat": "-Inf"}, wantCode: CodeBadCoordinate, wantField: "lat", wantIn: "finite"},
		{name: "overflow", set: map[string]string{"lat": "1e400"}, wantCode: CodeBadCoordinate, wantField: "lat"},
		{name: "text coordinate", set: map[string]string{"lat": "north"}, wantCode: CodeBadCoordinate, wantField: "lat"},
		{name: "hex coordinate", set: map[string]string{"lat": "0x1p4"}, wantCode: CodeBadCoordinate, wantField: "lat"},
		{name: "degrees minutes seconds", set: map[string]string{"lat": "35°30'N"}, wantCode: CodeBadCoordinate, wantIn: "decimal degrees"},
		{name: "null island", set: map[string]string{"lat": "0", "lon": "0.0"}, wantCode: CodeNullIsland, wantField: "lat,lon"},
		{name: "bad timestamp", set: map[string]string{"observed_at": "2024-13-01T00:00:00Z"}, wantCode: CodeBadTimestamp, wantField: "observed_at", wantIn: "RFC 3339"},
		{name: "day-first date", set: map[string]string{"observed_at": "01/05/2024"}, wantCode: CodeBadTimestamp},
		{name: "no offset", set: map[string]string{"observed_at": "2024-05-01T10:30:00"}, wantCode: CodeBadTimestamp, wantIn: "no UTC offset"},
		{name: "future", set: map[string]string{"observed_at": "2024-06-03T12:00:01Z"}, wantCode: CodeBadTimestamp, wantIn: "future"},
		{name: "future within tolerance", set: map[string]string{"observed_at": "2024-06-03T11:59:59Z"}},
		{name: "before 1990", set: map[string]string{"observed_at": "1989-12-31T23:59:59Z"}, wantCode: CodeBadTimestamp, wantIn: "1990"},
		{name: "space instead of T", set: map[string]string{"observed_at": "2024-05-01 10:30:00Z"}},
		{name: "unknown transport mode", set: map[string]string{"transport_mode": "hovercraft"}, wantCode: CodeUnknownVocabulary, wantField: "transport_mode", wantIn: `"hovercraft"`},
		{name: "unknown modus operandi", set: map[string]string{"modus_operandi": "mothership;teleport"}, wantCode: CodeUnknownVocabulary, wantField: "modus_operandi", wantIn: `"teleport"`},
		{name: "vocabulary folded", set: map[string]string{"transport_mode": " Boat Rubber ", "modus_operandi": "Concealment-Vehicle; MOTHERSHIP ;"},
			check: func(t *testing.T, s *sighting.Sighting) {
				if s.TransportMode != "boat_rubber" || strings.Join(s.ModusOperandi, ",") != "concealment_vehicle,mothership" {
					t.Errorf("got %q %q", s.TransportMode, s.ModusOperandi)
				}
			}},
		{name: "bad origin", set: map[string]string{"origin_country": "XX"}, wantCode: CodeBadCountryCode, wantField: "origin_country", wantIn: `"XX"`},
		{name: "alpha-3 destination", set: map[string]string{"destination_country": "GBR"}, wantCode: CodeBadCountryCode, wantField: "destination_country"},
		{name: "reserved code UK", set: map[string]string{"destination_country": "UK"}, wantCode: CodeBadCountryCode},
		{name: "bad nationality", set: map[string]string{"nationalities": "SY;Syria"}, wantCode: CodeBadCountryCode, wantField: "nationalities", wantIn: `"Syria"`},
		{name: "lower-case countries", set: map[string]string{"origin_country": "ly", "nationalities": "sy; af"},
			check: func(t *testing.T, s *sighting.Sighting) {
				if s.OriginCountry != "LY" || strings.Join(s.Nationalities, ",") != "SY,AF" {
					t.Errorf("got %q %q", s.OriginCountry, s.Nationalities)
				}
			}},
		{name: "bad reliability", set: map[string]string{"source_reliability": "G"}, wantCode: CodeBadReliability, wantField: "source_reliability"},
		{name: "two-letter reliability", set: map[string]string{"source_reliability": "AB"}, wantCode: CodeBadReliability},
		{name: "lower-case reliability", set: map[string]string{"source_reliability": "c"},
			check: func(t *testing.T, s *sighting.Sighting) {
				if s.SourceReliability != "C" {
					t.Errorf("got %q", s.SourceReliability)
				}
			}},
		{name: "credibility 0", set: map[string]string{"info_credibility": "0"}, wantCode: CodeBadCredibility, wantField: "info_credibility"},
		{name: "credibility 7", set: map[string]string{"info_credibility": "7"}, wantCode: CodeBadCredibility},
		{name: "handling code H4", set: map[string]string{"handling_code": "H4"}, wantCode: CodeBadHandlingCode, wantField: "handling_code"},
		{name: "lower-case handling code", set: map[string]string{"handling_code": "h2"},
			check: func(t *testing.T, s *sighting.Sighting) {
				if s.HandlingCode != "H2" {
					t.Errorf("got %q", s.HandlingCode)
				}
			}},
		{name: "negative persons", set: map[string]string{"persons": "-1"}, wantCode: CodeBadPersons, wantField: "persons", wantIn: "negative"},
		{name: "fractional persons", set: map[string]string{"persons": "2.5"}, wantCode: CodeBadPersons, wantIn: "whole number"},
		{name: "absurd persons", set: map[string]string{"persons": "10001"}, wantCode: CodeBadPersons, wantIn: "10000"},
		{name: "persons at the limit", set: map[string]string{"persons": "10000"}},
		{name: "control character", set: map[string]string{"route_label": "Central\x07Med"}, wantCode: CodeBadText, wantField: "route_label", wantIn: "U+0007"},
		{name: "invalid UTF-8", set: map[string]string{"journey_id": "j\xff\xfe"}, wantCode: CodeBadText, wantField: "journey_id", wantIn: "UTF-8"},
		{name: "NUL in id", set: map[string]string{"external_id": "a\x00b"}, wantCode: CodeBadText, wantField: "external_id"},
		{name: "C1 control", set: map[string]string{"route_label": "a\u0085b"}, wantCode: CodeBadText},
		{name: "tab and newline allowed", set: map[string]string{"route_label": "a\tb\nc"}},
		{name: "NFC normalised", set: map[string]string{"route_label": "Cafe\u0301"},
			check: func(t *testing.T, s *sighting.Sighting) {
				if s.RouteLabel != "Caf\u00e9" {
					t.Errorf("got %q, want NFC", s.RouteLabel)
				}
			}},
		{name: "negative precision", set: map[string]string{"location_precision_m": "-5"}, wantCode: CodeBadNumber, wantField: "location_precision_m"},
		{name: "text precision", set: map[string]string{"location_precision_m": "about 5km"}, wantCode: CodeBadNumber},
		{name: "decimal precision", set: map[string]string{"location_precision_m": "12.6"},
			check: func(t *testing.T, s *sighting.Sighting) {
				if *s.PrecisionM != 13 {
					t.Errorf("got %d, want 13", *s.PrecisionM)
				}
			}},
		{name: "bad boolean", set: map[string]string{"facilitator_detected": "maybe"}, wantCode: CodeBadBoolean, wantField: "facilitator_detected"},
		{name: "boolean words", set: map[string]string{"facilitator_detected": "No"},
			check: func(t *testing.T, s *sighting.Sighting) {
				if *s.FacilitatorDetected {
					t.Error("got true, want false")
				}
			}},
	}
	covered := map[string]bool{CodeBadRecord: true} // TestBadRecord
	for _, tt := range tests {
		covered[tt.wantCode] = true
	}
	for _, c := range Codes {
		if !covered[c] {
			t.Errorf("no case for reason code %s", c)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := goodRow()
			for k, v := range tt.set {
				r[k] = v
			}
			rec := one(t, canonicalCSV(t, nil, r), "x.csv", testOptions())
			if rec.Line != 2 {
				t.Errorf("line %d, want 2", rec.Line)
			}
			if tt.wantCode == "" {
				if rec.Reject != nil {
					t.Fatalf("got reject %+v, want a sighting", rec.Reject)
				}
				if tt.check != nil {
					tt.check(t, rec.Sighting)
				}
				return
			}
			rej := rec.Reject
			if rej == nil {
				t.Fatalf("got sighting %+v, want reject %s", rec.Sighting, tt.wantCode)
			}
			if rej.Code != tt.wantCode || (tt.wantField != "" && rej.Field != tt.wantField) ||
				!strings.Contains(rej.Reason, tt.wantIn) || rej.Line != 2 {
				t.Errorf("got %+v, want code %s field %q reason containing %q", rej, tt.wantCode, tt.wantField, tt.wantIn)
			}
		})
	}
}

func TestBadRecord(t *testing.T) {
	const head = "source,external_id,observed_at,lat,lon\n"
	tests := []struct {
		name, data, file, wantIn string
	}{
		{"too few fields", head + "F,1,2024-05-01T10:00:00Z,35.5\n", "x.csv", "4 fields but the header has 5"},
		{"too many fields", head + "F,1,2024-05-01T10:00:00Z,35,5,12.6\n", "x.csv", "6 fields"},
		{"bare quote", head + "F,1\"2,2024-05-01T10:00:00Z,35.5,12.6\n", "x.csv", "unquoted field"},
		{"text after closing quote", head + "F,\"1\"2,2024-05-01T10:00:00Z,35.5,12.6\n", "x.csv", "closing quote"},
		{"unclosed quote", head + "F,\"1,2024-05-01T10:00:00Z,35.5,12.6\n", "x.csv", "not closed"},
		{"NDJSON syntax", `{"source":"F",}`, "x.ndjson", "not valid JSON"},
		{"NDJSON array", `["F"]`, "x.ndjson", "array, not an object"},
		{"GeoJSON geometry as feature", `{"type":"FeatureCollection","features":[{"type":"Point","coordinates":[1,2]}]}`,
			"x.geojson", `"Point"`},
		{"GeoJSON properties not an object", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":[1]}]}`,
			"x.geojson", "properties"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := one(t, tt.data, tt.file, testOptions())
			if r := rec.Reject; r == nil || r.Code != CodeBadRecord || !strings.Contains(r.Reason, tt.wantIn) || rec.Raw == "" {
				t.Errorf("got %+v (raw %q), want bad_record with a reason containing %q", r, rec.Raw, tt.wantIn)
			}
		})
	}
}

func TestCustomVocabulary(t *testing.T) {
	opt := testOptions()
	opt.Vocab = Vocab{TransportModes: []string{"hovercraft"}, ModiOperandi: []string{"Jet Ski Relay"}}
	r := goodRow()
	r["transport_mode"], r["modus_operandi"] = "HOVERCRAFT", "jet-ski relay"
	rec := one(t, canonicalCSV(t, nil, r), "x.csv", opt)
	if rec.Reject != nil || rec.Sighting.TransportMode != "hovercraft" || rec.Sighting.ModusOperandi[0] != "Jet Ski Relay" {
		t.Errorf("got %+v %+v", rec.Sighting, rec.Reject)
	}
	r["transport_mode"] = "boat_rubber" // seeded, but not in this vocabulary
	if rec := one(t, canonicalCSV(t, nil, r), "x.csv", opt); rec.Reject == nil || rec.Reject.Code != CodeUnknownVocabulary {
		t.Errorf("got %+v, want unknown_vocabulary", rec.Reject)
	}
}

func TestOptions(t *testing.T) {
	r := goodRow()
	r["observed_at"], r["handling_code"] = "2024-05-01 10:30:00", ""
	opt := testOptions()
	opt.Timezone = time.FixedZone("UTC+3", 3*3600)
	opt.DefaultHandlingCode = "h0"
	opt.Source = "OVERRIDE"
	opt.FutureTolerance = time.Hour
	rec := one(t, canonicalCSV(t, nil, r), "x.csv", opt)
	s := rec.Sighting
	if s == nil || !s.ObservedAt.Equal(time.Date(2024, 5, 1, 7, 30, 0, 0, time.UTC)) || s.HandlingCode != "H0" || s.Source != "OVERRIDE" {
		t.Fatalf("got %+v %+v", s, rec.Reject)
	}
	r["observed_at"] = "2024-06-01T13:00:01Z"
	if rec := one(t, canonicalCSV(t, nil, r), "x.csv", opt); rec.Reject == nil || rec.Reject.Code != CodeBadTimestamp {
		t.Errorf("1h tolerance: got %+v, want bad_timestamp", rec.Reject)
	}
	if _, err := Open(strings.NewReader(""), "x.csv", Options{DefaultHandlingCode: "H9"}); err == nil {
		t.Error("default handling code H9 accepted")
	}
}

func TestFastDecimalMatchesParseFloat(t *testing.T) {
	for _, s := range []string{"0", "-0", "35.5", "-110.366453", "12.600000000001", "179.999999999999", "+1.5", "5.", ".5",
		"0.1", "0.3", "31.650259", "-5.333945094", "123456789012345", "1234567890123456", "1e5", "", "-", ".", "1.2.3"} {
		want, err := strconv.ParseFloat(s, 64)
		got, ok := fastDecimal(s)
		if ok && (err != nil || got != want || math.Signbit(got) != math.Signbit(want)) {
			t.Errorf("fastDecimal(%q) = %v, ParseFloat = %v, %v", s, got, want, err)
		}
	}
}
