package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/sighting"
	"routewatch/store"
	"routewatch/store/storetest"
)

// TestFlowsFollowLateSightings loads a journey's ends first and its middle later: the legs
// and flows must end as if all had arrived together. The journey crosses a month boundary,
// so the late sighting moves flows from one month to two.
func TestFlowsFollowLateSightings(t *testing.T) {
	ctx := context.Background()
	mk := func(id string, lat, lon float64, at string) *sighting.Sighting {
		s := testSighting(id, lat, lon, at)
		s.JourneyID = "J1"
		return s
	}
	// Zuwara → at sea → Lampedusa, about 100 km apart each.
	a := mk("a", 32.93, 12.08, "2024-06-30T18:00:00Z")
	m := mk("m", 34.20, 12.30, "2024-07-01T01:00:00Z")
	z := mk("z", 35.50, 12.60, "2024-07-01T06:00:00Z")

	late := storetest.Open(t, "flowslate")
	loadBatch(t, late, sha1, []*sighting.Sighting{a, z}, 0)
	loadBatch(t, late, sha2, []*sighting.Sighting{m}, 0)
	together := storetest.Open(t, "flowstogether")
	loadBatch(t, together, sha1, []*sighting.Sighting{a, m, z}, 0)

	type row struct {
		Res      int   `db:"res"`
		From     int64 `db:"from_cell"`
		To       int64 `db:"to_cell"`
		Legs     int64 `db:"legs"`
		Journeys int64 `db:"journeys"`
		Persons  int64 `db:"persons"`
	}
	read := func(db interface {
		SelectContext(context.Context, any, string, ...any) error
	}) []row {
		var out []row
		if err := db.SelectContext(ctx, &out, `SELECT res, from_cell, to_cell, legs, journeys, persons FROM flow_months ORDER BY 1, 2, 3`); err != nil {
			t.Fatal(err)
		}
		return out
	}
	got, want := read(late.SQLX()), read(together.SQLX())
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("flow rows: late %d, together %d (want equal, non-zero)", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("flow row %d: late %+v, together %+v", i, got[i], want[i])
		}
		if want[i].Journeys != 1 || want[i].Persons != 12 {
			t.Errorf("flow row %d: %+v, want 1 journey of 12 persons", i, want[i])
		}
	}
	var legs int
	if err := late.SQLX().Get(&legs, `SELECT count(*) FROM journey_legs WHERE journey_id = 'J1'`); err != nil || legs != 2 {
		t.Errorf("legs of J1: got %d (%v), want 2", legs, err)
	}
	// Every flow edge joins neighbouring cells (legs that skip cells follow the grid path).
	var far int
	for _, r := range want {
		if !h3.Cell(r.From).IsNeighbor(h3.Cell(r.To)) {
			far++
		}
	}
	var resCounts []int
	if err := together.SQLX().Select(&resCounts, `SELECT count(*) FROM flow_months GROUP BY res ORDER BY res`); err != nil || len(resCounts) != 3 {
		t.Errorf("flow resolutions: got %v (%v), want rows at 3 resolutions", resCounts, err)
	}
	if far != 0 {
		t.Errorf("%d flow edges join cells that are not neighbours", far)
	}
}

// TestFlowsInChunks loads journeys that share edges with a cursor chunk of 3 legs, so chunks
// split journeys, and with the default chunk: flow_months must be the same, each journey
// counted once per edge. The journeys run from one month into the next.
func TestFlowsInChunks(t *testing.T) {
	ctx := context.Background()
	var rows []*sighting.Sighting
	for j := range 4 {
		for i := range 5 { // Zuwara to Lampedusa in five steps
			at := time.Date(2024, 6, 30, 14+j, 0, 0, 0, time.UTC).Add(time.Duration(4*i) * time.Hour)
			s := testSighting(fmt.Sprintf("j%d-%d", j, i), 32.93+0.64*float64(i), 12.08+0.13*float64(i),
				at.Format(time.RFC3339))
			s.JourneyID = fmt.Sprintf("J%d", j)
			rows = append(rows, s)
		}
	}
	read := func(db *store.DB) []string {
		var out []string
		if err := db.SQLX().SelectContext(ctx, &out, `SELECT concat_ws(' ', res, month, from_cell, to_cell, handling, legs, journeys, persons)
			FROM flow_months ORDER BY 1`); err != nil {
			t.Fatal(err)
		}
		return out
	}
	whole := storetest.Open(t, "flowswhole")
	loadBatch(t, whole, sha1, rows, 0)
	undo := store.SetLegChunk(3)
	chunked := storetest.Open(t, "flowschunked")
	loadBatch(t, chunked, sha1, rows, 0)
	undo()
	got, want := read(chunked), read(whole)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("flow_months with 3-leg chunks:\n%v\nwith one chunk:\n%v", got, want)
	}
	var maxJourneys int
	if err := whole.SQLX().Get(&maxJourneys, `SELECT max(journeys) FROM flow_months`); err != nil || maxJourneys != 4 {
		t.Errorf("most journeys on one edge: %d (%v), want 4", maxJourneys, err)
	}
	var months int
	if err := whole.SQLX().Get(&months, `SELECT count(DISTINCT month) FROM flow_months`); err != nil || months != 2 {
		t.Errorf("months with flows: %d (%v), want 2", months, err)
	}
}
