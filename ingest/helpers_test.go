package ingest

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"time"

	"routewatch/sighting"
)

var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func testOptions() Options {
	return Options{Now: func() time.Time { return testNow }}
}

// goodRow is a valid canonical record; tests override single fields.
func goodRow() map[string]string {
	return map[string]string{
		"source": "FRX", "external_id": "e-1", "observed_at": "2024-05-01T10:30:00+02:00",
		"lat": "35.5", "lon": "12.6", "location_precision_m": "500", "journey_id": "j-7",
		"route_label": "Central Mediterranean", "origin_country": "LY", "destination_country": "IT",
		"nationalities": "SY;ER", "persons": "42", "transport_mode": "boat_rubber",
		"modus_operandi": "mothership;crypto_payment", "facilitator_detected": "true",
		"source_reliability": "B", "info_credibility": "2", "handling_code": "H1",
	}
}

// canonicalCSV renders rows under the canonical header (plus extra columns).
func canonicalCSV(t testing.TB, extra []string, rows ...map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := append(append([]string{}, sighting.Columns...), extra...)
	if err := w.Write(head); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		rec := make([]string, len(head))
		for i, h := range head {
			rec[i] = r[h]
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.String()
}

// readAll opens data and reads every record, failing the test on errors
// other than a FileError, which it returns.
func readAll(t testing.TB, data, name string, opt Options) ([]Record, error) {
	t.Helper()
	rd, err := Open(strings.NewReader(data), name, opt)
	if err != nil {
		return nil, err
	}
	var recs []Record
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		if (rec.Sighting == nil) == (rec.Reject == nil) {
			t.Fatalf("line %d: want exactly one of sighting and reject, got %+v", rec.Line, rec)
		}
		recs = append(recs, rec)
	}
}

// one reads data that must hold exactly one record.
func one(t testing.TB, data, name string, opt Options) Record {
	t.Helper()
	recs, err := readAll(t, data, name, opt)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1: %+v", len(recs), recs)
	}
	return recs[0]
}
