package store_test

import (
	"context"
	"testing"
	"time"

	"routewatch/domain"
	"routewatch/geo"
	"routewatch/sighting"
	"routewatch/store"
	"routewatch/store/storetest"
)

// A sighting's reporting channel is stored (NULL when it is the source), counts under its
// source when it has none, filters the heatmap, and is what the analytics jobs read.
func TestChannelIsStoredFilteredAndRead(t *testing.T) {
	db := storetest.Open(t, "channel")
	ctx := context.Background()
	a := testSighting("c1", 35.5, 12.6, "2025-03-03T10:00:00Z")
	a.Channel = "4Mi"
	b := testSighting("c2", 35.5, 12.6, "2025-03-04T10:00:00Z") // no channel: the source T
	c := testSighting("c3", 35.5, 12.6, "2025-03-05T10:00:00Z")
	c.Channel = "T" // the source itself
	loadBatch(t, db, "c4a0000000000000000000000000000000000000000000000000000000000001", []*sighting.Sighting{a, b, c}, 0)

	march := domain.Period{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)}
	area := domain.Area{BBox: geo.BBox{West: 10, South: 30, East: 15, North: 40}, Res: 4}
	count := func(ch ...string) int64 {
		cells, plan, err := db.Heatmap(ctx, store.Query{Area: area, Period: march,
			Filters: domain.Filters{Channels: ch, MaxHandling: domain.H3}})
		if err != nil {
			t.Fatal(err)
		}
		if plan != store.PlanRaw {
			t.Errorf("channel filter answered by plan %s, want raw", plan)
		}
		var n int64
		for _, c := range cells {
			n += c.Sightings
		}
		return n
	}
	if n := count("4Mi"); n != 1 {
		t.Errorf("channel 4Mi: %d sightings, want 1", n)
	}
	if n := count("T"); n != 2 {
		t.Errorf("channel T (the source's own and the unmarked one): %d sightings, want 2", n)
	}
	if n := count("4Mi", "T"); n != 3 {
		t.Errorf("channels 4Mi or T: %d sightings, want 3", n)
	}
	got := map[string]int{}
	if err := db.WindowSightings(ctx, 4, march, nil, nil, func(s *store.WindowSighting) { got[s.Channel]++ }); err != nil {
		t.Fatal(err)
	}
	if got["4Mi"] != 1 || got["T"] != 2 {
		t.Errorf("the jobs read channels %v, want 4Mi: 1, T: 2", got)
	}
	active, err := db.ActiveChannels(ctx, march)
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != 2 {
		t.Errorf("active channels %v, want 4Mi and T", active)
	}
}
