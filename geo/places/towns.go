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

// towns is the towns index: the towns in buckets of one degree.
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
	return [2]int{int(math.Floor(lon)), int(math.Floor(lat))}
}

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
// when there is none.
func NearestTown(lon, lat, maxKm float64) (t Town, km float64, ok bool, err error) {
	ix, err := gazetteerTowns()
	if err != nil {
		return Town{}, 0, false, fmt.Errorf("places: %w", err)
	}
	p := orb.Point{lon, lat}
	dLat := int(math.Ceil(maxKm / 111.195))
	dLon := int(math.Ceil(maxKm / (111.195 * math.Max(0.05, math.Cos((math.Abs(lat)+float64(dLat))*math.Pi/180)))))
	dLon = min(dLon, 180)
	km = math.Inf(1)
	home := bucketOf(lon, lat)
	for y := home[1] - dLat; y <= home[1]+dLat; y++ {
		for dx := -dLon; dx <= dLon; dx++ {
			x := (home[0]+dx+180+360)%360 - 180 // across the antimeridian
			for _, i := range ix.bucket[[2]int{x, y}] {
				c := ix.all[i]
				if d := math.Hypot(local(p, c.At)); d < km {
					t, km = c, d
				}
			}
		}
	}
	if km > maxKm {
		return Town{}, 0, false, nil
	}
	return t, km, true, nil
}
