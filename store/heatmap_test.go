package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/geo"
	"routewatch/sighting"
	"routewatch/store"
	"routewatch/store/storetest"
)

// world is a random set of sightings loaded into a test database, kept in memory as the
// truth that heatmap answers are checked against.
type world struct {
	db   *store.DB
	rows []*sighting.Sighting
}

var (
	modes   = []string{"boat_rubber", "boat_wooden", "foot", "truck", ""}
	mos     = []string{"mothership", "hawala_payment", "concealment_vehicle"}
	nats    = []string{"SD", "ER", "SY", "AF"}
	routes  = []string{"Central Mediterranean", "Pacific", ""}
	sources = []string{"A1", "B2", "C3"}
	rels    = []string{"A", "B", "C", "F", ""}
)

// testSeed is SEED from the environment, to replay a failure, or a new one each run.
func testSeed() uint64 {
	if s, err := strconv.ParseUint(os.Getenv("SEED"), 10, 64); err == nil {
		return s
	}
	return uint64(time.Now().UnixNano() % 100000)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func subset(r *rand.Rand, xs []string) []string {
	var out []string
	for _, x := range xs {
		if r.IntN(3) == 0 {
			out = append(out, x)
		}
	}
	return out
}

func newWorld(t *testing.T, seed uint64, n int) *world {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	// Clusters: the central Mediterranean, across the antimeridian near Fiji, the high Arctic.
	centres := [][2]float64{{35, 14}, {-17, 179.8}, {78, 16}, {-17, -179.9}}
	w := &world{db: storetest.Open(t, fmt.Sprintf("heat%d", seed))}
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		c := pick(r, centres)
		lat, lon := c[0]+r.NormFloat64()*1.5, c[1]+r.NormFloat64()*1.5
		if lon > 180 {
			lon -= 360
		} else if lon < -180 {
			lon += 360
		}
		p := r.IntN(60)
		s := &sighting.Sighting{
			Source: pick(r, sources), ExternalID: fmt.Sprint(i), Lat: lat, Lon: lon,
			ObservedAt:    start.Add(time.Duration(r.Int64N(int64(400 * 24 * time.Hour)))),
			TransportMode: pick(r, modes), ModusOperandi: subset(r, mos), Nationalities: subset(r, nats),
			RouteLabel: pick(r, routes), SourceReliability: pick(r, rels), HandlingCode: fmt.Sprintf("H%d", r.IntN(4)),
		}
		if r.IntN(5) > 0 {
			s.Persons = &p
		}
		w.rows = append(w.rows, s)
	}
	for i := 0; i < len(w.rows); i += 700 { // several batches, so rollups accumulate
		end := min(i+700, len(w.rows))
		loadBatch(t, w.db, fmt.Sprintf("%064x", i+1), w.rows[i:end], 0)
	}
	return w
}

// truth computes the heatmap by brute force over the in-memory rows.
func (w *world) truth(a domain.Area, p domain.Period, f domain.Filters) map[h3.Cell][2]int64 {
	out := map[h3.Cell][2]int64{}
	for _, s := range w.rows {
		if s.ObservedAt.Before(p.From) || !s.ObservedAt.Before(p.To) || !matches(s, f) {
			continue
		}
		// A sighting's cell at res is the parent of its stored cell (H3 children are only
		// approximately inside their parent, so this can differ from LatLngToCell at res).
		c := h3.LatLngToCell(h3.NewLatLng(s.Lat, s.Lon), store.CellResolution).Parent(a.Res)
		ll := c.LatLng()
		if !a.BBox.Contains(ll.Lat, ll.Lng) {
			continue
		}
		v := out[c]
		v[0]++
		if s.Persons != nil {
			v[1] += int64(*s.Persons)
		}
		out[c] = v
	}
	return out
}

func anyOf(have, want []string) bool {
	for _, x := range want {
		if slices.Contains(have, x) {
			return true
		}
	}
	return false
}

