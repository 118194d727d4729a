package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"
)

func TestCellPolygon(t *testing.T) {
	tests := []struct {
		name  string
		cell  h3.Cell
		verts int
	}{
		{name: "hexagon", cell: sfCell, verts: 6},
		{name: "class II pentagon", cell: h3.Pentagons(2)[0], verts: 5},
		{name: "class III pentagon has distortion vertices", cell: h3.Pentagons(1)[0], verts: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := CellPolygon(tt.cell)
			if len(p) != 1 {
				t.Fatalf("CellPolygon(%s) has %d rings, want 1", tt.cell, len(p))
			}
			r := p[0]
			if len(r) != tt.verts+1 || !r.Closed() {
				t.Errorf("CellPolygon(%s) ring has %d points (closed %v), want %d closed", tt.cell, len(r), r.Closed(), tt.verts+1)
			}
			if r.Orientation() != orb.CCW {
				t.Errorf("CellPolygon(%s) ring orientation %v, want CCW", tt.cell, r.Orientation())
			}
			for i, ll := range h3.CellToBoundary(tt.cell) {
				if want := (orb.Point{ll.Lng, ll.Lat}); !hasPoint(r, want) {
					t.Errorf("CellPolygon(%s) lacks h3 vertex %d %v", tt.cell, i, want)
				}
			}
			if c := tt.cell.LatLng(); !planar.RingContains(r, orb.Point{c.Lng, c.Lat}) {
				t.Errorf("CellPolygon(%s) does not contain the cell centre %v", tt.cell, c)
			}
		})
	}
	if p := CellPolygon(12345); p != nil {
		t.Errorf("CellPolygon(invalid) = %v, want nil", p)
	}
}

func TestCellPolygonAcrossAntimeridianIsContinuous(t *testing.T) {
	c := mustCell(t, 0, 179.99, 4)
	r := CellPolygon(c)[0]
	b := r.Bound()
	if b.Max[0] <= 180 || b.Max[0]-b.Min[0] > 1 {
		t.Errorf("CellPolygon(%s) spans lon %v..%v, want a narrow span reaching past 180", c, b.Min[0], b.Max[0])
	}
	if r.Orientation() != orb.CCW {
		t.Errorf("CellPolygon(%s) orientation %v, want CCW", c, r.Orientation())
	}
}

func TestCellGeometryPlainCell(t *testing.T) {
	g, ok := CellGeometry(sfCell).(orb.Polygon)
	if !ok {
		t.Fatalf("CellGeometry(%s) is %T, want orb.Polygon", sfCell, CellGeometry(sfCell))
	}
	if !g.Equal(CellPolygon(sfCell)) {
		t.Errorf("CellGeometry(%s) = %v, want CellPolygon's %v", sfCell, g, CellPolygon(sfCell))
	}
	if g := CellGeometry(0); g != nil {
		t.Errorf("CellGeometry(0) = %v, want nil", g)
	}
}

func TestCellGeometryAntimeridian(t *testing.T) {
	tests := []struct {
		name     string
		lat, lon float64
		res      int
	}{
		{name: "equator res 2", lat: 0, lon: 179.99, res: 2},
		{name: "equator res 5", lat: 0, lon: 179.99, res: 5},
		{name: "fiji res 0", lat: -17.8, lon: 178.4, res: 0},
		{name: "fiji res 3", lat: -16.5, lon: 179.99, res: 3},
		{name: "chukotka res 1 class III", lat: 65.5, lon: -179.99, res: 1},
		{name: "chukotka res 4", lat: 66.5, lon: 179.95, res: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustCell(t, tt.lat, tt.lon, tt.res)
			mp, ok := CellGeometry(c).(orb.MultiPolygon)
			if !ok || len(mp) != 2 {
				t.Fatalf("CellGeometry(%s) = %T %v, want a MultiPolygon of 2", c, CellGeometry(c), CellGeometry(c))
			}
			var area float64
			edges := map[float64]bool{}
			for _, p := range mp {
				r := p[0]
				checkRing(t, r)
				b := r.Bound()
				switch {
				case b.Max[0] == 180 && b.Min[0] > 0:
					edges[180] = true
				case b.Min[0] == -180 && b.Max[0] < 0:
					edges[-180] = true
				default:
					t.Errorf("piece of %s spans lon %v..%v, want one side touching ±180", c, b.Min[0], b.Max[0])
				}
				area += planar.Area(r)
			}
			if !edges[180] || !edges[-180] {
				t.Errorf("pieces of %s touch %v, want both 180 and -180", c, edges)
			}
			if want := planar.Area(CellPolygon(c)); math.Abs(area-want) > 1e-9*want {
				t.Errorf("pieces of %s cover %v deg², want the whole cell's %v", c, area, want)
			}
		})
	}
}

