package store_test

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"routewatch/domain"
	"routewatch/geo"
	"routewatch/sighting"
	"routewatch/store"
	"routewatch/store/storetest"
)

// TestDimCounts checks the per-dimension counts of an area against hand counts, the
// rollup against the raw table, the clearance, filters and the antimeridian.
func TestDimCounts(t *testing.T) {
	db := storetest.Open(t, "dims")
	ctx := context.Background()
	var rows []*sighting.Sighting
	for i, p := range [][2]float64{{35.5, 12.6}, {35.5001, 12.6001}, {36.9, 14.1}, {40.1, 26.0}, {-0.5, 179.99}} {
		s := testSighting(fmt.Sprint(i), p[0], p[1], "2024-02-10T08:00:00Z")
		s.HandlingCode = fmt.Sprintf("H%d", i%2)
		if i == 1 {
			s.ModusOperandi, s.TransportMode = nil, "truck"
		}
		if i == 2 {
			s.Nationalities = []string{"SY"}
		}
		rows = append(rows, s)
	}
	loadBatch(t, db, sha1, rows, 0)
	med := geo.BBox{West: 10, South: 30, East: 30, North: 45}
	feb := domain.Period{From: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	get := func(b geo.BBox, p domain.Period, f domain.Filters) map[string]int64 {
		t.Helper()
		got, err := db.DimCounts(ctx, store.Query{Area: domain.Area{BBox: b}, Period: p, Filters: f})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int64{}
		for _, d := range got {
			m[d.Dim+"/"+d.Value] = d.Sightings
		}
		return m
	}
	all := domain.Filters{MaxHandling: 3}
	rolled := get(med, feb, all)
	want := map[string]int64{"total/": 4, "mode/boat_rubber": 3, "mode/truck": 1, "mo_known/": 3, "mo/mothership": 3,
		"mo/hawala_payment": 3, "nationality_known/": 4, "nationality/SD": 3, "nationality/ER": 3, "nationality/SY": 1,
		"source/T": 4, "route/Central Mediterranean": 4}
	for k, n := range want {
		if rolled[k] != n {
			t.Errorf("%s: got %d, want %d (all: %v)", k, rolled[k], n, rolled)
		}
	}
	// A period that is not whole months but holds the same sightings reads the raw table.
	raw := get(med, domain.Period{From: feb.From.Add(-time.Hour), To: feb.To}, all)
	if !maps.Equal(rolled, raw) {
		t.Errorf("rollup and raw differ:\n%v\n%v", rolled, raw)
	}
	if h0 := get(med, feb, domain.Filters{MaxHandling: 0}); h0["total/"] != 2 || h0["mode/truck"] != 0 {
		t.Errorf("clearance H0: got %v, want the two H0 sightings only", h0)
	}
	if boats := get(med, feb, domain.Filters{MaxHandling: 3, Modes: []string{"boat_rubber"}}); boats["total/"] != 3 || boats["mo_known/"] != 3 {
		t.Errorf("mode filter: got %v, want 3 boat sightings, all with modus operandi", boats)
	}
	if pacific := get(geo.BBox{West: 179, South: -2, East: -179, North: 1}, feb, all); pacific["total/"] != 1 {
		t.Errorf("antimeridian bbox: got %v, want 1 sighting", pacific)
	}
	if none := get(med, domain.Period{From: feb.To, To: feb.To.AddDate(0, 1, 0)}, all); len(none) != 0 {
		t.Errorf("empty month: got %v", none)
	}
}
