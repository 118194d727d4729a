package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"
)

func gz(t testing.TB, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCSVEncodings(t *testing.T) {
	plain := canonicalCSV(t, nil, goodRow(), goodRow())
	tests := []struct {
		name, data, file string
	}{
		{"plain", plain, "x.csv"},
		{"BOM", "\ufeff" + plain, "x.csv"},
		{"gzip by name", gz(t, plain), "x.csv.gz"},
		{"gzip by magic, sniffed", gz(t, plain), "upload"},
		{"gzip with BOM", gz(t, "\ufeff"+plain), "x.gz"},
		{"CRLF", strings.ReplaceAll(plain, "\n", "\r\n"), "x.csv"},
		{"content type", plain, "text/csv; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := readAll(t, tt.data, tt.file, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 2 || recs[0].Sighting == nil || recs[1].Sighting == nil || recs[1].Line != 3 {
				t.Fatalf("got %+v", recs)
			}
			if recs[0].Sighting.Source != "FRX" {
				t.Errorf("source %q: the BOM leaked into the header?", recs[0].Sighting.Source)
			}
			if recs[1].Raw != strings.Split(strings.TrimPrefix(plain, ""), "\n")[2] {
				t.Errorf("raw %q", recs[1].Raw)
			}
		})
	}
}

func TestCSVQuotedFieldsAndLines(t *testing.T) {
	data := "external_id,lat,lon,observed_at,source,route_label,note\n" +
		"a,35.5,12.6,2024-05-01T10:00:00Z,FRX,\"Zuwara, Libya\nto Lampedusa\",\"said \"\"hi\"\"\"\n" +
		"\n" +
		"b,95.5,120,2024-05-01T10:00:00Z,FRX,x,\n" +
		"c,35.5,12.6,2024-05-01T10:00:00Z,FRX\n" +
		"d,35.5,12.6,2024-05-01T10:00:00Z,FRX,bad \"quote,\n" +
		"e,35.5,12.6,2024-05-01T10:00:00Z,FRX,ok,\n"
	recs, err := readAll(t, data, "x.csv", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		line int
		code string
		raw  string
	}
	wants := []want{
		{2, "", "a,35.5,12.6,2024-05-01T10:00:00Z,FRX,\"Zuwara, Libya\nto Lampedusa\",\"said \"\"hi\"\"\""},
		{5, CodeLatOutOfRange, "b,95.5,120,2024-05-01T10:00:00Z,FRX,x,"},
		{6, CodeBadRecord, "c,35.5,12.6,2024-05-01T10:00:00Z,FRX"},
		{7, CodeBadRecord, "d,35.5,12.6,2024-05-01T10:00:00Z,FRX,bad \"quote,"},
		{8, "", "e,35.5,12.6,2024-05-01T10:00:00Z,FRX,ok,"},
	}
	if len(recs) != len(wants) {
		t.Fatalf("got %d records, want %d: %+v", len(recs), len(wants), recs)
	}
	for i, w := range wants {
		got := recs[i]
		code := ""
		if got.Reject != nil {
			code = got.Reject.Code
		}
		if got.Line != w.line || code != w.code || got.Raw != w.raw {
			t.Errorf("record %d: got line %d code %q raw %q, want line %d code %q raw %q",
				i, got.Line, code, got.Raw, w.line, w.code, w.raw)
		}
	}
	s := recs[0].Sighting
	if s.RouteLabel != "Zuwara, Libya\nto Lampedusa" || s.Attributes["note"] != `said "hi"` {
		t.Errorf("got route %q attributes %v", s.RouteLabel, s.Attributes)
	}
	if !strings.Contains(recs[2].Reject.Reason, "5 fields but the header has 7") {
		t.Errorf("field count reason: %s", recs[2].Reject.Reason)
	}
	if _, ok := recs[4].Sighting.Attributes["note"]; ok {
		t.Error("empty extra column stored as attribute")
	}
}

func TestCSVHeaderOrderAndCase(t *testing.T) {
	data := " LON ,Lat,Observed_At,external_id,Source,Extra Column\n12.6,35.5,2024-05-01T10:00:00Z,a,FRX,v\n"
	rec := one(t, data, "x.csv", testOptions())
	s := rec.Sighting
	if s == nil || s.Lat != 35.5 || s.Lon != 12.6 || s.Attributes["Extra Column"] != "v" {
		t.Errorf("got %+v %+v", s, rec.Reject)
	}
}

