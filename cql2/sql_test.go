package cql2

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/lib/pq"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// rowSchema and rowColumns describe the random table of TestSQLAgreesWithEval.
var (
	rowSchema  = Schema{"n": Number, "i": Number, "s": String, "t": Timestamp, "u": Timestamp, "b": Boolean, "geometry": Geometry}
	rowColumns = Columns{"n": "n", "i": "i", "s": "s", "t": "t", "u": "u", "b": "b", "geometry": "g"}
	rowStrings = []string{"", "a", "ab", "abc", "a%c", "a_c", `a\c`, "it's", "Ä", "zürich", "Ωmega", "B", "b", "100%"}
)

// TestSQLAgreesWithEval: random filters over every operator select the same rows of a random
// table in PostGIS (the compiled SQL) as in Go (Eval), nulls and odd strings included.
func TestSQLAgreesWithEval(t *testing.T) {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		t.Fatal("DATABASE_URL is not set: this test compiles filters to SQL and runs them on PostGIS (scripts/test.sh sets it)")
	}
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), `CREATE TEMP TABLE cql_rows (id int, n float8, i bigint, s text, t timestamptz,
		u timestamptz, b boolean, g geometry(Geometry, 4326))`); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	rows := make([]map[string]any, 300)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for id := range rows {
		r := map[string]any{}
		maybe := func(k string, v any) {
			if rng.IntN(6) > 0 {
				r[k] = v
			}
		}
		maybe("n", float64(rng.IntN(21)-10)/2)
		maybe("i", int64(rng.IntN(5)))
		maybe("s", rowStrings[rng.IntN(len(rowStrings))])
		maybe("t", base.Add(time.Duration(rng.IntN(48))*12*time.Hour))
		maybe("u", base.Add(time.Duration(rng.IntN(48))*12*time.Hour+time.Duration(rng.IntN(2))*time.Microsecond))
		maybe("b", rng.IntN(2) == 0)
		maybe("geometry", randomGeometry(rng))
		rows[id] = r
		var g any
		if geom, ok := r["geometry"]; ok {
			g = wkt.MarshalString(geom.(orb.Geometry))
		}
		if _, err := conn.ExecContext(t.Context(), `INSERT INTO cql_rows VALUES ($1, $2, $3, $4, $5, $6, $7, ST_GeomFromText($8, 4326))`,
			id, r["n"], r["i"], r["s"], r["t"], r["u"], r["b"], g); err != nil {
			t.Fatal(err)
		}
	}
	selected := 0
	for k := 0; k < 1200; k++ {
		text := randomFilter(rng, 0)
		e, err := Check(text, rowSchema)
		if err != nil {
			t.Fatalf("the generator made a filter that does not check: %s: %v", text, err)
		}
		cond, args, err := SQL(e, rowSchema, rowColumns)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		for i := range args {
			cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", i+1), 1)
		}
		res, err := conn.QueryContext(t.Context(), "SELECT id FROM cql_rows WHERE "+cond+" ORDER BY id", args...)
		if err != nil {
			t.Fatalf("%s: %s: %v", text, cond, err)
		}
		var fromSQL, fromGo []int
		for res.Next() {
			var id int
			if err := res.Scan(&id); err != nil {
				t.Fatal(err)
			}
			fromSQL = append(fromSQL, id)
		}
		res.Close()
		for id, r := range rows {
			if Eval(e, r) {
				fromGo = append(fromGo, id)
			}
		}
		if !slices.Equal(fromSQL, fromGo) {
			t.Errorf("%s\n  SQL %s\n  selects %d rows in SQL, %d in Go; first difference: %v", text, cond, len(fromSQL), len(fromGo), firstDiff(fromSQL, fromGo, rows))
		}
		if len(fromGo) > 0 && len(fromGo) < len(rows) {
			selected++
		}
	}
	if selected < 600 {
		t.Errorf("only %d of 1200 filters selected some rows but not all: the generator tests little", selected)
	}
}

func firstDiff(a, b []int, rows []map[string]any) string {
	in := func(s []int, x int) bool { return slices.Contains(s, x) }
	for id, r := range rows {
		if in(a, id) != in(b, id) {
			return fmt.Sprintf("row %d %v (SQL %v, Go %v)", id, r, in(a, id), in(b, id))
		}
	}
	return "none"
}

