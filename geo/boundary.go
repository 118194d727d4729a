package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// CellPolygon returns the boundary of c as a closed, counter-clockwise ring of
// [lon, lat] points, with longitudes kept continuous around the cell's centre:
// a cell that crosses the antimeridian comes back with some longitudes beyond
// ±180, fine for planar maths but not for GeoJSON (use CellGeometry there).
//
// A cell that contains a pole (only at resolutions 0 to 2 are they large
// enough to matter) has no such continuous ring; it comes back as its polar cap
// in the lon/lat plane, as CellGeometry does: the boundary cut at ±180 and
// closed along ±180 and latitude ±90.
//
// The zero polygon is returned for an invalid cell.
func CellPolygon(c h3.Cell) orb.Polygon {
	pts := boundaryPoints(c)
	if pts == nil {
		return nil
	}
	if math.Abs(lonTurn(pts)) > 180 {
		return orb.Polygon{closed(polarCap(pts, c.LatLng().Lat > 0))}
	}
	centre := c.LatLng().Lng
	for i := range pts {
		switch d := pts[i][0] - centre; {
		case d > 180:
			pts[i][0] -= 360
		case d < -180:
			pts[i][0] += 360
		}
	}
	return orb.Polygon{closed(ccw(pts))}
}

// CellGeometry returns the boundary of c ready for GeoJSON (RFC 7946): an
// orb.Polygon whose longitudes all lie in [-180, 180], or, for a cell that
// crosses the antimeridian, an orb.MultiPolygon of the two pieces cut at ±180
// (§3.1.9). Rings are closed and counter-clockwise; a cell containing a pole is
// one Polygon, its polar cap (see CellPolygon). Nil for an invalid cell.
func CellGeometry(c h3.Cell) orb.Geometry {
	pieces := cellPieces(c)
	switch len(pieces) {
	case 0:
		return nil
	case 1:
		return orb.Polygon{closed(pieces[0])}
	}
	mp := make(orb.MultiPolygon, len(pieces))
	for i, p := range pieces {
		mp[i] = orb.Polygon{closed(p)}
	}
	return mp
}

// cellPieces returns c's boundary as open counter-clockwise rings within
// [-180, 180]: one ring, two when c crosses the antimeridian, the polar cap when
// c contains a pole.
func cellPieces(c h3.Cell) [][]orb.Point {
	pts := boundaryPoints(c)
	if pts == nil {
		return nil
	}
	if math.Abs(lonTurn(pts)) > 180 {
		return [][]orb.Point{polarCap(pts, c.LatLng().Lat > 0)}
	}
	return splitAntimeridian(pts)
}

// boundaryPoints returns h3's boundary of c as an open ring of [lon, lat].
func boundaryPoints(c h3.Cell) []orb.Point {
	if !c.IsValid() {
		return nil
	}
	b := h3.CellToBoundary(c)
	pts := make([]orb.Point, len(b))
	for i, ll := range b {
		pts[i] = orb.Point{ll.Lng, ll.Lat}
	}
	return pts
}

// closed returns the ring of pts with its first point repeated at the end.
func closed(pts []orb.Point) orb.Ring {
	r := make(orb.Ring, 0, len(pts)+1)
	r = append(r, pts...)
	return append(r, pts[0])
}
