package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// This file holds the ring arithmetic behind boundary.go and outline.go: rings
// here are open (no closing point) slices of [lon, lat] points. Crossings of the
// antimeridian are interpolated linearly in the lon/lat plane, which is how
// GeoJSON consumers draw the edge anyway; over one cell edge the difference
// from the great-circle crossing is far below the map's precision.

// lonTurn returns the total change of longitude, in degrees, walking once around
// the closed ring pts, each step taken the short way round (|step| <= 180).
// It is 0 for a ring that does not enclose a pole and ±360 for one that does.
func lonTurn(pts []orb.Point) float64 {
	turn := 0.0
	for i := range pts {
		turn += lonStep(pts[i][0], pts[(i+1)%len(pts)][0])
	}
	return turn
}

// lonStep is the short-way change of longitude from a to b, in (-180, 180].
func lonStep(a, b float64) float64 {
	d := b - a
	switch {
	case d > 180:
		d -= 360
	case d <= -180:
		d += 360
	}
	return d
}

// crossesAntimeridian reports whether some edge of the closed ring pts, taken
// the short way round, crosses longitude ±180.
func crossesAntimeridian(pts []orb.Point) bool {
	for i := range pts {
		if math.Abs(pts[(i+1)%len(pts)][0]-pts[i][0]) > 180 {
			return true
		}
	}
	return false
}

// signedArea is the shoelace area of the open ring pts in the lon/lat plane,
// in square degrees: positive when counter-clockwise.
func signedArea(pts []orb.Point) float64 {
	a := 0.0
	for i := range pts {
		p, q := pts[i], pts[(i+1)%len(pts)]
		a += p[0]*q[1] - q[0]*p[1]
	}
	return a / 2
}

// ccw returns pts counter-clockwise, reversing a clockwise ring in place.
func ccw(pts []orb.Point) []orb.Point {
	if signedArea(pts) < 0 {
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	return pts
}

// crossingLat is the latitude at which the segment a–b meets longitude x. The
// endpoints are ordered first so both cells sharing an edge get the same bits.
func crossingLat(a, b orb.Point, x float64) float64 {
	if b[0] < a[0] || (b[0] == a[0] && b[1] < a[1]) {
		a, b = b, a
	}
	if a[0] == b[0] {
		return a[1]
	}
	t := (x - a[0]) / (b[0] - a[0])
	return a[1] + t*(b[1]-a[1])
}

// clipLon keeps the part of the ring pts west of longitude x (west true) or
// east of it (Sutherland–Hodgman against one half-plane). Exact for the convex
// rings of single cells; a ring that crosses x more than twice would come back
// joined by zero-width edges along x.
func clipLon(pts []orb.Point, x float64, west bool) []orb.Point {
	in := func(p orb.Point) bool {
		if west {
			return p[0] <= x
		}
		return p[0] >= x
	}
	var out []orb.Point
	for i := range pts {
		prev, cur := pts[(i+len(pts)-1)%len(pts)], pts[i]
		switch {
		case in(cur) && !in(prev):
			out = append(out, orb.Point{x, crossingLat(prev, cur, x)}, cur)
		case in(cur):
			out = append(out, cur)
		case in(prev):
			out = append(out, orb.Point{x, crossingLat(prev, cur, x)})
		}
	}
	return clean(out)
}

// clean drops consecutive duplicate points and returns nil for a ring with no
// area left.
func clean(pts []orb.Point) []orb.Point {
	out := pts[:0]
	for i, p := range pts {
		if i > 0 && p == out[len(out)-1] {
			continue
		}
		out = append(out, p)
	}
	for len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	if len(out) < 3 || signedArea(out) == 0 {
		return nil
	}
	return out
}

// splitAntimeridian cuts a ring that does not enclose a pole into pieces that
// each lie within [-180, 180] (RFC 7946 §3.1.9). A ring that does not cross the
// antimeridian comes back as the only piece; the result is counter-clockwise.
func splitAntimeridian(pts []orb.Point) [][]orb.Point {
	if !crossesAntimeridian(pts) {
		return [][]orb.Point{ccw(pts)}
	}
	u := make([]orb.Point, len(pts))
	for i, p := range pts {
		if p[0] < 0 {
			p[0] += 360 // one frame: longitudes 0..360 around the cut
		}
		u[i] = p
	}
	u = ccw(u)
	var pieces [][]orb.Point
	if w := clipLon(u, 180, true); w != nil {
		pieces = append(pieces, w)
	}
	if e := clipLon(u, 180, false); e != nil {
		for i := range e {
			e[i][0] -= 360
		}
		pieces = append(pieces, e)
	}
	return pieces
}

// polarCap turns a ring that encloses a pole into one polygon ring in the
// lon/lat plane: the ring is cut where it crosses the antimeridian and closed
// along ±180 and the pole's latitude, the usual plate carrée picture of a polar
// cap. north says which pole; the result is counter-clockwise.
func polarCap(pts []orb.Point, north bool) []orb.Point {
	side := 1.0 // north: walking counter-clockwise means walking east
	if !north {
		side = -1
	}
	if side*lonTurn(pts) < 0 {
		pts = reversed(pts)
	}
	n := len(pts)
	cut := 0 // pts[cut] -> pts[cut+1] crosses the antimeridian
	for i := range pts {
		if math.Abs(pts[(i+1)%n][0]-pts[i][0]) > 180 {
			cut = i
			break
		}
	}
	last, first := pts[cut], pts[(cut+1)%n]
	x := side * 180
	first[0] += side * 360 // continue past ±180 to interpolate
	lat := crossingLat(last, first, x)
	out := make([]orb.Point, 0, n+4)
	out = append(out, orb.Point{-x, lat})
	for i := 1; i <= n; i++ {
		out = append(out, pts[(cut+i)%n])
	}
	out = append(out, orb.Point{x, lat}, orb.Point{x, side * 90}, orb.Point{-x, side * 90})
	return clean(out)
}

func reversed(pts []orb.Point) []orb.Point {
	out := make([]orb.Point, len(pts))
	for i, p := range pts {
		out[len(pts)-1-i] = p
	}
	return out
}
