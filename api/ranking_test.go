package api_test

import (
	"fmt"
	"strings"
	"testing"

	"routewatch/api"
)

// TestRanking ranks cells and routes of an area in February 2024 against January (the
// previous whole month): counts by hand, the change tested as compare tests it.
func TestRanking(t *testing.T) {
	srv := newServerOn(t, api.Config{}, "apiranking") // a database of its own: other tests load the same months and places
	var b strings.Builder
	b.WriteString(csvHeader)
	row := func(id, day, route string, lat, lon float64, persons int) {
		fmt.Fprintf(&b, "AG-GR,%s,2024-%sT10:00:00Z,%g,%g,,,%s,,,SY,%d,boat_rubber,,,B,2,H0\n", id, day, lat, lon, route, persons)
	}
	for i := range 2 { // cell 1: 2 in January, 12 in February (Eastern Mediterranean)
		row(fmt.Sprintf("a%d", i), fmt.Sprintf("01-1%d", i), "Eastern Mediterranean", 39.1, 26.5, 10)
	}
	for i := range 12 {
		row(fmt.Sprintf("b%d", i), fmt.Sprintf("02-%02d", i+1), "Eastern Mediterranean", 39.1, 26.5, 10)
	}
	for i := range 5 { // cell 2: 5 new in February, a second route
		row(fmt.Sprintf("n%d", i), fmt.Sprintf("02-0%d", i+1), "Aegean islands", 36.9, 27.3, 3)
	}
	for i := range 7 { // cell 3: 7 in January only
		row(fmt.Sprintf("v%d", i), fmt.Sprintf("01-0%d", i+1), "Aegean islands", 37.5, 24.5, 1)
	}
	if code, rep := do(t, "POST", srv.URL+"/api/v1/ingest?filename=r.csv", "text/csv", b.String()); code != 201 {
		t.Fatalf("ingest: %d %v", code, rep)
	}
	q := "/api/v1/ranking?bbox=20,30,30,45&res=5&from=2024-02-01&to=2024-03-01"
	code, r := do(t, "GET", srv.URL+q, "", "")
	if code != 200 {
		t.Fatalf("ranking: %d %v", code, r)
	}
	if r["units"] != 3.0 || r["previous"].(map[string]any)["from"] != "2024-01-01T00:00:00Z" {
		t.Errorf("ranking: units %v, previous %v; want 3 cells and January", r["units"], r["previous"])
	}
	var got []string
	for _, x := range r["rows"].([]any) {
		m := x.(map[string]any)
		got = append(got, fmt.Sprintf("%v:%v→%v:%v:%v", m["rank"], m["a"], m["b"], m["persons_b"], m["status"]))
		if m["h3"] == "" || m["route"] != nil {
			t.Errorf("cell row without h3 or with a route: %v", m)
		}
	}
	// 2 → 12 over 31 and 29 days is up (exact test, BH over 3 cells); 0 → 5 is new; 7 → 0 vanished.
	if want := "1:2→12:120:up 2:0→5:15:new 3:7→0:0:vanished"; strings.Join(got, " ") != want {
		t.Errorf("cell ranking: got %s, want %s", strings.Join(got, " "), want)
	}
	code, r = do(t, "GET", srv.URL+q+"&by=route&limit=1", "", "")
	if code != 200 {
		t.Fatalf("route ranking: %d %v", code, r)
	}
	rows := r["rows"].([]any)
	if len(rows) != 1 || r["units"] != 2.0 {
		t.Fatalf("route ranking with limit=1: %d rows of %v units, want 1 of 2", len(rows), r["units"])
	}
	top := rows[0].(map[string]any)
	if top["route"] != "Eastern Mediterranean" || top["a"] != 2.0 || top["b"] != 12.0 || top["h3"] != nil {
		t.Errorf("top route: %v, want Eastern Mediterranean 2 → 12 without h3", top)
	}
	for _, bad := range []string{"&by=country", "&limit=0", "&limit=501", "&limit=x"} {
		if code, _ := do(t, "GET", srv.URL+q+bad, "", ""); code != 400 {
			t.Errorf("%s: got %d, want 400", bad, code)
		}
	}
	if code, _ := do(t, "GET", srv.URL+"/api/v1/ranking?bbox=20,30,30,45&res=5", "", ""); code != 400 {
		t.Errorf("ranking without a period: got %d, want 400", code)
	}
}
