package geo

import (
	"fmt"
	"math"

	"github.com/uber/h3-go/v4"
)

// Path returns a chain of cells from a to b, both ends included, in which each
// cell is a neighbour of the next: what fills a corridor leg whose sightings
// jump over cells. a and b must be valid cells of one resolution.
//
// It is h3's grid path (the minimal chain, h3.GridPath) where h3 can compute
// one. h3 cannot across a pentagon's distortion or between cells more than an
// icosahedron face apart, and h3-go v4.1.0 then panics (index out of range)
// instead of returning an error. Path recovers from that, checks any chain h3
// does return, and otherwise falls back to walking the great circle between
// the cells' centres: the cells under it, found by bisecting the arc until
// consecutive cells are neighbours, with any cell the walk revisits cut back to
// its first visit. That chain is connected but may be a few cells longer than
// h3's. The fallback fails only for (near-)antipodal cells, which have no
// single great circle between them.
func Path(a, b h3.Cell) ([]h3.Cell, error) {
	if !a.IsValid() || !b.IsValid() {
		return nil, fmt.Errorf("path %s to %s: not valid H3 cells", a, b)
	}
	if a.Resolution() != b.Resolution() {
		return nil, fmt.Errorf("path %s to %s: resolutions %d and %d differ", a, b, a.Resolution(), b.Resolution())
	}
	if a.IsNeighbor(b) { // most legs: one cgo call instead of GridPath and its check
		return []h3.Cell{a, b}, nil
	}
	if p, ok := gridPath(a, b); ok {
		return p, nil
	}
	return arcPath(a, b)
}

// gridPath is h3.GridPath, with its panics and broken chains reported as !ok.
func gridPath(a, b h3.Cell) (p []h3.Cell, ok bool) {
	defer func() {
		if recover() != nil {
			p, ok = nil, false
		}
	}()
	p = h3.GridPath(a, b)
	return p, isChain(p, a, b)
}

// isChain reports whether p runs from a to b through neighbouring cells.
func isChain(p []h3.Cell, a, b h3.Cell) bool {
	if len(p) == 0 || p[0] != a || p[len(p)-1] != b {
		return false
	}
	for i := 1; i < len(p); i++ {
		if !p[i].IsValid() || !p[i-1].IsNeighbor(p[i]) {
			return false
		}
	}
	return true
}

// arcPath is Path's fallback: the cells along the great circle from a's centre
// to b's.
func arcPath(a, b h3.Cell) ([]h3.Cell, error) {
	if a == b {
		return []h3.Cell{a}, nil
	}
	va, vb := unitVector(a.LatLng()), unitVector(b.LatLng())
	theta := math.Atan2(norm(cross(va, vb)), dot(va, vb))
	if theta > math.Pi-1e-6 {
		return nil, fmt.Errorf("path %s to %s: cells are antipodal", a, b)
	}
	res := a.Resolution()
	at := func(t float64) h3.Cell {
		s := math.Sin(theta)
		wa, wb := math.Sin((1-t)*theta)/s, math.Sin(t*theta)/s
		return h3.LatLngToCell(latLngOf([3]float64{
			wa*va[0] + wb*vb[0], wa*va[1] + wb*vb[1], wa*va[2] + wb*vb[2],
		}), res)
	}
	out := []h3.Cell{a}
	var fill func(t0, t1 float64, c0, c1 h3.Cell, depth int) bool
	fill = func(t0, t1 float64, c0, c1 h3.Cell, depth int) bool {
		switch {
		case c0 == c1:
			return true
		case c0.IsNeighbor(c1):
			out = append(out, c1)
			return true
		case depth > 60:
			return false
		}
		tm := (t0 + t1) / 2
		cm := at(tm)
		return fill(t0, tm, c0, cm, depth+1) && fill(tm, t1, cm, c1, depth+1)
	}
	if !fill(0, 1, a, b, 0) {
		return nil, fmt.Errorf("path %s to %s: no chain of neighbours along the great circle", a, b)
	}
	out = cutLoops(out)
	if !isChain(out, a, b) {
		return nil, fmt.Errorf("path %s to %s: no chain of neighbours along the great circle", a, b)
	}
	return out, nil
}

// cutLoops removes the detour whenever a chain comes back to a cell it visited.
func cutLoops(p []h3.Cell) []h3.Cell {
	seen := map[h3.Cell]int{}
	out := p[:0]
	for _, c := range p {
		if i, ok := seen[c]; ok {
			for _, d := range out[i+1:] {
				delete(seen, d)
			}
			out = out[:i+1]
			continue
		}
		seen[c] = len(out)
		out = append(out, c)
	}
	return out
}

func unitVector(ll h3.LatLng) [3]float64 {
	lat, lon := ll.Lat*math.Pi/180, ll.Lng*math.Pi/180
	return [3]float64{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
}

func latLngOf(v [3]float64) h3.LatLng {
	return h3.NewLatLng(
		math.Atan2(v[2], math.Hypot(v[0], v[1]))*180/math.Pi,
		math.Atan2(v[1], v[0])*180/math.Pi,
	)
}

func cross(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func dot(a, b [3]float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }

func norm(a [3]float64) float64 { return math.Sqrt(dot(a, a)) }
