package geo

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// weldTol is the distance, in degrees on either axis, within which two cell
// vertices are taken to be the same point. Neighbouring cells compute their
// shared vertices separately and may disagree in the last bits; distinct
// vertices are at least ~4e-6° apart even at resolution 15.
const weldTol = 1e-9

// Outline returns the union of a set of cells of one resolution as polygons in
// the lon/lat plane, ready for GeoJSON: one polygon per connected patch, its
// outer ring counter-clockwise and a clockwise inner ring for every hole.
// Duplicate cells are ignored; an empty set gives a nil outline.
//
// It traces the union itself (h3-go v4.1.0's CellsToMultiPolygon panics): each
// cell's boundary is cut at the antimeridian as CellGeometry does, vertices that
// coincide within weldTol are merged, edges walked in both directions (shared
// by two cells) cancel, and what is left is chained into rings. So a patch that
// crosses the antimeridian comes back as two polygons meeting at ±180, and one
// that contains a pole is closed along latitude ±90 (see CellPolygon).
//
// It fails for invalid cells, mixed resolutions (children do not tile their
// parent exactly, so their edges would not cancel) and if the edges do not
// close into rings, rather than return a wrong outline.
func Outline(cells []h3.Cell) (orb.MultiPolygon, error) {
	cells, err := uniqueCells(cells)
	if err != nil || len(cells) == 0 {
		return nil, err
	}
	var g edgeGraph
	for _, c := range cells {
		for _, piece := range cellPieces(c) {
			g.addRing(piece)
		}
	}
	rings, err := g.rings()
	if err != nil {
		return nil, fmt.Errorf("outline of %d cells: %w", len(cells), err)
	}
	return assembleRings(rings)
}

// uniqueCells checks that cells are valid and of one resolution, and returns
// them sorted without duplicates (sorting makes the output deterministic).
func uniqueCells(cells []h3.Cell) ([]h3.Cell, error) {
	out := slices.Clone(cells)
	slices.Sort(out)
	out = slices.Compact(out)
	for _, c := range out {
		if !c.IsValid() {
			return nil, fmt.Errorf("outline: %s is not a valid H3 cell", c)
		}
		if c.Resolution() != out[0].Resolution() {
			return nil, fmt.Errorf("outline: cells of resolutions %d and %d mixed",
				out[0].Resolution(), c.Resolution())
		}
	}
	return out, nil
}

// edgeGraph collects the directed boundary edges of counter-clockwise rings,
// cancelling each edge against its reverse.
type edgeGraph struct {
	pts     []orb.Point
	buckets map[[2]int64][]int
	edges   map[[2]int]int
}

// vertex returns the id of p, merging it with a known point within weldTol.
func (g *edgeGraph) vertex(p orb.Point) int {
	kx, ky := int64(math.Floor(p[0]/weldTol)), int64(math.Floor(p[1]/weldTol))
	for dx := int64(-1); dx <= 1; dx++ {
		for dy := int64(-1); dy <= 1; dy++ {
			for _, id := range g.buckets[[2]int64{kx + dx, ky + dy}] {
				q := g.pts[id]
				if math.Abs(q[0]-p[0]) <= weldTol && math.Abs(q[1]-p[1]) <= weldTol {
					return id
				}
			}
		}
	}
	if g.buckets == nil {
		g.buckets = map[[2]int64][]int{}
		g.edges = map[[2]int]int{}
	}
	id := len(g.pts)
	g.pts = append(g.pts, p)
	g.buckets[[2]int64{kx, ky}] = append(g.buckets[[2]int64{kx, ky}], id)
	return id
}

func (g *edgeGraph) addRing(pts []orb.Point) {
	ids := make([]int, len(pts))
	for i, p := range pts {
		ids[i] = g.vertex(p)
	}
	for i, u := range ids {
		v := ids[(i+1)%len(ids)]
		if u == v {
			continue
		}
		if rev := [2]int{v, u}; g.edges[rev] > 0 {
			if g.edges[rev]--; g.edges[rev] == 0 {
				delete(g.edges, rev)
			}
			continue
		}
		g.edges[[2]int{u, v}]++
	}
}

// rings chains the remaining edges into closed rings of points.
func (g *edgeGraph) rings() ([][]orb.Point, error) {
	next := map[int][]int{}
	keys := make([][2]int, 0, len(g.edges))
	for e, n := range g.edges {
		if n > 1 {
			return nil, fmt.Errorf("edge %v–%v covered twice: overlapping cells", g.pts[e[0]], g.pts[e[1]])
		}
		keys = append(keys, e)
	}
	slices.SortFunc(keys, func(a, b [2]int) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	for _, e := range keys {
		next[e[0]] = append(next[e[0]], e[1])
	}
	var rings [][]orb.Point
	for _, e := range keys {
		if !slices.Contains(next[e[0]], e[1]) {
			continue // already walked
		}
		start, ring := e[0], []orb.Point{}
		for at := start; ; {
			outs := next[at]
			if len(outs) == 0 {
				return nil, fmt.Errorf("boundary does not close at %v", g.pts[at])
			}
			to := outs[0]
			next[at] = outs[1:]
			ring = append(ring, g.pts[at])
			if at = to; at == start {
				break
			}
		}
		if r := dropCutVertices(ring); r != nil {
			rings = append(rings, r)
		}
	}
	return rings, nil
}

// dropCutVertices removes vertices in the middle of straight runs along the
// antimeridian cut (lon ±180) or a pole's latitude (±90): they come from cutting
// neighbouring cells and are not corners of the outline.
func dropCutVertices(pts []orb.Point) []orb.Point {
	onCut := func(a, b, c orb.Point) bool {
		return (math.Abs(b[0]) == 180 && a[0] == b[0] && b[0] == c[0]) ||
			(math.Abs(b[1]) == 90 && a[1] == b[1] && b[1] == c[1])
	}
	for changed := true; changed && len(pts) >= 3; {
		changed = false
		for i := 0; i < len(pts) && len(pts) >= 3; i++ {
			a, b, c := pts[(i+len(pts)-1)%len(pts)], pts[i], pts[(i+1)%len(pts)]
			if onCut(a, b, c) {
				pts = slices.Delete(pts, i, i+1)
				changed = true
			}
		}
	}
	return clean(pts)
}

// assembleRings makes polygons of counter-clockwise outer rings and puts each
// clockwise ring (a hole) into the smallest outer ring that contains it.
func assembleRings(rings [][]orb.Point) (orb.MultiPolygon, error) {
	var outers, holes [][]orb.Point
	for _, r := range rings {
		if signedArea(r) > 0 {
			outers = append(outers, r)
		} else {
			holes = append(holes, r)
		}
	}
	slices.SortStableFunc(outers, func(a, b []orb.Point) int {
		return cmp.Compare(signedArea(b), signedArea(a)) // largest first
	})
	mp := make(orb.MultiPolygon, len(outers))
	for i, r := range outers {
		mp[i] = orb.Polygon{closed(r)}
	}
	for _, h := range holes {
		parent := -1
		for i, r := range outers { // smallest containing outer wins: walk them all
			if insideRing(r, h[0]) {
				parent = i
			}
		}
		if parent < 0 {
			return nil, fmt.Errorf("outline: hole at %v lies in no outer ring", h[0])
		}
		mp[parent] = append(mp[parent], closed(h))
	}
	return mp, nil
}

// insideRing reports whether p lies inside the open ring pts (even-odd rule).
func insideRing(pts []orb.Point, p orb.Point) bool {
	in := false
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		if (a[1] > p[1]) != (b[1] > p[1]) &&
			p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			in = !in
		}
	}
	return in
}
