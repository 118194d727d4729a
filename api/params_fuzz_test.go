package api

// Fuzz targets for every query-parameter decoder: each must return a value that keeps its
// promises or an errs.Invalid error, and never panic. scripts/fuzz.sh runs each briefly;
// `go test ./api/` replays the seeds and any saved crashers under testdata/fuzz/.

import (
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"routewatch/errs"
	"routewatch/geo"
)

// fuzzNow is the fixed "now" of the period decoders, so failures replay.
var fuzzNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

// queryContext is a gin context whose request has the raw query string q, as a client
// could send it (not necessarily valid URL encoding).
func queryContext(q string) *gin.Context {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = &http.Request{Method: "GET", URL: &url.URL{Path: "/", RawQuery: q}, Header: http.Header{}}
	return c
}

// paramsContext is a gin context with the given parameters, encoded properly; an odd
// trailing key is ignored.
func paramsContext(kv ...string) *gin.Context {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return queryContext(v.Encode())
}

// wantInvalid fails unless err is an *errs.Error of kind Invalid naming a parameter.
func wantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.Invalid || e.Param == "" || e.Message == "" {
		t.Fatalf("%s: error %#v (%v), want an errs.Invalid naming its parameter", what, err, err)
	}
}

func checkBBox(t *testing.T, what string, b geo.BBox) {
	t.Helper()
	for _, v := range []float64{b.West, b.South, b.East, b.North} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("%s: bbox %+v holds a non-finite value", what, b)
		}
	}
	if math.Abs(b.West) > 180 || math.Abs(b.East) > 180 || math.Abs(b.South) > 90 || math.Abs(b.North) > 90 || b.South > b.North {
		t.Fatalf("%s: bbox %+v out of range", what, b)
	}
}

// FuzzParseArea: bbox and res of the heatmap, timeline and compare. An accepted area is a
// valid box at a resolution 0..10 that holds at most MaxCells cells.
func FuzzParseArea(f *testing.F) {
	for _, s := range [][2]string{{"-6,30,36,46", "4"}, {"170,-20,-170,-10", "5"}, {"-180,-90,180,90", "2"}, {"", ""},
		{"-180,-90,180,90", "10"}, {"1,2,3", "4"}, {"NaN,0,1,1", "3"}, {"0,0,1e-300,1e-300", "10"}, {"1,2,3,4", "-1"},
		{"1,2,3,4", "4.5"}, {"1,2,3,4", "99999999999999999999"}, {"1,91,2,92", "3"}, {"-10,40,-20,30", "4"}, {" 1 , 2 , 3 , 4 ", "+3"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, bbox, res string) {
		var kv []string
		if bbox != "" {
			kv = append(kv, "bbox", bbox)
		}
		if res != "" {
			kv = append(kv, "res", res)
		}
		a, err := parseArea(paramsContext(kv...))
		if err != nil {
			wantInvalid(t, "parseArea("+bbox+", "+res+")", err)
			return
		}
		checkBBox(t, "parseArea", a.BBox)
		if a.Res < 0 || a.Res > 10 {
			t.Fatalf("parseArea(%q, %q): res %d", bbox, res, a.Res)
		}
		if est := a.BBox.TouchedCells(a.Res); est > MaxCells || math.IsNaN(est) {
			t.Fatalf("parseArea(%q, %q) = %+v: about %v cells, over MaxCells", bbox, res, a, est)
		}
	})
}

// FuzzParsePeriod: from/to (and a_from.. of compare). An accepted period is non-empty and
// half-open: From before To.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range [][2]string{{"2024-01-01", "2024-02-01"}, {"2024-01-31T00:00:00Z", "2024-03-01T12:30:00+02:00"},
		{"", ""}, {"2024-02-30", "2024-03-01"}, {"2024-01-01", "2023-01-01"}, {"2024-01-01", "2024-01-01"},
		{"9999-12-31T23:59:59Z", ""}, {"0000-01-01", "0001-01-01"}, {"2024-01-01T00:00:00", "x"}, {"2024-06-01T12:00:00.123456789Z", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		var kv []string
		if from != "" {
			kv = append(kv, "from", from)
		}
		if to != "" {
			kv = append(kv, "to", to)
		}
		p, err := parsePeriod(paramsContext(kv...), "from", "to", fuzzNow)
		if err != nil {
			wantInvalid(t, "parsePeriod("+from+", "+to+")", err)
			return
		}
		if !p.From.Before(p.To) {
			t.Fatalf("parsePeriod(%q, %q) = %v .. %v: empty or reversed", from, to, p.From, p.To)
		}
	})
}

