package places

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"
)

//go:embed towns.tsv.gz
var townsGz []byte

// Town is a populated place of the gazetteer: GeoNames' towns of 1,000 people or more and
// seats of administrative divisions (CC BY 4.0, ATTRIBUTION.md).
type Town struct {
	Name    string
	Country string // ISO 3166-1 alpha-2
	At      orb.Point
}

// bucketDeg is the side of the index's buckets in degrees: small enough that a busy
// European bucket holds about a hundred towns.
const bucketDeg = 0.25

// towns is the towns index: the towns in buckets of bucketDeg.
type towns struct {
	all    []Town
	bucket map[[2]int][]int32
}

var (
	loadTowns sync.Once
	townIndex towns
	townsErr  error
)

func bucketOf(lon, lat float64) [2]int {
	return [2]int{int(math.Floor(lon / bucketDeg)), int(math.Floor(lat / bucketDeg))}
}

// lonBuckets is the number of buckets around a parallel.
const lonBuckets = int(360 / bucketDeg)

func gazetteerTowns() (*towns, error) {
	loadTowns.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(townsGz))
		if err != nil {
			townsErr = err
			return
		}
		townIndex.bucket = map[[2]int][]int32{}
		sc := bufio.NewScanner(zr)
		for line := 1; sc.Scan(); line++ {
			f := strings.Split(sc.Text(), "\t")
			if len(f) != 4 {
				townsErr = fmt.Errorf("towns line %d: %d fields, want 4", line, len(f))
				return
			}
			lat, err1 := strconv.ParseFloat(f[2], 64)
			lon, err2 := strconv.ParseFloat(f[3], 64)
			if err1 != nil || err2 != nil {
				townsErr = fmt.Errorf("towns line %d: bad coordinates %q, %q", line, f[2], f[3])
				return
			}
			b := bucketOf(lon, lat)
			townIndex.bucket[b] = append(townIndex.bucket[b], int32(len(townIndex.all)))
			townIndex.all = append(townIndex.all, Town{Name: f[0], Country: f[1], At: orb.Point{lon, lat}})
		}
		if err := sc.Err(); err != nil {
			townsErr = err
		}
	})
	return &townIndex, townsErr
}

// NearestTown is the town nearest to (lon, lat) within maxKm, and its distance; ok is false
// when there is none. It searches rings of buckets outwards until the nearest town found
// is nearer than anything outside the searched block can be.
func NearestTown(lon, lat, maxKm float64) (t Town, km float64, ok bool, err error) {
	ix, err := gazetteerTowns()
	if err != nil {
		return Town{}, 0, false, fmt.Errorf("places: %w", err)
	}
	p := orb.Point{lon, lat}
	home := bucketOf(lon, lat)
	km = math.Inf(1)
	search := func(x, y int) {
		x = ((x+lonBuckets/2)%lonBuckets+lonBuckets)%lonBuckets - lonBuckets/2 // across the antimeridian
		for _, i := range ix.bucket[[2]int{x, y}] {
			c := ix.all[i]
			if d := math.Hypot(local(p, c.At)); d < km {
				t, km = c, d
			}
		}
	}
	const kmPerDeg = 111.195
	for r := 0; ; r++ {
		for y := home[1] - r; y <= home[1]+r; y++ {
			for x := home[0] - r; x <= home[0]+r; x++ {
				if r == 0 || y == home[1]-r || y == home[1]+r || x == home[0]-r || x == home[0]+r {
					search(x, y)
				}
			}
		}
		// The nearest point outside the block, as local measures it (a degree of longitude
		// is cos(lat) of one of latitude everywhere).
		south, north := float64(home[1]-r)*bucketDeg, float64(home[1]+r+1)*bucketDeg
		west, east := float64(home[0]-r)*bucketDeg, float64(home[0]+r+1)*bucketDeg
		cos := math.Cos(lat * math.Pi / 180)
		reach := kmPerDeg * math.Min(math.Min(lat-south, north-lat), cos*math.Min(lon-west, east-lon))
		if km <= reach || reach >= maxKm || float64(2*r+1)*bucketDeg >= 360 {
			break
		}
	}
	if km > maxKm {
		return Town{}, 0, false, nil
	}
	return t, km, true, nil
}

// TownText names a point by its nearest town alone, without the country look-up Describe
// makes (microseconds, for lists of many cells): "near Zuwarah, LY" within townLandKm,
// "36 km NE of Zuwarah, LY" within townSeaKm, else "".
func TownText(lon, lat float64) (string, error) {
	t, km, ok, err := NearestTown(lon, lat, townSeaKm)
	if err != nil || !ok {
		return "", err
	}
	if km <= townLandKm {
		return fmt.Sprintf("near %s, %s", t.Name, t.Country), nil
	}
	return fmt.Sprintf("%.0f km %s of %s, %s", km, compass(t.At, orb.Point{lon, lat}), t.Name, t.Country), nil
}