func matches(s *sighting.Sighting, f domain.Filters) bool {
	hc := domain.Clearance(s.HandlingCode[1] - '0')
	return hc <= f.MaxHandling &&
		(len(f.Modes) == 0 || slices.Contains(f.Modes, s.TransportMode)) &&
		(len(f.MO) == 0 || anyOf(s.ModusOperandi, f.MO)) &&
		(len(f.Nationalities) == 0 || anyOf(s.Nationalities, f.Nationalities)) &&
		(len(f.Routes) == 0 || slices.Contains(f.Routes, s.RouteLabel)) &&
		(len(f.Sources) == 0 || slices.Contains(f.Sources, s.Source)) &&
		(f.MinReliability == "" || (s.SourceReliability != "" && s.SourceReliability <= f.MinReliability))
}

func randomQuery(r *rand.Rand) (domain.Area, domain.Period, domain.Filters) {
	boxes := []string{"5,28,25,42", "170,-25,-170,-10", "-10,70,40,85", "-180,-90,180,90", "100,0,110,10", "13,34,15.5,36.5"}
	b, _ := geo.ParseBBox(pick(r, boxes))
	res := pick(r, []int{2, 3, 4, 5, 6, 7})
	var p domain.Period
	if r.IntN(3) == 0 { // any days
		from := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(300))
		p = domain.Period{From: from, To: from.AddDate(0, 0, 1+r.IntN(200))}
	} else { // whole months, which rollups answer
		from := time.Date(2023, time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
		p = domain.Period{From: from, To: from.AddDate(0, 1+r.IntN(8), 0)}
	}
	f := domain.Filters{MaxHandling: domain.Clearance(r.IntN(4))}
	switch r.IntN(9) {
	case 1:
		f.Modes = []string{pick(r, modes[:4]), pick(r, modes[:4])}
	case 2:
		f.MO = []string{pick(r, mos)}
	case 3:
		f.Nationalities = []string{pick(r, nats)}
	case 4:
		f.Routes = []string{pick(r, routes[:2])}
	case 5:
		f.Sources = []string{pick(r, sources), pick(r, sources)}
		f.Modes = []string{pick(r, modes[:4])}
	case 6:
		f.MinReliability = pick(r, []string{"A", "B", "C"})
	case 7:
		f.Modes = []string{pick(r, modes[:4])} // "" (unknown) is not a filter value
		f.MinReliability = "B"
	}
	return domain.Area{Res: res, BBox: b}, p, f
}

func TestHeatmapRollupEqualsRawEqualsTruth(t *testing.T) {
	seed := testSeed()
	t.Logf("seed %d", seed)
	t0 := time.Now()
	w := newWorld(t, seed, 3000)
	t.Logf("load %v", time.Since(t0))
	r := rand.New(rand.NewPCG(seed, 2))
	ctx := context.Background()
	nonEmpty, rolled, mixed := 0, 0, 0
	for i := 0; i < 60; i++ {
		a, p, f := randomQuery(r)
		want := w.truth(a, p, f)
		plans := []store.Plan{store.PlanRaw}
		switch plan := store.ChoosePlan(store.Query{Area: a, Period: p, Filters: f}); plan {
		case store.PlanRollup:
			plans = append(plans, plan)
			rolled++
		case store.PlanMixed:
			plans = append(plans, plan)
			mixed++
		}
		for _, plan := range plans {
			t1 := time.Now()
			got, _, err := w.db.HeatmapWithPlan(ctx, store.Query{Area: a, Period: p, Filters: f}, plan)
			if d := time.Since(t1); d > 200*time.Millisecond {
				t.Logf("slow %s %+v: %v", plan, a, d)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("query %d %+v %+v %#v plan %s: got %d cells, want %d", i, a, p, f, plan, len(got), len(want))
			}
			for _, c := range got {
				if wv := want[c.Cell]; wv != [2]int64{c.Sightings, c.Persons} {
					t.Fatalf("query %d plan %s cell %s: got %d sightings %d persons, want %v", i, plan, c.Cell, c.Sightings, c.Persons, wv)
				}
			}
		}
		if len(want) > 0 {
			nonEmpty++
		}
	}
	if rolled < 6 || mixed < 2 {
		t.Errorf("only %d of 60 random queries could use rollups alone and %d rollups with raw edges; the test is too weak", rolled, mixed)
	}
	if nonEmpty < 20 {
		t.Errorf("only %d of 60 random queries had data; the test is too weak", nonEmpty)
	}
}

