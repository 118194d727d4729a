package api

import (
	"math"

	"github.com/paulmach/orb"

	"routewatch/geo/places"
)

// endPlaces names a corridor's two ends in words ("near Zuwarah, LY" to "off Lampedusa,
// IT"): the places of its centreline's first and last points, nil when it has none (or the
// gazetteer failed to load).
func endPlaces(line orb.LineString) (from, to any) {
	if len(line) < 2 {
		return nil, nil
	}
	name := func(p orb.Point) any {
		lon := math.Mod(p[0]+540, 360) - 180 // centrelines across the antimeridian run past ±180
		pl, err := places.Describe(lon, p[1])
		if err != nil {
			return nil
		}
		return pl.Text
	}
	return name(line[0]), name(line[len(line)-1])
}
