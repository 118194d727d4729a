package geo

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/uber/h3-go/v4"
)

// earthRadiusKm is the mean Earth radius (IUGG) used for areas.
const earthRadiusKm = 6371.0088

// BBox is a longitude/latitude box in degrees, edges included. West > East
// means the box crosses the antimeridian: it runs east from West to 180 and on
// from -180 to East.
type BBox struct {
	West, South, East, North float64
}

// ParseBBox parses a bbox query parameter, "minLon,minLat,maxLon,maxLat" in
// degrees (the OGC API / GeoJSON order), e.g. "-10.5,35,20,47.25". minLon may
// exceed maxLon for a box crossing the antimeridian. Each error names the value
// that is wrong: wrong count, not a finite number, out of range, south > north.
func ParseBBox(s string) (BBox, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return BBox{}, fmt.Errorf("bbox %q: want 4 comma-separated numbers minLon,minLat,maxLon,maxLat, got %d", s, len(parts))
	}
	names := [4]string{"minLon", "minLat", "maxLon", "maxLat"}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return BBox{}, fmt.Errorf("bbox: %s %q is not a finite number", names[i], p)
		}
		limit := 180.0
		if i%2 == 1 {
			limit = 90
		}
		if f < -limit || f > limit {
			return BBox{}, fmt.Errorf("bbox: %s %v not in [%v, %v]", names[i], f, -limit, limit)
		}
		v[i] = f
	}
	if v[1] > v[3] {
		return BBox{}, fmt.Errorf("bbox: minLat %v is north of maxLat %v", v[1], v[3])
	}
	return BBox{West: v[0], South: v[1], East: v[2], North: v[3]}, nil
}

// String formats b as ParseBBox reads it.
func (b BBox) String() string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	return f(b.West) + "," + f(b.South) + "," + f(b.East) + "," + f(b.North)
}

// CrossesAntimeridian reports whether b runs across longitude ±180 (West > East).
func (b BBox) CrossesAntimeridian() bool {
	return b.West > b.East
}

// Split returns b as boxes that do not cross the antimeridian: b itself, or
// its part from West to 180 then its part from -180 to East.
func (b BBox) Split() []BBox {
	if !b.CrossesAntimeridian() {
		return []BBox{b}
	}
	return []BBox{
		{West: b.West, South: b.South, East: 180, North: b.North},
		{West: -180, South: b.South, East: b.East, North: b.North},
	}
}

// Contains reports whether the point at latitude lat, longitude lon (degrees)
// lies in b, edges included.
func (b BBox) Contains(lat, lon float64) bool {
	if lat < b.South || lat > b.North {
		return false
	}
	if b.CrossesAntimeridian() {
		return lon >= b.West || lon <= b.East
	}
	return lon >= b.West && lon <= b.East
}

// widthDeg is b's extent in longitude, 0..360 degrees.
func (b BBox) widthDeg() float64 {
	if b.CrossesAntimeridian() {
		return b.East + 360 - b.West
	}
	return b.East - b.West
}

// AreaKm2 is b's area in square kilometres on a sphere of radius 6371.0088 km (the
// IUGG mean radius): exact on the sphere, within about 0.5% of the ellipsoid.
func (b BBox) AreaKm2() float64 {
	rad := math.Pi / 180
	return earthRadiusKm * earthRadiusKm * b.widthDeg() * rad *
		(math.Sin(b.North*rad) - math.Sin(b.South*rad))
}

// Heatmap resolutions DefaultRes chooses from, and the cell count it aims under.
const (
	minHeatmapRes    = 2
	maxHeatmapRes    = 8
	heatmapCellsGoal = 3000
)

// DefaultRes picks the heatmap resolution for b: the finest resolution from 2
// to 8 at which b's area holds at most 3000 cells of average size
// (AreaKm2 / h3.HexagonAreaAvgKm2). Each resolution step divides cell area by
// 7, so the box then holds roughly 430 to 3000 cells, plus the partial cells on
// its edges. Boxes too large even for resolution 2 (more than about half the
// globe) still get 2.
func DefaultRes(b BBox) int {
	area := b.AreaKm2()
	for res := maxHeatmapRes; res > minHeatmapRes; res-- {
		if area/h3.HexagonAreaAvgKm2(res) <= heatmapCellsGoal {
			return res
		}
	}
	return minHeatmapRes
}

// Padded is b grown by the farthest a cell of res reaches from its centre (twice the
// average edge length, which bounds the distortion of H3 cells): every cell of res that
// meets b has its centre in it. The result may cross the antimeridian; it is the whole band
// of its latitudes when it reaches past 85° or spans every longitude.
func (b BBox) Padded(res int) BBox {
	dLat := 2 * h3.HexagonEdgeLengthAvgKm(res) / 111.0
	south, north := math.Max(-90, b.South-dLat), math.Min(90, b.North+dLat)
	band := BBox{West: -180, South: south, East: 180, North: north}
	maxLat := math.Max(math.Abs(south), math.Abs(north))
	if maxLat > 85 {
		return band
	}
	dLon := dLat / math.Cos(maxLat*math.Pi/180)
	w, e := b.West-dLon, b.West+b.widthDeg()+dLon
	if e-w >= 360 {
		return band
	}
	if w < -180 {
		w += 360
	}
	if e > 180 {
		e -= 360
	}
	return BBox{West: w, South: south, East: e, North: north}
}
