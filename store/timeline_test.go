package store_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/store"
)

func bucketStart(t time.Time, bucket string) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch bucket {
	case "week":
		return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	case "month":
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return d
}

func TestTimelineMatchesTruth(t *testing.T) {
	seed := testSeed()
	t.Logf("seed %d", seed)
	w := newWorld(t, seed+1000, 1500)
	r := rand.New(rand.NewPCG(seed, 3))
	ctx := context.Background()
	for i := 0; i < 30; i++ {
		a, p, f := randomQuery(r)
		bucket := pick(r, []string{"day", "week", "month"})
		want := map[time.Time][2]int64{}
		for _, s := range w.rows {
			if s.ObservedAt.Before(p.From) || !s.ObservedAt.Before(p.To) || !matches(s, f) {
				continue
			}
			ll := h3.LatLngToCell(h3.NewLatLng(s.Lat, s.Lon), store.CellResolution).Parent(a.Res).LatLng()
			if !a.BBox.Contains(ll.Lat, ll.Lng) {
				continue
			}
			k := bucketStart(s.ObservedAt, bucket)
			v := want[k]
			v[0]++
			if s.Persons != nil {
				v[1] += int64(*s.Persons)
			}
			want[k] = v
		}
		got, plan, err := w.db.Timeline(ctx, store.Query{Area: a, Period: p, Filters: f, Bucket: bucket})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("query %d (%s, %s) %+v %+v %+v: got %d buckets, want %d", i, bucket, plan, a, p, f, len(got), len(want))
		}
		for _, b := range got {
			if wv := want[b.Start]; wv != [2]int64{b.Sightings, b.Persons} {
				t.Fatalf("query %d (%s, %s) bucket %s: got %d/%d, want %v", i, bucket, plan, b.Start, b.Sightings, b.Persons, wv)
			}
		}
	}
}
