package scenario

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
)

// landRings is Natural Earth's 1:10m land, converted by internal/landgen
// (see data/SOURCE.md for the source, version and licence).
//
//go:embed data/land-10m.bin
var landRings []byte

// Leaves of the land quadtree hold at most this many vertices, unless they
// are already landLeafDepth levels deep (about 2 km across at the equator).
const (
	landLeafPoints = 24
	landLeafDepth  = 15
)

// landNode is a node of a quadtree over lon/lat whose leaves hold the land
// polygons clipped to the leaf's box, so that a point test only walks a few
// dozen vertices.
//
// Children are built lazily, on the first query that reaches a node, so a
// process only pays for the regions it asks about.
type landNode struct {
	bound  orb.Bound
	depth  int
	once   sync.Once
	kids   []*landNode // nil for a leaf, else 4 children
	pieces orb.MultiPolygon
	bounds []orb.Bound // of each piece's outer ring, for leaves
	full   bool        // the whole box is land
	leaf   bool
}

var (
	landOnce sync.Once
	landRoot *landNode
	landErr  error
)

// OnLand reports whether the point (lon, lat in WGS 84 degrees) lies on land
// according to Natural Earth's 1:10m land polygons (islands included, lakes
// counted as land, the Caspian Sea as water). The index is built on first use
// (about a tenth of a second) and is safe for concurrent use.
func OnLand(lon, lat float64) bool {
	root, err := landIndex()
	if err != nil {
		panic(err) // the embedded data is part of the build; a test covers it
	}
	return root.contains(orb.Point{lon, lat})
}

func landIndex() (*landNode, error) {
	landOnce.Do(func() {
		var mp orb.MultiPolygon
		mp, landErr = decodeLand(landRings)
		if landErr == nil {
			landRoot = &landNode{bound: orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, pieces: mp}
		}
	})
	return landRoot, landErr
}

func (n *landNode) contains(p orb.Point) bool {
	if !n.bound.Contains(p) {
		return false
	}
	for {
		n.once.Do(n.split)
		if n.leaf {
			break
		}
		c := n.bound.Center()
		i := 0
		if p[0] >= c[0] {
			i |= 1
		}
		if p[1] >= c[1] {
			i |= 2
		}
		n = n.kids[i]
	}
	if n.full {
		return true
	}
	for i, poly := range n.pieces {
		if n.bounds[i].Contains(p) && planar.PolygonContains(poly, p) {
			return true
		}
	}
	return false
}

// split decides whether the node is a leaf and otherwise clips its pieces
// into four children, ordered by (x >= center) | (y >= center)<<1 as
// contains expects.
func (n *landNode) split() {
	switch {
	case len(n.pieces) == 0:
		n.leaf = true
		return
	case isBox(n.bound, n.pieces):
		n.leaf, n.full, n.pieces = true, true, nil
		return
	case n.depth >= landLeafDepth || countPoints(n.pieces) <= landLeafPoints:
		n.leaf = true
		for _, poly := range n.pieces {
			n.bounds = append(n.bounds, poly[0].Bound())
		}
		return
	}
	b, c := n.bound, n.bound.Center()
	boxes := [4]orb.Bound{
		{Min: b.Min, Max: c},
		{Min: orb.Point{c[0], b.Min[1]}, Max: orb.Point{b.Max[0], c[1]}},
		{Min: orb.Point{b.Min[0], c[1]}, Max: orb.Point{c[0], b.Max[1]}},
		{Min: c, Max: b.Max},
	}
	n.kids = make([]*landNode, 4)
	for i, cb := range boxes {
		var sub orb.MultiPolygon
		for _, poly := range n.pieces {
			if !poly[0].Bound().Intersects(cb) {
				continue
			}
			if q := clip.Polygon(cb, clonePolygon(poly)); len(q) > 0 && len(q[0]) >= 4 {
				sub = append(sub, q)
			}
		}
		n.kids[i] = &landNode{bound: cb, depth: n.depth + 1, pieces: sub}
	}
	n.pieces = nil
}

// isBox reports whether the pieces are one hole-free ring equal to the box.
func isBox(b orb.Bound, mp orb.MultiPolygon) bool {
	if len(mp) != 1 || len(mp[0]) != 1 || len(mp[0][0]) > 6 {
		return false
	}
	r := mp[0][0]
	if r.Bound() != b {
		return false
	}
	box := (b.Max[0] - b.Min[0]) * (b.Max[1] - b.Min[1])
	return math.Abs(math.Abs(planar.Area(r))-box) <= 1e-9*box
}

func countPoints(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

func clonePolygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = append(orb.Ring(nil), r...)
	}
	return out
}

// decodeLand reads the ring file written by internal/landgen.
func decodeLand(b []byte) (orb.MultiPolygon, error) {
	const magic = "RWLAND1\n"
	if len(b) < len(magic)+32 || string(b[:len(magic)]) != magic {
		return nil, errors.New("scenario: land data: bad header")
	}
	b = b[len(magic):]
	var tr [4]float64
	for i := range tr {
		tr[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	b = b[32:]
	d := varintReader{b: b}
	nPoly := d.uvarint()
	mp := make(orb.MultiPolygon, 0, nPoly)
	for range nPoly {
		nRing := d.uvarint()
		poly := make(orb.Polygon, 0, nRing)
		for range nRing {
			nPt := d.uvarint()
			ring := make(orb.Ring, 0, nPt)
			var x, y int64
			for range nPt {
				x += d.varint()
				y += d.varint()
				ring = append(ring, orb.Point{float64(x)*tr[0] + tr[2], float64(y)*tr[1] + tr[3]})
			}
			poly = append(poly, ring)
		}
		mp = append(mp, poly)
	}
	if d.err != nil {
		return nil, fmt.Errorf("scenario: land data: %w", d.err)
	}
	return mp, nil
}

type varintReader struct {
	b   []byte
	err error
}

func (r *varintReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errors.New("truncated")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *varintReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errors.New("truncated")
		return 0
	}
	r.b = r.b[n:]
	return v
}