// TestCellGeometryPolar pins what a cell containing a pole becomes: its polar
// cap, one ring that runs along the boundary, up ±180 to the pole's latitude,
// across and back down.
func TestCellGeometryPolar(t *testing.T) {
	tests := []struct {
		name string
		lat  float64
		res  int
	}{
		{name: "north res 0", lat: 90, res: 0},
		{name: "north res 1", lat: 90, res: 1},
		{name: "north res 2", lat: 90, res: 2},
		{name: "south res 0", lat: -90, res: 0},
		{name: "south res 1", lat: -90, res: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustCell(t, tt.lat, 0, tt.res)
			p, ok := CellGeometry(c).(orb.Polygon)
			if !ok || len(p) != 1 {
				t.Fatalf("CellGeometry(%s) = %T %v, want a Polygon of 1 ring", c, CellGeometry(c), CellGeometry(c))
			}
			r := p[0]
			checkRing(t, r)
			for _, want := range []orb.Point{{180, tt.lat}, {-180, tt.lat}} {
				if !hasPoint(r, want) {
					t.Errorf("cap of %s lacks corner %v", c, want)
				}
			}
			for _, ll := range h3.CellToBoundary(c) {
				if !hasPoint(r, orb.Point{ll.Lng, ll.Lat}) {
					t.Errorf("cap of %s lacks h3 vertex %v", c, ll)
				}
			}
			nearPole := tt.lat - math.Copysign(0.01, tt.lat)
			for lon := -179.5; lon < 180; lon += 10 {
				if !planar.RingContains(r, orb.Point{lon, nearPole}) {
					t.Errorf("cap of %s does not contain lon %v lat %v", c, lon, nearPole)
				}
			}
			if !CellPolygon(c).Equal(p) {
				t.Errorf("CellPolygon(%s) = %v, want the same cap %v", c, CellPolygon(c), p)
			}
		})
	}
}

// checkRing asserts that r is closed, counter-clockwise and within lon/lat range.
func checkRing(t *testing.T, r orb.Ring) {
	t.Helper()
	if len(r) < 4 || !r.Closed() {
		t.Errorf("ring %v: want closed with at least 3 vertices", r)
	}
	if r.Orientation() != orb.CCW {
		t.Errorf("ring %v: orientation %v, want CCW", r, r.Orientation())
	}
	for _, p := range r {
		if math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 {
			t.Errorf("ring point %v outside [-180, 180] x [-90, 90]", p)
		}
	}
	n := len(r) - 1
	for i := 0; i < n; i++ {
		for j := i + 2; j < n; j++ {
			if i == 0 && j == n-1 {
				continue // adjacent through the closing point
			}
			if segmentsCross(r[i], r[i+1], r[j], r[j+1]) {
				t.Errorf("ring edges %v-%v and %v-%v cross: not a simple ring", r[i], r[i+1], r[j], r[j+1])
			}
		}
	}
}

// segmentsCross reports whether segments ab and cd properly intersect.
func segmentsCross(a, b, c, d orb.Point) bool {
	side := func(p, q, r orb.Point) float64 {
		return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0])
	}
	return side(a, b, c)*side(a, b, d) < 0 && side(c, d, a)*side(c, d, b) < 0
}

func hasPoint(r orb.Ring, p orb.Point) bool {
	for _, q := range r {
		if math.Abs(q[0]-p[0]) < 1e-9 && math.Abs(q[1]-p[1]) < 1e-9 {
			return true
		}
	}
	return false
}

func mustCell(t *testing.T, lat, lon float64, res int) h3.Cell {
	t.Helper()
	c, err := CellAt(lat, lon, res)
	if err != nil {
		t.Fatalf("CellAt(%v, %v, %d): %v", lat, lon, res, err)
	}
	return c
}
