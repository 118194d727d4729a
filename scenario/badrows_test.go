package scenario

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"routewatch/sighting"
)

var alpha2 = regexp.MustCompile(`^[A-Z]{2}$`)

// checkRow is an independent validator of one raw record, written from the
// rules in the bad-row contract: it returns the reason code and field of
// the first problem, or "" for a valid row.
func checkRow(raw map[string]string) (reason, field string) {
	for _, f := range []string{"source", "external_id", "observed_at", "lat", "lon"} {
		if raw[f] == "" {
			return ReasonMissingField, f
		}
	}
	if _, err := time.Parse(time.RFC3339, raw["observed_at"]); err != nil {
		return ReasonBadTimestamp, "observed_at"
	}
	lat, err1 := strconv.ParseFloat(raw["lat"], 64)
	lon, err2 := strconv.ParseFloat(raw["lon"], 64)
	if err1 != nil || err2 != nil {
		return "unparsable_coordinate", "lat,lon"
	}
	switch {
	case math.Abs(lat) > 90 && math.Abs(lat) <= 180 && math.Abs(lon) <= 90:
		return ReasonSwappedCoordinates, "lat,lon"
	case math.Abs(lat) > 90:
		return ReasonLatOutOfRange, "lat"
	case math.Abs(lon) > 180:
		return ReasonLonOutOfRange, "lon"
	}
	if m := raw["transport_mode"]; m != "" && !slices.Contains(sighting.TransportModes, m) {
		return ReasonUnknownVocabulary, "transport_mode"
	}
	for _, m := range splitList(raw["modus_operandi"]) {
		if !slices.Contains(sighting.ModiOperandi, m) {
			return ReasonUnknownVocabulary, "modus_operandi"
		}
	}
	for _, f := range []string{"origin_country", "destination_country"} {
		if v := raw[f]; v != "" && !alpha2.MatchString(v) {
			return ReasonBadCountryCode, f
		}
	}
	for _, v := range splitList(raw["nationalities"]) {
		if !alpha2.MatchString(v) {
			return ReasonBadCountryCode, "nationalities"
		}
	}
	if v := raw["source_reliability"]; v != "" && (len(v) != 1 || v[0] < 'A' || v[0] > 'F') {
		return ReasonBadReliability, "source_reliability"
	}
	if v := raw["info_credibility"]; v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 6 {
			return ReasonBadCredibility, "info_credibility"
		}
	}
	if v := raw["handling_code"]; v != "" && !slices.Contains(sighting.HandlingCodes, v) {
		return ReasonBadHandlingCode, "handling_code"
	}
	if v := raw["persons"]; v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return ReasonBadPersons, "persons"
		}
	}
	return "", ""
}

// The rows an independent validator rejects are exactly the manifest's bad
// rows, with the same reason and field, in every format.
func TestBadRowsExactlyListed(t *testing.T) {
	for _, f := range []Format{CSV, NDJSON, GeoJSON} {
		t.Run(string(f), func(t *testing.T) {
			cfg := smallCfg
			cfg.Format = f
			d := generated(t, cfg)
			listed := map[int]BadRow{}
			for _, b := range d.manifest.BadRows {
				listed[b.Line] = b
			}
			if len(listed) != cfg.BadRows {
				t.Fatalf("manifest lists %d bad rows on distinct lines, want %d", len(listed), cfg.BadRows)
			}
			reasons := map[string]bool{}
			for _, r := range d.records {
				reason, field := checkRow(r.raw)
				b, ok := listed[r.line]
				switch {
				case !ok && reason != "":
					t.Errorf("line %d is invalid (%s, %s) but not listed: %v", r.line, reason, field, r.raw)
				case ok && reason == "":
					t.Errorf("line %d is listed as %s but valid: %v", r.line, b.Reason, r.raw)
				case ok && (reason != b.Reason || field != b.Field):
					t.Errorf("line %d: validator says %s/%s, manifest %s/%s", r.line, reason, field, b.Reason, b.Field)
				case ok && (r.raw["external_id"] != b.ExternalID || r.raw["source"] != b.Source):
					t.Errorf("line %d: ids %s/%s, manifest %s/%s", r.line, r.raw["source"], r.raw["external_id"], b.Source, b.ExternalID)
				case ok && f == CSV && b.Value != r.raw[strings.Split(b.Field, ",")[0]] && b.Reason != ReasonSwappedCoordinates:
					t.Errorf("line %d: %s is %q, manifest value %q", r.line, b.Field, r.raw[b.Field], b.Value)
				}
				if ok {
					reasons[b.Reason] = true
				}
			}
			for _, want := range badReasons {
				if !reasons[want] {
					t.Errorf("no bad row with reason %s", want)
				}
			}
		})
	}
}

// (source, external_id) is the natural key: unique over all rows.
func TestExternalIDsUnique(t *testing.T) {
	for _, cfg := range []Config{smallCfg, defaultCfg} {
		d := generated(t, cfg)
		seen := map[string]int{}
		for _, r := range d.records {
			k := r.raw["source"] + "\x00" + r.raw["external_id"]
			if l, dup := seen[k]; dup {
				t.Fatalf("%s: %s/%s on lines %d and %d", cfg.Scenario, r.raw["source"], r.raw["external_id"], l, r.line)
			}
			seen[k] = r.line
		}
	}
}

// Without --bad-rows every row is valid.
func TestNoBadRowsByDefault(t *testing.T) {
	d := generated(t, Config{Scenario: "small", Seed: 7})
	for _, r := range d.records {
		if reason, field := checkRow(r.raw); reason != "" {
			t.Fatalf("line %d invalid (%s, %s): %v", r.line, reason, field, r.raw)
		}
	}
	if len(d.manifest.BadRows) != 0 {
		t.Fatalf("manifest lists %d bad rows", len(d.manifest.BadRows))
	}
}