func TestChoosePlan(t *testing.T) {
	b, _ := geo.ParseBBox("0,0,10,10")
	months := domain.Period{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	days := domain.Period{From: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), To: months.To}
	cases := []struct {
		name string
		res  int
		p    domain.Period
		f    domain.Filters
		want store.Plan
	}{
		{"unfiltered", 5, months, domain.Filters{}, store.PlanRollup},
		{"modes and reliability", 5, months, domain.Filters{Modes: []string{"a", "b"}, MinReliability: "B", MaxHandling: 1}, store.PlanRollup},
		{"one MO tag", 5, months, domain.Filters{MO: []string{"a"}}, store.PlanRaw},
		{"route", 5, months, domain.Filters{Routes: []string{"x"}}, store.PlanRaw},
		{"whole months and a partial one", 5, days, domain.Filters{}, store.PlanMixed},
		{"partial months only", 5, domain.Period{From: days.From, To: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)}, domain.Filters{}, store.PlanRaw},
		{"within one month", 5, domain.Period{From: days.From, To: days.From.AddDate(0, 0, 10)}, domain.Filters{}, store.PlanRaw},
		{"a month and a half", 5, domain.Period{From: months.From, To: months.From.AddDate(0, 1, 14)}, domain.Filters{}, store.PlanMixed},
		{"partial months with a MO tag", 5, days, domain.Filters{MO: []string{"a"}}, store.PlanRaw},
		{"res 2 from res 4 rollups", 2, months, domain.Filters{}, store.PlanRollup},
		{"res 7", 7, months, domain.Filters{}, store.PlanRaw},
	}
	for _, c := range cases {
		if got := store.ChoosePlan(store.Query{Area: domain.Area{Res: c.res, BBox: b}, Period: c.p, Filters: c.f}); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

// TestMixedPlanMonthEdges puts sightings on both sides of month boundaries and checks that
// rollup months plus raw edges count each once, in the heatmap and the monthly timeline.
func TestMixedPlanMonthEdges(t *testing.T) {
	db := storetest.Open(t, "mixed")
	ctx := context.Background()
	var rows []*sighting.Sighting
	for i, at := range []string{"2024-01-14T23:59:59Z", "2024-01-15T00:00:00Z", "2024-01-31T23:59:59.999Z",
		"2024-02-01T00:00:00Z", "2024-02-29T23:59:59Z", "2024-03-01T00:00:00Z", "2024-03-09T23:59:59Z", "2024-03-10T00:00:00Z"} {
		rows = append(rows, testSighting(fmt.Sprint(i), 35.5, 12.6, at))
	}
	loadBatch(t, db, sha1, rows, 0)
	b, _ := geo.ParseBBox("10,30,20,40")
	a := domain.Area{Res: 5, BBox: b}
	p := domain.Period{From: time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)}
	f := domain.Filters{MaxHandling: 3}
	for _, plan := range []store.Plan{store.PlanMixed, store.PlanRaw} {
		cells, used, err := db.HeatmapWithPlan(ctx, store.Query{Area: a, Period: p, Filters: f}, plan)
		if err != nil || used != plan || len(cells) != 1 || cells[0].Sightings != 6 || cells[0].Persons != 72 {
			t.Errorf("heatmap, plan %s (%s, %v): got %+v, want one cell with the 6 sightings from 15 Jan to 9 Mar", plan, used, err, cells)
		}
	}
	buckets, plan, err := db.Timeline(ctx, store.Query{Area: a, Period: p, Filters: f, Bucket: "month"})
	var got []int64
	for _, x := range buckets {
		got = append(got, x.Sightings)
	}
	if err != nil || plan != store.PlanMixed || !slices.Equal(got, []int64{2, 2, 2}) {
		t.Errorf("monthly timeline (%s, %v): got %v, want [2 2 2]", plan, err, got)
	}
}
