package ingest

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// realDir holds the IOM Missing Migrants files, gzipped, with their attribution (SOURCE.md).
const realDir = "../testdata/iom"

// realFile opens one of the IOM files, decompressed.
func realFile(t *testing.T, name string) io.Reader {
	t.Helper()
	f, err := os.Open(filepath.Join(realDir, name+".gz"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

// independentRows reads a real file with encoding/csv alone, as the
// reference for the expectations below.
func independentRows(t *testing.T, name string) []map[string]string {
	t.Helper()
	cr := csv.NewReader(realFile(t, name))
	all, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := all[0]
	head[0] = strings.TrimPrefix(head[0], "\ufeff")
	var rows []map[string]string
	for _, rec := range all[1:] {
		m := map[string]string{}
		for i, h := range head {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return rows
}

type realResult struct {
	accepted, rejected int
	persons            int
	rejects            []*Reject
	byID               map[string]Record
}

func readReal(t *testing.T, name, profile string, now time.Time) realResult {
	t.Helper()
	p, err := LoadProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := Open(realFile(t, name), name, Options{Profile: p, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	res := realResult{byID: map[string]Record{}}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if (rec.Sighting == nil) == (rec.Reject == nil) {
			t.Fatalf("line %d: want exactly one of sighting and reject, got %+v", rec.Line, rec)
		}
		if rec.Reject != nil {
			res.rejected++
			res.rejects = append(res.rejects, rec.Reject)
			continue
		}
		res.accepted++
		if rec.Sighting.Persons != nil {
			res.persons += *rec.Sighting.Persons
		}
		if _, dup := res.byID[rec.Sighting.ExternalID]; dup {
			t.Errorf("external_id %q appears twice", rec.Sighting.ExternalID)
		}
		res.byID[rec.Sighting.ExternalID] = rec
	}
	return res
}

func TestRealIOM2025(t *testing.T) {
	const name = "Missing_Migrants_Global_Figures_allData.csv"
	ref := independentRows(t, name)
	wantPersons, wantRejected := 0, 0
	for _, r := range ref {
		if strings.TrimSpace(r["Incident Date"]) == "" {
			wantRejected++
			continue
		}
		n, err := strconv.Atoi(r["Total Number of Dead and Missing"])
		if err != nil {
			t.Fatal(err)
		}
		wantPersons += n
	}
	got := readReal(t, name, "iom-mmp", time.Date(2025, 5, 5, 0, 0, 0, 0, time.UTC))

	if n := got.accepted + got.rejected; n != 19255 || n != len(ref) {
		t.Errorf("accepted %d + rejected %d = %d, want 19255 data rows", got.accepted, got.rejected, n)
	}
	if got.rejected != 13 || wantRejected != 13 {
		t.Errorf("rejected %d rows, want the 13 with a blank date (reference: %d)", got.rejected, wantRejected)
	}
	for _, r := range got.rejects {
		if r.Code != CodeMissingField || r.Field != "observed_at" || !strings.Contains(r.Reason, "Incident Date") {
			t.Errorf("reject %+v: want missing_field on observed_at naming the column", r)
		}
	}
	if got.persons != wantPersons || wantPersons != 74376-13 {
		t.Errorf("persons over accepted rows = %d, want %d (74,376 minus the rejected rows' totals)", got.persons, wantPersons)
	}

	var pylos Record // the largest event of 2023-06-14: the Pylos shipwreck
	for _, rec := range got.byID {
		s := rec.Sighting
		if s.ObservedAt.Equal(time.Date(2023, 6, 14, 0, 0, 0, 0, time.UTC)) && s.Persons != nil && *s.Persons == 646 {
			pylos = rec
		}
	}
	s := pylos.Sighting
	if s == nil || s.RouteLabel != "Central Mediterranean" || s.Lat < 36 || s.Lat > 37 || s.Lon < 21 || s.Lon > 21.1 ||
		!s.ObservedAt.Equal(time.Date(2023, 6, 14, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Pylos shipwreck: got %+v", s)
	}
	var channel, cumulative, multiCause int
	for _, rec := range got.byID {
		s := rec.Sighting
		switch s.RouteLabel {
		case "English Channel to the UK":
			t.Errorf("line %d: route label not renamed", rec.Line)
		case "Mainland Europe to the UK":
			channel++
		}
		if s.Attributes["cumulative"] == "true" {
			cumulative++
		}
		if causes, _ := s.Attributes["cause_of_death"].([]string); len(causes) > 1 {
			multiCause++
			for _, c := range causes {
				if strings.HasPrefix(c, " ") || c == "food" || c == "water" {
					t.Errorf("line %d: cause split inside a category: %q", rec.Line, causes)
				}
			}
		}
		if s.Source != "IOM-MMP" || s.HandlingCode != "H0" || s.SourceReliability == "" || s.InfoCredibility == 0 {
			t.Fatalf("line %d: fixed or mapped fields missing: %+v", rec.Line, s)
		}
	}
	if channel == 0 || cumulative != 93 || multiCause == 0 {
		t.Errorf("Mainland Europe to the UK rows %d (want > 0), cumulative %d (want 93), multi-cause rows %d (want > 0)",
			channel, cumulative, multiCause)
	}
}

func TestRealIOM2026(t *testing.T) {
	const name = "MissingMigrants-Global-2026-05-06--19_42_11.csv"
	ref := independentRows(t, name)
	wantPersons := 0
	for _, r := range ref {
		for _, col := range []string{"Number Dead", "Minimum Estimated Number of Missing"} {
			if v := r[col]; v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					t.Fatal(err)
				}
				wantPersons += n
			}
		}
	}
	got := readReal(t, name, "iom-mmp-2026", time.Date(2026, 5, 6, 19, 42, 11, 0, time.UTC))
	// SOURCE.md counts 238 rows; the file has 238 data rows after its header.
	if n := got.accepted + got.rejected; n != len(ref) || n != 238 {
		t.Errorf("accepted %d + rejected %d = %d, want %d data rows", got.accepted, got.rejected, n, len(ref))
	}
	if got.rejected != 0 {
		t.Errorf("rejected %d rows, want none: %v", got.rejected, got.rejects)
	}
	if got.persons != wantPersons {
		t.Errorf("persons over accepted rows = %d, want %d", got.persons, wantPersons)
	}
	first := got.byID["2026.MMP0002"].Sighting
	if first == nil || !first.ObservedAt.Equal(time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)) ||
		first.RouteLabel != "Western Mediterranean" || first.SourceReliability != "D" || first.InfoCredibility != 3 {
		t.Errorf("2026.MMP0002: got %+v", first)
	}
}

// TestRealWrongProfile checks the hint when a file is read with the other
// IOM profile.
func TestRealWrongProfile(t *testing.T) {
	p, err := LoadProfile("iom-mmp")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(realFile(t, "MissingMigrants-Global-2026-05-06--19_42_11.csv"), "x.csv", Options{Profile: p})
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Reason, `"iom-mmp-2026"`) {
		t.Errorf("got %v, want a FileError suggesting iom-mmp-2026", err)
	}
}

// The reporting channel is named from IOM's free-text Information Source: the programmes
// that report most have one name each, whatever the spelling, and the rest (mostly media)
// one name.
func TestRealIOMChannels(t *testing.T) {
	const name = "Missing_Migrants_Global_Figures_allData.csv"
	got := readReal(t, name, "iom-mmp", time.Date(2025, 5, 5, 0, 0, 0, 0, time.UTC))
	n := map[string]int{}
	for _, rec := range got.byID {
		n[rec.Sighting.Channel]++ // "" when Information Source is blank: the source itself
	}
	// The three spellings of 4Mi (1,089 + 994 + 673 rows and a few more) are one channel;
	// IOM Afghanistan (3,530 rows) is its own; media and other is what no pattern names.
	if n["4Mi"] < 2756 || n["IOM Afghanistan"] < 3530 || n["PCOME"] < 1618+139 || n["DTM Niger"] < 162+35 {
		t.Errorf("channels: 4Mi %d, IOM Afghanistan %d, PCOME %d, DTM Niger %d", n["4Mi"], n["IOM Afghanistan"], n["PCOME"], n["DTM Niger"])
	}
	if len(n) > 120 {
		t.Errorf("%d channels: the patterns leave free text unnamed", len(n))
	}
	if other := n["media and other"]; other == 0 || other > got.accepted/2 {
		t.Errorf("media and other: %d of %d rows", other, got.accepted)
	}
	if s := got.byID[firstID(got, "4Mi")].Sighting; s.Attributes["information_source"] == nil {
		t.Error("the raw Information Source is not kept as an attribute")
	}
}

func firstID(r realResult, channel string) string {
	for id, rec := range r.byID {
		if rec.Sighting.Channel == channel {
			return id
		}
	}
	return ""
}
