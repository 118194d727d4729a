package api

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"routewatch/geo/places"
)

// cellPlace names a cell's centre by its nearest town ("near Zuwarah, LY", "36 km NE of
// Zuwarah, LY"); nil when no town lies within 150 km (or the gazetteer failed to load).
// Names are remembered per cell (up to maxCellPlaces): heatmaps ask for the same cells again.
func cellPlace(c h3.Cell) any {
	if v, ok := cellPlaces.Load(c); ok {
		return v
	}
	var out any
	ll := h3.CellToLatLng(c)
	if s, err := places.TownText(ll.Lng, ll.Lat); err != nil {
		return nil // not remembered: the next call tries again
	} else if s != "" {
		out = s
	}
	if cellPlaceCount.Add(1) <= maxCellPlaces {
		cellPlaces.Store(c, out)
	}
	return out
}

const maxCellPlaces = 200_000

var (
	cellPlaces     sync.Map
	cellPlaceCount atomic.Int64
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
