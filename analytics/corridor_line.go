package analytics

import (
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// Centerline is the line through the centres of a corridor's chain, as [lon, lat] points in
// degrees: one point per cell, so a one-cell chain gives a one-point line and an empty chain
// a nil one.
//
// Across the antimeridian the line is unwrapped, not split: the first point has its
// longitude in [-180, 180] and every next one is placed the short way round (a step of at
// most 180°) from the one before, so a chain running east from Fiji goes on past 180 (181,
// 182, …) instead of jumping to -179. The line is then continuous in the lon/lat plane, and
// web maps (MapLibre, deck.gl) draw such longitudes across the date line as they are. A
// consumer that needs RFC 7946's strict range should split it at ±180 (as geo splits cell
// boundaries) rather than wrap the points, which would bring the jump back.
func Centerline(chain []h3.Cell) orb.LineString {
	if len(chain) == 0 {
		return nil
	}
	line := make(orb.LineString, len(chain))
	for i, c := range chain {
		ll := c.LatLng()
		lon := ll.Lng
		if i > 0 {
			prev := line[i-1][0]
			lon = prev + shortLonStep(prev, lon)
		}
		line[i] = orb.Point{lon, ll.Lat}
	}
	return line
}

// shortLonStep is the change of longitude from a to b taken the short way round, in
// (-180, 180]; a may lie outside [-180, 180].
func shortLonStep(a, b float64) float64 {
	d := b - a
	for d > 180 {
		d -= 360
	}
	for d <= -180 {
		d += 360
	}
	return d
}
