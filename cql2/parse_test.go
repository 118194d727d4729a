package cql2

import (
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

var testSchema = Schema{"legs": Number, "trend": Number, "status": String, "label": String, "first_seen": Timestamp,
	"last_seen": Timestamp, "open": Boolean, "geometry": Geometry, "id": Number}

// testFeature is one corridor-like feature: a line from (10, 35) to (12, 36).
var testFeature = map[string]any{
	"legs": int64(120), "trend": (*float64)(nil), "status": "growing", "label": "Central Med (Sfax)",
	"first_seen": time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), "last_seen": time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC),
	"open": true, "geometry": orb.LineString{{10, 35}, {12, 36}}, "id": 7,
}

// TestEval: each operator of the declared classes on one feature, with null as unknown.
func TestEval(t *testing.T) {
	for _, tc := range []struct {
		filter string
		want   bool
	}{
		{"legs > 100", true}, {"legs >= 120 AND legs <= 120", true}, {"legs <> 120", false}, {"100 < legs", true},
		{"status = 'growing'", true}, {"status='GROWING'", false}, {"NOT status = 'new'", true},
		{"status = 'new' OR legs = 120", true}, {"(status = 'new' OR legs = 1) AND id = 7", false},
		{"trend > 0", false}, {"NOT trend > 0", false}, {"trend IS NULL", true}, {"trend IS NOT NULL", false},
		{"trend > 0 OR legs > 0", true}, {"trend > 0 AND legs > 0", false}, {"NOT (trend > 0 AND legs < 0)", true},
		{"label LIKE 'Central%'", true}, {"label LIKE '%(S_ax)'", true}, {"label NOT LIKE 'central%'", true},
		{`label LIKE 'Central Med \(%'`, true}, {"label LIKE '100\\%'", false},
		{"legs BETWEEN 100 AND 120", true}, {"legs NOT BETWEEN 100 AND 119", true}, {"legs IN (1, 2, 120)", true},
		{"status NOT IN ('new', 'stable')", true}, {"trend IN (1, 2)", false}, {"trend NOT IN (1, 2)", false},
		{"open = TRUE", true}, {"open", false /* not a predicate: parsed as a property compared with nothing */},
		{"TRUE", true}, {"FALSE OR legs = 120", true}, {`"legs" = 120`, true},
		{"first_seen > TIMESTAMP('2024-03-05T09:59:59Z')", true}, {"first_seen < DATE('2024-03-05')", false},
		{"first_seen >= '2024-03-05'", true}, {"first_seen = '2024-03-05T10:00:00Z'", true},
		{"first_seen BETWEEN DATE('2024-01-01') AND DATE('2024-12-31')", true},
		{"T_INTERSECTS(first_seen, DATE('2024-03-05'))", true}, {"T_INTERSECTS(first_seen, DATE('2024-03-06'))", false},
		{"T_INTERSECTS(INTERVAL(first_seen, last_seen), INTERVAL('2024-06-01', '..'))", true},
		{"T_INTERSECTS(INTERVAL(first_seen, last_seen), INTERVAL('2024-09-02', '2025-01-01'))", false},
		{"T_INTERSECTS(INTERVAL(first_seen, last_seen), INTERVAL('..', '2024-03-05'))", true},
		{"T_INTERSECTS(INTERVAL('..', '..'), first_seen)", true},
		{"S_INTERSECTS(geometry, BBOX(11, 35, 11.5, 40))", true}, {"S_INTERSECTS(geometry, BBOX(13, 30, 14, 40))", false},
		{"S_INTERSECTS(BBOX(9, 34, 10, 35), geometry)", true}, {"S_INTERSECTS(geometry, POINT(11 35.5))", true},
		{"S_INTERSECTS(geometry, POINT(11 35.6))", false}, {"S_INTERSECTS(geometry, BBOX(170, 30, 11, 40))", true},
		{"s_intersects(geometry, bbox(0, 0, 1, 1)) or LEGS = 0 or legs = 120", false /* LEGS is not legs */},
	} {
		e, err := Check(tc.filter, testSchema)
		if tc.filter == "open" || strings.Contains(tc.filter, "LEGS") {
			if err == nil {
				t.Errorf("%s: checked, want an error", tc.filter)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.filter, err)
			continue
		}
		if got := Eval(e, testFeature); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.filter, got, tc.want)
		}
	}
}

