package store_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/sighting"
	"routewatch/store"
	"routewatch/store/storetest"
)

func testSighting(id string, lat, lon float64, at string) *sighting.Sighting {
	t, _ := time.Parse(time.RFC3339, at)
	p := 12
	return &sighting.Sighting{Source: "T", ExternalID: id, ObservedAt: t, Lat: lat, Lon: lon,
		Persons: &p, TransportMode: "boat_rubber", ModusOperandi: []string{"mothership", "hawala_payment"},
		Nationalities: []string{"SD", "ER"}, SourceReliability: "B", InfoCredibility: 2, HandlingCode: "H1",
		RouteLabel: "Central Mediterranean", Attributes: map[string]any{"note": "طرابلس"}}
}

func loadBatch(t *testing.T, db *store.DB, sha string, rows []*sighting.Sighting, rejects int) *store.Report {
	t.Helper()
	ctx := context.Background()
	b, err := db.BeginBatch(ctx, store.BatchMeta{FileName: "t.csv", SHA256: sha, Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	var staged []store.Row
	for i, s := range rows {
		c := h3.LatLngToCell(h3.NewLatLng(s.Lat, s.Lon), store.CellResolution)
		staged = append(staged, store.Row{Line: int64(i + 2), Sighting: s, Cell: int64(c)})
	}
	sent := false
	if err := b.CopyRows(ctx, func() ([]store.Row, error) {
		if sent {
			return nil, io.EOF
		}
		sent = true
		return staged, nil
	}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < rejects; i++ {
		b.Reject(store.RejectRow{Line: int64(len(rows) + 2 + i), Code: "bad_persons", Reason: "persons -1 is negative", Raw: "x,y"})
	}
	rep, err := b.Commit(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

const sha1 = "1111111111111111111111111111111111111111111111111111111111111111"
const sha2 = "2222222222222222222222222222222222222222222222222222222222222222"

func TestBatchAccountsForEveryRow(t *testing.T) {
	db := storetest.Open(t, "ingest")
	ctx := context.Background()
	rows := []*sighting.Sighting{
		testSighting("a", 35.5, 12.6, "2024-06-01T10:00:00Z"),
		testSighting("b", 35.6, 12.7, "2024-06-01T23:30:00-02:00"), // UTC day 2024-06-02
		testSighting("a", 35.5, 12.6, "2024-06-03T10:00:00Z"),      // in-file duplicate
	}
	rep := loadBatch(t, db, sha1, rows, 2)
	if rep.RowsRead != 5 || rep.Loaded != 2 || rep.Duplicate != 1 || rep.Rejected != 2 {
		t.Fatalf("report: got read=%d loaded=%d dup=%d rej=%d, want 5/2/1/2", rep.RowsRead, rep.Loaded, rep.Duplicate, rep.Rejected)
	}
	if rep.Reasons["bad_persons"] != 2 {
		t.Errorf("reasons: got %v, want bad_persons: 2", rep.Reasons)
	}
	// The first occurrence wins.
	var at time.Time
	if err := db.SQLX().Get(&at, `SELECT observed_at FROM sightings WHERE source='T' AND external_id='a'`); err != nil || !at.Equal(rows[0].ObservedAt) {
		t.Errorf("kept row a: got %v (%v), want the first occurrence %v", at, err, rows[0].ObservedAt)
	}
	// Again: everything is a duplicate.
	rep2 := loadBatch(t, db, sha2, rows[:2], 0)
	if rep2.Loaded != 0 || rep2.Duplicate != 2 {
		t.Errorf("re-ingest: got loaded=%d dup=%d, want 0/2", rep2.Loaded, rep2.Duplicate)
	}
	prev, err := db.CompletedBatch(ctx, sha1)
	if err != nil || prev == nil || prev.BatchID != rep.BatchID || prev.RowsRead != 5 {
		t.Errorf("CompletedBatch: got %+v (%v), want batch %d with 5 rows", prev, err, rep.BatchID)
	}
	rj, err := db.Rejects(ctx, rep.BatchID)
	if err != nil || len(rj) != 2 || rj[0].Code != "bad_persons" {
		t.Errorf("Rejects: got %+v (%v), want 2 bad_persons", rj, err)
	}
	var note string
	if err := db.SQLX().Get(&note, `SELECT attributes->>'note' FROM sightings WHERE external_id='a'`); err != nil || note != "طرابلس" {
		t.Errorf("Arabic attribute: got %q (%v), want طرابلس", note, err)
	}
}

// TestRollupsMatchRaw compares every slot of cell_months (each clearance and reliability
// filter) and filter_values with the same aggregations over raw sightings, and checks every
// rollup cell has a centre.
func TestRollupsMatchRaw(t *testing.T) {
	db := storetest.Open(t, "rollup")
	var rows []*sighting.Sighting
	for i, p := range [][2]float64{{35.5, 12.6}, {35.5001, 12.6001}, {36.9, 14.1}, {40.1, 26.0}, {-0.5, 179.99}, {71.0, 25.7}} {
		s := testSighting(string(rune('a'+i)), p[0], p[1], "2024-0"+string(rune('1'+i%3))+"-15T12:00:00Z")
		s.HandlingCode = fmt.Sprintf("H%d", i%4)
		s.SourceReliability = string(rune('A' + i))
		if i%2 == 1 {
			s.ModusOperandi = nil
			s.Persons = nil
			s.SourceReliability = ""
		}
		rows = append(rows, s)
	}
	loadBatch(t, db, sha1, rows[:4], 0)
	loadBatch(t, db, sha2, rows[2:], 0) // overlaps: two duplicates
	for h := range 4 {
		for _, rel := range []string{"", "A", "B", "C", "D", "E", "F"} {
			var off int
			if err := db.SQLX().Get(&off, `
				SELECT count(*) FROM (
				  SELECT r.res, date_trunc('month', observed_at AT TIME ZONE 'UTC')::date AS month,
				         h3_parent(cell, r.res) AS cell, coalesce(transport_mode, '') AS mode,
				         count(*)::int AS n, sum(coalesce(persons, 0))::bigint AS p
				  FROM sightings, unnest('{4,5,6}'::int[]) r(res)
				  WHERE substr(handling_code, 2)::int <= $1 AND ($2 = '' OR source_reliability <= $2)
				  GROUP BY 1,2,3,4) raw
				FULL JOIN (SELECT res, month, cell, mode, n[$3] AS n, p[$3] AS p FROM cell_months WHERE n[$3] > 0) c
				  USING (res, month, cell, mode)
				WHERE c.n IS DISTINCT FROM raw.n OR c.p IS DISTINCT FROM raw.p`, h, rel, 7*h+1+
				map[string]int{"": 6, "A": 0, "B": 1, "C": 2, "D": 3, "E": 4, "F": 5}[rel]); err != nil || off != 0 {
				t.Errorf("cell_months vs raw at H%d, reliability %q: %d rows differ (%v), want 0", h, rel, off, err)
			}
		}
	}
	// cell_dims answers CellDims as the raw table does (a period that is not whole months
	// but holds the same sightings reads the raw table).
	for _, res := range []int{3, 4} {
		month := domain.Period{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}
		rolled, err := db.CellDims(context.Background(), res, month)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := db.CellDims(context.Background(), res, domain.Period{From: month.From.Add(-time.Hour), To: month.To})
		if err != nil {
			t.Fatal(err)
		}
		key := func(d store.CellDim) string { return fmt.Sprintf("%v", d) }
		if len(rolled) < 10 || !slices.Equal(sortedKeys(rolled, key), sortedKeys(raw, key)) {
			t.Errorf("res %d: cell_dims gives %d rows, raw %d, or they differ:\n%v\n%v", res, len(rolled), len(raw), rolled, raw)
		}
	}
	var total, mo, missing int64
	if err := db.SQLX().Get(&total, `SELECT sum(n[28]) FROM cell_months WHERE res = 4`); err != nil || total != 6 {
		t.Errorf("sightings at res 4: got %d (%v), want 6", total, err)
	}
	if err := db.SQLX().Get(&mo, `SELECT sum(sightings) FROM filter_values WHERE dim = 'mo' AND value = 'mothership'`); err != nil || mo != 3 {
		t.Errorf("filter value mothership: got %d (%v), want 3", mo, err)
	}
	if err := db.SQLX().Get(&missing, `SELECT count(*) FROM (SELECT DISTINCT res, cell FROM cell_months) d
		WHERE NOT EXISTS (SELECT 1 FROM cells c WHERE c.res = d.res AND c.cell = d.cell)`); err != nil || missing != 0 {
		t.Errorf("rollup cells without a centre: %d (%v), want 0", missing, err)
	}
}

// TestCopyTextRoundTrip loads values that need escaping in COPY text format and array
// literals, and reads them back unchanged.
func TestCopyTextRoundTrip(t *testing.T) {
	db := storetest.Open(t, "copytext")
	nasty := "tab\there, new\nline, back\\slash, \\N, quote\" {brace}, comma, طرابلس"
	s := testSighting(nasty, 35.5, 12.6, "2024-06-01T10:00:00.123456Z")
	s.RouteLabel = nasty
	s.JourneyID = `\N`
	s.Nationalities = []string{"SY", `a"b`, `c\d`, "e,f", "{g}", "NULL", ""}
	s.Attributes = map[string]any{"k": nasty}
	loadBatch(t, db, sha1, []*sighting.Sighting{s}, 0)
	var got struct {
		ExternalID string    `db:"external_id"`
		Route      string    `db:"route_label"`
		Journey    string    `db:"journey_id"`
		Nat        []string  `db:"-"`
		Attr       string    `db:"attr"`
		At         time.Time `db:"observed_at"`
	}
	if err := db.SQLX().QueryRowx(`SELECT external_id, route_label, journey_id, attributes->>'k' AS attr, observed_at FROM sightings`).
		Scan(&got.ExternalID, &got.Route, &got.Journey, &got.Attr, &got.At); err != nil {
		t.Fatal(err)
	}
	var nat pq.StringArray
	if err := db.SQLX().Get(&nat, `SELECT nationalities FROM sightings`); err != nil {
		t.Fatal(err)
	}
	if got.ExternalID != nasty || got.Route != nasty || got.Journey != `\N` || got.Attr != nasty || !got.At.Equal(s.ObservedAt) {
		t.Errorf("round trip: got %+v", got)
	}
	if !slices.Equal([]string(nat), s.Nationalities) {
		t.Errorf("array round trip: got %q, want %q", nat, s.Nationalities)
	}
}

func sortedKeys[T any](xs []T, key func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = key(x)
	}
	slices.Sort(out)
	return out
}