func TestRTLRoundTrip(t *testing.T) {
	const label = "طرابلس"
	const note = "قارب مطاطي، ٤٢ شخصاً — مصدر: خفر السواحل"
	r := goodRow()
	r["route_label"], r["ملاحظة"], r["journey_id"] = label, note, "רחוב\u200e-7"
	rec := one(t, canonicalCSV(t, []string{"ملاحظة"}, r), "x.csv", testOptions())
	s := rec.Sighting
	if s == nil {
		t.Fatalf("rejected: %+v", rec.Reject)
	}
	if s.RouteLabel != label || s.Attributes["ملاحظة"] != note || s.JourneyID != "רחוב\u200e-7" {
		t.Errorf("got %q %q %q", s.RouteLabel, s.Attributes["ملاحظة"], s.JourneyID)
	}
	if !strings.Contains(rec.Raw, label) || !strings.Contains(rec.Raw, note) {
		t.Errorf("raw %q lost the text", rec.Raw)
	}
}

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name, data, file, wantIn string
	}{
		{"missing required column", "source,external_id,lat,lon\nF,1,2,3\n", "x.csv", "observed_at"},
		{"semicolon delimiter", "source;external_id;observed_at;lat;lon\n", "x.csv", "delimiter"},
		{"empty", "", "x.csv", "empty"},
		{"empty sniffed", "  \n", "upload", "empty"},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.csv", "not text"},
		{"UTF-16", "\xff\xfes\x00o\x00", "x.csv", "UTF-16"},
		{"broken gzip", "\x1f\x8b\x00garbage", "x.csv.gz", "gzip"},
		{"duplicate column", "source,external_id,observed_at,lat,lon,LAT\n", "x.csv", "twice"},
		{"IOM layout without profile", "Main ID,Incident ID,Incident Type,Region of Incident,Incident Date,Number of Dead," +
			"Minimum Estimated Number of Missing,Total Number of Dead and Missing,Number of Survivors,Number of Females," +
			"Number of Males,Number of Children,Country of Origin,Region of Origin,Cause of Death,Country of Incident," +
			"Migration Route,Location of Incident,Coordinates,UNSD Geographical Grouping,Information Source,URL,Source Quality\n",
			"x.csv", `profile "iom-mmp"`},
		{"JSON array", `[{"a":1}]`, "x.json", "JSON array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, tt.data, tt.file, testOptions())
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(fe.Reason, tt.wantIn) {
				t.Errorf("got %v, want a FileError containing %q", err, tt.wantIn)
			}
		})
	}
}

func TestSourceOverride(t *testing.T) {
	data := "external_id,observed_at,lat,lon\nx,2024-05-01T10:00:00Z,35.5,12.6\n"
	if _, err := readAll(t, data, "x.csv", testOptions()); err == nil {
		t.Error("no source column and no override: want a FileError")
	}
	opt := testOptions()
	opt.Source = "COASTGUARD-IT"
	if rec := one(t, data, "x.csv", opt); rec.Sighting == nil || rec.Sighting.Source != "COASTGUARD-IT" {
		t.Errorf("got %+v", rec)
	}
}

func TestGzipDamagedMidStream(t *testing.T) {
	rows := make([]map[string]string, 2000)
	for i := range rows {
		rows[i] = goodRow()
	}
	z := gz(t, canonicalCSV(t, nil, rows...))
	cut := z[:len(z)/2]
	_, err := readAll(t, cut, "x.csv.gz", testOptions())
	if err == nil {
		t.Fatal("truncated gzip read without error")
	}
}

func TestCSVTooLong(t *testing.T) {
	long := strings.Repeat("x", maxRecord+10)
	runaway := strings.Repeat(strings.Repeat("y", 1023)+"\n", maxRecord/1024+2) // an unclosed quote
	data := "source,external_id,observed_at,lat,lon\n" +
		"F," + long + ",2024-05-01T10:00:00Z,35.5,12.6\n" +
		"F,\"" + runaway +
		"F,ok,2024-05-01T10:00:00Z,35.5,12.6\n"
	recs, err := readAll(t, data, "x.csv", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	if recs[0].Reject == nil || recs[0].Reject.Code != CodeBadRecord || len(recs[0].Raw) > maxRaw ||
		recs[1].Reject == nil || !strings.Contains(recs[1].Reject.Reason, "closing quote") || recs[1].Line != 3 ||
		len(recs[1].Raw) > maxRaw || last.Sighting == nil {
		t.Fatalf("got %d records, first %+v, second %+v, last %+v", len(recs), recs[0].Reject, recs[1].Reject, last.Reject)
	}
}