// FuzzParseFilters: mode, mo, nationality, source, route and min_reliability from a raw query
// string (repeats, commas, bad encodings). Accepted nationalities are two upper-case letters,
// min_reliability one grade A..F, and no list holds an empty value.
func FuzzParseFilters(f *testing.F) {
	for _, s := range []string{"mode=boat_rubber,car&mo=mothership", "nationality=sy,ER&nationality=af", "nationality=SYR",
		"nationality=%C3%A9s", "min_reliability=b", "min_reliability=%20c%20", "min_reliability=G", "min_reliability=",
		"route=Central+Mediterranean&route=Balkans,+west", "source=,,,&mode=", "nationality=%", "mode=a&mode=b&mode=c,d,,e", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		fl, err := parseFilters(queryContext(q))
		if err != nil {
			wantInvalid(t, "parseFilters("+q+")", err)
			return
		}
		for _, n := range fl.Nationalities {
			if len(n) != 2 || n[0] < 'A' || n[0] > 'Z' || n[1] < 'A' || n[1] > 'Z' {
				t.Fatalf("parseFilters(%q): nationality %q", q, n)
			}
		}
		if m := fl.MinReliability; m != "" && (len(m) != 1 || m[0] < 'A' || m[0] > 'F') {
			t.Fatalf("parseFilters(%q): min_reliability %q", q, m)
		}
		for _, l := range [][]string{fl.Modes, fl.MO, fl.Sources, fl.Routes, fl.Nationalities} {
			for _, v := range l {
				if strings.TrimSpace(v) == "" || v != strings.TrimSpace(v) {
					t.Fatalf("parseFilters(%q): list value %q is empty or untrimmed", q, v)
				}
			}
		}
	})
}

// FuzzCompareParams: alpha and min_count of compare.
func FuzzCompareParams(f *testing.F) {
	for _, s := range []string{"alpha=0.05&min_count=3", "alpha=1", "alpha=NaN", "alpha=1e-320", "min_count=0", "min_count=9223372036854775808", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p, err := compareParams(queryContext(q))
		if err != nil {
			wantInvalid(t, "compareParams("+q+")", err)
			return
		}
		if !(p.Alpha > 0 && p.Alpha < 1) || p.MinCount < 1 {
			t.Fatalf("compareParams(%q) = %+v", q, p)
		}
	})
}

// FuzzParseOGCQuery: every common items parameter at once (bbox, datetime, limit, offset,
// properties) for each collection, then the cells and flows areas. (FuzzParseOGCBBox and
// FuzzParseDatetime in ogc_internal_test.go fuzz the first two alone.)
func FuzzParseOGCQuery(f *testing.F) {
	for _, s := range []string{"bbox=1,2,3,4&datetime=2024-01-01/..&limit=10&offset=20&properties=h3,sightings",
		"limit=0", "limit=99999999999999999999", "limit=-99999999999999999999", "offset=-1", "properties=", "properties=nope",
		"res=12", "res=4&bbox=-180,-90,180,90", "res=3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, col := range ogcCollectionList {
			c := queryContext(q)
			oq, err := parseOGCQuery(c, col, fuzzNow)
			if err != nil {
				wantInvalid(t, col.id+": parseOGCQuery("+q+")", err)
				continue
			}
			if oq.Limit < 1 || oq.Limit > ogcMaxLimit || oq.Offset < 0 || oq.Offset > ogcMaxOffset || !oq.Period.From.Before(oq.Period.To) {
				t.Fatalf("%s: parseOGCQuery(%q) = %+v", col.id, q, oq)
			}
			if oq.BBox != nil {
				checkBBox(t, "parseOGCQuery("+q+")", *oq.BBox)
			}
			if a, err := ogcCellArea(c, oq.BBox); err != nil {
				wantInvalid(t, "ogcCellArea("+q+")", err)
			} else if a.Res < 0 || a.Res > 10 || a.BBox.TouchedCells(a.Res) > MaxCells {
				t.Fatalf("ogcCellArea(%q) = %+v: over the cell cap", q, a)
			}
			if a, err := ogcFlowArea(c, oq.BBox); err != nil {
				wantInvalid(t, "ogcFlowArea("+q+")", err)
			} else if a.Res < 3 || a.Res > 5 {
				t.Fatalf("ogcFlowArea(%q) = %+v: res not one of the flow resolutions", q, a)
			}
		}
	})
}

// FuzzIngestOptions: the query of POST /api/v1/ingest.
func FuzzIngestOptions(f *testing.F) {
	for _, s := range []string{"strict=true&dry_run=0&source=AG-X&filename=x.csv", "profile=iom-mmp", "profile=../../etc/passwd",
		"timezone=Europe/Rome", "timezone=../../../etc/localtime", "strict=maybe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		c := queryContext(q)
		c.Request.Header.Set("Content-Type", "text/csv")
		if _, err := ingestOptions(c); err != nil {
			wantInvalid(t, "ingestOptions("+q+")", err)
		}
	})
}
