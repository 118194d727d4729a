package places

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		name     string
		lon, lat float64
		want     string
		atSea    bool
	}{
		{"Tripoli", 13.19, 32.89, "near Tripoli, LY", false},
		{"Tehran", 51.39, 35.69, "near Tehran, IR", false},
		{"off Zuwara", 12.3, 33.2, "sea, 36 km NE of Zuwarah, LY", true},
		{"between Zuwara and Lampedusa", 12.5, 34.0, "sea, 125 km N of Zuwarah, LY", true},
		{"beyond Lampedusa", 12.9, 35.8, "sea, 42 km NE of Lampedusa, IT", true},
		{"Strait of Dover, mid-channel", 1.55, 51.0, "km NW of Wissant, FR", true},
		{"Équihen-Plage, the scenario's hot spot", 1.598, 50.672, "near Équihen-Plage, FR", false},
		{"Capurganá, Darién", -77.35, 8.63, "near Capurganá, CO", false},
		{"mid-Atlantic: no town within 150 km", -40, 30, "sea, 1338 km SW of Portugal", true},
		{"Fiji, across the antimeridian: no town within 25 km", 179.9, -16.5, "in Fiji", false},
	} {
		p, err := Describe(c.lon, c.lat)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Text, c.want) || p.AtSea != c.atSea {
			t.Errorf("%s: %+v, want %q (at sea %v)", c.name, p, c.want, c.atSea)
		}
	}
	// An island counts as its country's coast: just south of Malta is named from Malta, and
	// beside Lampedusa from Italy, not from Tunisia 130 km away.
	for _, c := range []struct {
		lon, lat float64
		country  string
	}{{14.45, 35.78, "Malta"}, {12.62, 35.40, "Italy"}} {
		p, _ := Describe(c.lon, c.lat)
		if p.Country != c.country || !p.AtSea || p.DistanceKm > 20 {
			t.Errorf("(%g, %g): %+v, want at sea within 20 km of %s", c.lon, c.lat, p, c.country)
		}
	}
}

func BenchmarkDescribeAtSea(b *testing.B) {
	_, _ = gazetteer() // loaded once, outside the timing
	_, _ = gazetteerTowns()
	for b.Loop() {
		_, _ = Describe(12.5, 34.0)
	}
}

// The nearest town is found across the antimeridian and bucket edges: a brute-force scan
// over every town agrees at points chosen at random.
func TestNearestTownAgreesWithAScan(t *testing.T) {
	ix, err := gazetteerTowns()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for range 200 {
		lon, lat := rng.Float64()*360-180, rng.Float64()*140-70
		if rng.IntN(4) == 0 {
			lon = 179.5 + rng.Float64()*0.5 // beside the antimeridian (Fiji, Chukotka)
			lat = -20 + rng.Float64()*90
		}
		got, km, ok, err := NearestTown(lon, lat, 150)
		if err != nil {
			t.Fatal(err)
		}
		best := math.Inf(1)
		var want Town
		for _, c := range ix.all {
			if d := math.Hypot(local(orb.Point{lon, lat}, c.At)); d < best {
				best, want = d, c
			}
		}
		if best > 150 {
			if ok {
				t.Fatalf("(%g, %g): %+v at %.1f km, want none within 150 km", lon, lat, got, km)
			}
			continue
		}
		if !ok || math.Abs(km-best) > 1e-9 {
			t.Fatalf("(%g, %g): %+v at %.3f km (ok %v), want %+v at %.3f km", lon, lat, got, km, ok, want, best)
		}
	}
}

func TestTownText(t *testing.T) {
	for _, c := range []struct {
		lon, lat float64
		want     string
	}{{12.08, 32.93, "near Zuwarah, LY"}, {12.3, 33.2, "36 km NE of Zuwarah, LY"}, {-40, 30, ""}} {
		if got, err := TownText(c.lon, c.lat); err != nil || got != c.want {
			t.Errorf("(%g, %g): %q, %v; want %q", c.lon, c.lat, got, err, c.want)
		}
	}
}

func BenchmarkTownText(b *testing.B) {
	_, _ = gazetteerTowns()
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		_, _ = TownText(-10+rng.Float64()*40, 30+rng.Float64()*25) // Europe and the Mediterranean
	}
}
