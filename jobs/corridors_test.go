package jobs_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/scenario"
	"routewatch/store"
	"routewatch/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropAll()
	os.Exit(code)
}

// samples returns points every stepKm along a polyline of [lon, lat] waypoints.
func samples(wp [][2]float64, stepKm float64) []orb.Point {
	var out []orb.Point
	for i := 1; i < len(wp); i++ {
		a, b := orb.Point(wp[i-1]), orb.Point(wp[i])
		n := int(math.Ceil(geo.Distance(a, b) / 1000 / stepKm))
		for k := 0; k < n; k++ {
			f := float64(k) / float64(n)
			out = append(out, orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])})
		}
	}
	return append(out, orb.Point(wp[len(wp)-1]))
}

func nearKm(p orb.Point, pts []orb.Point) float64 {
	best := math.Inf(1)
	for _, q := range pts {
		best = math.Min(best, geo.Distance(p, q)/1000)
	}
	return best
}

// TestCorridorsFollowRouteSkeletons scores the corridor job against the generator's ground
// truth: every route must be covered by a corridor (most of the route's skeleton lies near
// the corridor's cells) whose centerline stays near the skeletons of the routes it covers.
func TestCorridorsFollowRouteSkeletons(t *testing.T) {
	const maxKm = 60 // a res-4 cell is ~45 km across; points are jittered up to tens of km
	db, m := storetest.LoadScenario(t, "corridors", scenario.Config{Scenario: "default", Seed: 5, Sightings: 60000})
	end, _ := time.Parse(time.RFC3339, m.End)
	r := &jobs.Runner{DB: db}
	run, err := r.Run(context.Background(), "corridors", jobs.Params{From: end.AddDate(-1, 0, 0), To: end})
	if err != nil {
		t.Fatal(err)
	}
	cs, _, err := db.Corridors(context.Background(), store.CorridorQuery{RunID: run, MaxHandling: 3})
	if err != nil || len(cs) == 0 {
		t.Fatalf("corridors: %d (%v)", len(cs), err)
	}
	centres := make([][]orb.Point, len(cs))
	for i, c := range cs {
		for _, cell := range c.Cells {
			ll := cell.LatLng()
			centres[i] = append(centres[i], orb.Point{ll.Lng, ll.Lat})
		}
	}
	skeleton := map[string][]orb.Point{}
	covered := map[int][]orb.Point{} // corridor index → skeleton points of the routes it covers
	found := 0
	for _, route := range m.Routes {
		pts := samples(route.Waypoints, 20)
		skeleton[route.ID] = pts
		best, bestFrac := -1, 0.0
		for i := range cs {
			if cs[i].Kind != "flow" {
				continue
			}
			near := 0
			for _, p := range pts {
				if nearKm(p, centres[i]) <= maxKm {
					near++
				}
			}
			if f := float64(near) / float64(len(pts)); f > bestFrac {
				best, bestFrac = i, f
			}
		}
		t.Logf("route %-45s best corridor %d covers %.0f%% of its skeleton", route.Label, idOf(cs, best), 100*bestFrac)
		if bestFrac >= 0.7 {
			found++
			covered[best] = append(covered[best], pts...)
		}
	}
	if found != len(m.Routes) {
		t.Errorf("routes covered by a corridor: %d of %d, want all", found, len(m.Routes))
	}
	for i, pts := range covered {
		far := 0
		for _, p := range cs[i].Centerline {
			if nearKm(p, pts) > maxKm {
				far++
			}
		}
		if frac := float64(far) / float64(len(cs[i].Centerline)); frac > 0.1 {
			t.Errorf("corridor %d (%s): %.0f%% of its centerline lies over %d km from the skeletons it covers", cs[i].ID, cs[i].Label, 100*frac, maxKm)
		}
	}
}

func idOf(cs []store.Corridor, i int) int64 {
	if i < 0 {
		return 0
	}
	return cs[i].ID
}

// TestCorridorsPerClearance checks that a lower clearance's corridors come from less data:
// never more legs or sightings in total than the level above sees.
func TestCorridorsPerClearance(t *testing.T) {
	db, m := storetest.LoadScenario(t, "clearance", scenario.Config{Scenario: "small", Seed: 2})
	end, _ := time.Parse(time.RFC3339, m.End)
	run, err := (&jobs.Runner{DB: db}).Run(context.Background(), "corridors", jobs.Params{From: end.AddDate(-1, 0, 0), To: end, MinLegs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var prev int64 = -1
	for level := 3; level >= 0; level-- {
		cs, _, err := db.Corridors(context.Background(), store.CorridorQuery{RunID: run, MaxHandling: level})
		if err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, c := range cs {
			total += c.Sightings
		}
		t.Logf("H%d: %d corridors, %d sightings", level, len(cs), total)
		if prev >= 0 && total > prev {
			t.Errorf("H%d corridors hold %d sightings, more than H%d's %d", level, total, level+1, prev)
		}
		if level == 3 && total == 0 {
			t.Fatal("no corridors at H3: the test proves nothing")
		}
		prev = total
	}
}

// TestSecretJourneysMakeNoCorridorBelowH3 loads journeys handled H3 only: every lower
// clearance must see no corridor at all.
func TestSecretJourneysMakeNoCorridorBelowH3(t *testing.T) {
	db := storetest.Open(t, "secret")
	var b bytes.Buffer
	b.WriteString("source,external_id,observed_at,lat,lon,journey_id,persons,transport_mode,handling_code\n")
	for j := 0; j < 8; j++ {
		for k := 0; k < 6; k++ { // Zuwara north to Lampedusa, one point a few hours apart
			lat := 32.9 + float64(k)*0.5
			fmt.Fprintf(&b, "AG-S,s-%d-%d,2024-05-%02dT%02d:00:00Z,%.3f,12.3,J%d,30,boat_rubber,H3\n", j, k, 1+j, 2*k, lat, j)
		}
	}
	if _, err := loader.Load(context.Background(), db, bytes.NewReader(b.Bytes()), loader.Options{Name: "secret.csv"}); err != nil {
		t.Fatal(err)
	}
	run, err := (&jobs.Runner{DB: db}).Run(context.Background(), "corridors",
		jobs.Params{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), MinLegs: 2})
	if err != nil {
		t.Fatal(err)
	}
	for level := 0; level <= 3; level++ {
		cs, _, err := db.Corridors(context.Background(), store.CorridorQuery{RunID: run, MaxHandling: level})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 1, false: 0}[level == 3]; len(cs) != want {
			t.Errorf("H%d: got %d corridors, want %d", level, len(cs), want)
		}
	}
}
