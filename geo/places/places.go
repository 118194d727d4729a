// Package places names where a point lies in words: the country it is in, or, at sea, how
// far and in which direction it lies from the nearest country ("sea, 38 km N of Libya").
// The countries are Natural Earth's 1:10m admin-0 polygons (public domain, through the
// world-atlas package: ATTRIBUTION.md; islands such as Lampedusa included), embedded;
// scripts/gazetteer.mjs writes them. A point within coastKm of a coast is "off" it rather
// than placed on one side of a line drawn at 1:10m. Near a town (towns.go: GeoNames'
// populated places) the town names it: "near Zuwarah, LY", "sea, 38 km NE of Lampedusa, IT".
// One look-up costs about 8 ms (BenchmarkDescribeAtSea); Load, about 1.5 s, happens once.
package places

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"math"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

//go:embed countries.geojson.gz
var countriesGz []byte

// coastKm is how close to a coast a point is "off" it.
const coastKm = 3.0

type country struct {
	name  string
	shape orb.MultiPolygon
	bound orb.Bound
}

var (
	load      sync.Once
	countries []country
	loadErr   error
)

// Load reads the gazetteer now rather than at the first Describe.
func Load() error {
	if _, err := gazetteer(); err != nil {
		return err
	}
	_, err := gazetteerTowns()
	return err
}

func gazetteer() ([]country, error) {
	load.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(countriesGz))
		if err != nil {
			loadErr = err
			return
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			loadErr = err
			return
		}
		fc, err := geojson.UnmarshalFeatureCollection(raw)
		if err != nil {
			loadErr = err
			return
		}
		for _, f := range fc.Features {
			var mp orb.MultiPolygon
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				mp = orb.MultiPolygon{g}
			case orb.MultiPolygon:
				mp = g
			default:
				continue
			}
			countries = append(countries, country{name: f.Properties.MustString("name", ""), shape: mp, bound: mp.Bound()})
		}
	})
	return countries, loadErr
}

// Place is where a point lies: in a country, or at sea at a distance and direction from the
// nearest one.
type Place struct {
	Text       string  `json:"text"`
	Country    string  `json:"country"`
	AtSea      bool    `json:"at_sea"`
	DistanceKm float64 `json:"distance_km"`
	// Town is the nearest populated place (within townLandKm on land, townSeaKm at sea), with
	// its ISO country code and its distance, when there is one.
	Town        string  `json:"town,omitempty"`
	TownCountry string  `json:"town_country,omitempty"`
	TownKm      float64 `json:"town_km,omitempty"`
}

// How far the nearest town may be to name a place by it: on land "near Zuwarah, LY", at
// sea "sea, 38 km NE of Lampedusa, IT".
const (
	townLandKm = 25.0
	townSeaKm  = 150.0
)

// Describe names the place of a point (lon, lat): by its nearest town when there is one
// near enough, else by its country (in it, off its coast, or at a distance from it).
// Answers are remembered (up to memoSize points): corridors name the same cell centres in
// every list.
func Describe(lon, lat float64) (Place, error) {
	key := orb.Point{lon, lat}
	if v, ok := memo.Load(key); ok {
		return v.(Place), nil
	}
	pl, err := describe(lon, lat)
	if err == nil && memoCount.Add(1) <= memoSize {
		memo.Store(key, pl)
	}
	return pl, err
}

const memoSize = 100_000

var (
	memo      sync.Map
	memoCount atomic.Int64
)

func describe(lon, lat float64) (Place, error) {
	pl, err := describeCountry(lon, lat)
	if err != nil {
		return pl, err
	}
	maxKm := townLandKm
	if pl.AtSea {
		maxKm = townSeaKm
	}
	t, km, ok, err := NearestTown(lon, lat, maxKm)
	if err != nil || !ok {
		return pl, err
	}
	pl.Town, pl.TownCountry, pl.TownKm = t.Name, t.Country, math.Round(km)
	switch {
	case !pl.AtSea:
		pl.Text = fmt.Sprintf("near %s, %s", t.Name, t.Country)
	case km <= coastKm:
		pl.Text = fmt.Sprintf("off %s, %s", t.Name, t.Country)
	default:
		pl.Text = fmt.Sprintf("sea, %.0f km %s of %s, %s", km, compass(t.At, orb.Point{lon, lat}), t.Name, t.Country)
	}
	return pl, nil
}

// describeCountry names the place of a point (lon, lat) by its country alone.
func describeCountry(lon, lat float64) (Place, error) {
	cs, err := gazetteer()
	if err != nil {
		return Place{}, fmt.Errorf("places: %w", err)
	}
	p := orb.Point{lon, lat}
	for _, c := range cs {
		if c.bound.Contains(p) && planar.MultiPolygonContains(c.shape, p) {
			return Place{Text: "in " + c.name, Country: c.name}, nil
		}
	}
	order := make([]int, len(cs))
	lower := make([]float64, len(cs))
	for i, c := range cs {
		order[i], lower[i] = i, boundKm(c.bound, p)
	}
	sort.Slice(order, func(a, b int) bool { return lower[order[a]] < lower[order[b]] })
	best, km, at := "", math.Inf(1), orb.Point{}
	for _, i := range order {
		c := cs[i]
		if lower[i] > km {
			break // nearest bounds first: no later country can be nearer
		}
		for _, poly := range c.shape {
			for _, ring := range poly {
				for i := 1; i < len(ring); i++ {
					if d, q := segmentKm(p, ring[i-1], ring[i]); d < km {
						best, km, at = c.name, d, q
					}
				}
			}
		}
	}
	if best == "" {
		return Place{Text: "open sea", AtSea: true}, nil
	}
	pl := Place{Country: best, AtSea: true, DistanceKm: math.Round(km)}
	if km <= coastKm {
		pl.Text = "off the coast of " + best
	} else {
		pl.Text = fmt.Sprintf("sea, %.0f km %s of %s", km, compass(at, p), best)
	}
	return pl, nil
}

// local projects q to kilometres east and north of p (equirectangular: distances of a few
// hundred kilometres are what a place name needs).
func local(p, q orb.Point) (x, y float64) {
	const kmPerDeg = 111.195
	dlon := q[0] - p[0]
	if dlon > 180 {
		dlon -= 360
	} else if dlon < -180 {
		dlon += 360
	}
	return dlon * kmPerDeg * math.Cos(p[1]*math.Pi/180), (q[1] - p[1]) * kmPerDeg
}

// segmentKm is the distance from p to the segment a–b and the segment's nearest point.
func segmentKm(p, a, b orb.Point) (float64, orb.Point) {
	ax, ay := local(p, a)
	bx, by := local(p, b)
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	x, y := ax+t*dx, ay+t*dy
	return math.Hypot(x, y), orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}

// boundKm is a lower bound of the distance from p to anything inside bound b.
func boundKm(b orb.Bound, p orb.Point) float64 {
	q := orb.Point{math.Max(b.Min[0], math.Min(p[0], b.Max[0])), math.Max(b.Min[1], math.Min(p[1], b.Max[1]))}
	x, y := local(p, q)
	return math.Hypot(x, y) * 0.9 // the projection's scale varies across a bound: stay below
}

// compass is the direction from a to p, in eight points.
func compass(a, p orb.Point) string {
	x, y := local(a, p)
	deg := math.Mod(math.Atan2(x, y)*180/math.Pi+360, 360)
	return []string{"N", "NE", "E", "SE", "S", "SW", "W", "NW"}[int(math.Round(deg/45))%8]
}