// TestCheckErrors: each error says what is wrong, and where when it can.
func TestCheckErrors(t *testing.T) {
	for _, tc := range []struct{ filter, want string }{
		{"", "want a property or a value, got the end of the filter"},
		{"legs >", "want a property or a value, got the end of the filter (at character 7)"},
		{"legs > 10 10", `unexpected "10" after the end of the expression (at character 11)`},
		{"speed > 10", `"speed" is not a queryable here; the queryables are first_seen, geometry, id, label, last_seen, legs, open, status, trend`},
		{"legs = 'x'", "= compares legs (a number) with 'x' (a string)"},
		{"status > 10", "> compares status (a string) with 10 (a number)"},
		{"label LIKE 5", "want a quoted pattern after LIKE"},
		{"legs LIKE 'a%'", "LIKE matches strings; legs is a number"},
		{`label LIKE 'abc\'`, "ends with an escape character"},
		{"status BETWEEN 'a' AND 'b'", "BETWEEN compares numbers or times"},
		{"open > TRUE", "> compares booleans: only = and <> do"},
		{"label = 'unclosed", "the quote ' opened here is never closed (at character 9)"},
		{"legs = 1 AND", "want a property or a value, got the end of the filter"},
		{"legs ! 1", `unexpected character '!' (at character 6)`},
		{"first_seen > 'yesterday'", "'yesterday' is compared with a timestamp but is not one"},
		{"first_seen > DATE('2024-13-01')", "DATE('2024-13-01') is not a valid date"},
		{"S_INTERSECTS(geometry, BBOX(0, 0, 1))", "BBOX takes 4 (or 6) numbers, got 3"},
		{"S_INTERSECTS(geometry, BBOX(0, 10, 1, 5))", "the box's south 10 is above its north 5"},
		{"S_INTERSECTS(geometry, BBOX(0, 0, 200, 1))", "longitude 200 is outside -180..180"},
		{"S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 1 0, 0 0)))", "want BBOX(…) or POINT(…), got POLYGON(…)"},
		{"S_INTERSECTS(legs, BBOX(0, 0, 1, 1))", "S_INTERSECTS takes the geometry; legs is a number"},
		{"S_INTERSECTS(geometry, geometry)", "one geometry property with one BBOX or POINT literal"},
		{"geometry = 1", "does not compare geometries; use S_INTERSECTS"},
		{"T_INTERSECTS(legs, DATE('2024-01-01'))", "T_INTERSECTS takes times; legs is a number"},
		{"T_INTERSECTS(first_seen, INTERVAL('soon', '..'))", "'soon' is not an instant"},
		{"legs IS 5", "want NULL after IS"},
		{"5 IS NULL", "IS NULL needs a property"},
		{"legs NOT = 5", "want LIKE, BETWEEN or IN after NOT"},
		{"legs = AND", "want a property or a value, got the keyword AND"},
		{strings.Repeat("(", 100) + "legs = 1" + strings.Repeat(")", 100), "nests deeper than 64 levels"},
		{strings.Repeat("NOT ", 100) + "legs = 1", "nests deeper than 64 levels"},
		{"legs = 1" + strings.Repeat(" ", 9000), "the filter is 9008 bytes long; the limit is 8192"},
		{"label = '\xff'", "not valid UTF-8"},
	} {
		_, err := Check(tc.filter, testSchema)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error containing %q", tc.filter, err, tc.want)
		}
	}
}

// FuzzCheck: no filter text makes Check, SQL or Eval panic; a checked filter always compiles.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"legs > 1", "label LIKE '%a_'", "T_INTERSECTS(INTERVAL(first_seen, '..'), DATE('2024-01-01'))",
		"S_INTERSECTS(geometry, POINT(1 2)) OR NOT trend IS NULL", "legs IN (1, 2) AND status NOT BETWEEN 'a' AND 'b'", `"x" = 'it''s'`} {
		f.Add(s)
	}
	cols := Columns{}
	for n := range testSchema {
		cols[n] = n
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Check(s, testSchema)
		if err != nil {
			return
		}
		sql, args, err := SQL(e, testSchema, cols)
		if err != nil {
			t.Fatalf("%q checked but does not compile: %v", s, err)
		}
		if strings.Count(sql, "?") != len(args) {
			t.Fatalf("%q: %d placeholders, %d args: %s", s, strings.Count(sql, "?"), len(args), sql)
		}
		Eval(e, testFeature)
	})
}