func randomGeometry(rng *rand.Rand) orb.Geometry {
	x, y := rng.Float64()*20-10, rng.Float64()*20-10
	switch rng.IntN(3) {
	case 0:
		return orb.Point{x, y}
	case 1:
		return orb.LineString{{x, y}, {x + rng.Float64()*6 - 3, y + rng.Float64()*6 - 3}, {x + rng.Float64()*6 - 3, y + rng.Float64()*6 - 3}}
	}
	w := 0.5 + rng.Float64()*3
	return orb.Polygon{{{x, y}, {x + w, y}, {x + w, y + w}, {x, y + w}, {x, y}}}
}

// randomFilter writes a random filter over rowSchema, nesting up to depth 3.
func randomFilter(rng *rand.Rand, depth int) string {
	if depth < 3 && rng.IntN(3) == 0 {
		l, r := randomFilter(rng, depth+1), randomFilter(rng, depth+1)
		switch rng.IntN(3) {
		case 0:
			return "(" + l + ") AND (" + r + ")"
		case 1:
			return "(" + l + ") OR (" + r + ")"
		}
		return "NOT (" + l + ")"
	}
	ops := []string{"=", "<>", "<", "<=", ">", ">="}
	op := ops[rng.IntN(len(ops))]
	num := func() string { return fmt.Sprint(float64(rng.IntN(21)-10) / 2) }
	str := func() string { return "'" + strings.ReplaceAll(rowStrings[rng.IntN(len(rowStrings))], "'", "''") + "'" }
	ts := func() string {
		return fmt.Sprintf("TIMESTAMP('%s')", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(48))*12*time.Hour).Format(time.RFC3339))
	}
	tprop := []string{"t", "u"}[rng.IntN(2)]
	switch rng.IntN(16) {
	case 0:
		return "n " + op + " " + num()
	case 1:
		return num() + " " + op + " i"
	case 2:
		return "n " + op + " i"
	case 3:
		return "s " + op + " " + str()
	case 4:
		pats := []string{"a%", "%c", "a_c", `a\%c`, `a\_c`, "%", "_", `%\\%`, "%'%", "Ä%", "%ü%", "b"}
		not := []string{"", "NOT "}[rng.IntN(2)]
		return "s " + not + "LIKE '" + strings.ReplaceAll(pats[rng.IntN(len(pats))], "'", "''") + "'"
	case 5:
		return "n " + []string{"", "NOT "}[rng.IntN(2)] + "BETWEEN " + num() + " AND " + num()
	case 6:
		return "i " + []string{"", "NOT "}[rng.IntN(2)] + "IN (" + fmt.Sprint(rng.IntN(5)) + ", " + fmt.Sprint(rng.IntN(5)) + ")"
	case 7:
		return "s IN (" + str() + ", " + str() + ")"
	case 8:
		return []string{"n", "i", "s", "t", "b", "geometry"}[rng.IntN(6)] + " IS " + []string{"", "NOT "}[rng.IntN(2)] + "NULL"
	case 9:
		return tprop + " " + op + " " + ts()
	case 10:
		return "t " + op + " u"
	case 11:
		return "b = " + []string{"TRUE", "FALSE"}[rng.IntN(2)]
	case 12:
		w, s := rng.Float64()*24-12, rng.Float64()*24-12
		return fmt.Sprintf("S_INTERSECTS(geometry, BBOX(%.3f, %.3f, %.3f, %.3f))", w, s, w+rng.Float64()*8, s+rng.Float64()*8)
	case 13:
		d := time.Date(2024, 1, 1+rng.IntN(24), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		return "T_INTERSECTS(" + tprop + ", DATE('" + d + "'))"
	case 14:
		a := time.Date(2024, 1, 1+rng.IntN(24), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		b := []string{"..", time.Date(2024, 1, 10+rng.IntN(24), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)}[rng.IntN(2)]
		return "T_INTERSECTS(INTERVAL(t, u), INTERVAL('" + a + "', '" + b + "'))"
	}
	return []string{"TRUE", "FALSE"}[rng.IntN(2)]
}
