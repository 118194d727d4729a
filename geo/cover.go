package geo

import (
	"errors"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// ErrTooManyCells is wrapped by BBox.Cells when a box would hold more cells
// than the caller allows; the message says how many and at which resolution.
var ErrTooManyCells = errors.New("too many cells")

// Cells lists the cells at resolution res that cover b, sorted by index: every
// cell whose boundary (with straight edges in the lon/lat plane, as drawn)
// meets the box, plus possibly a few near its corners whose bounding box only
// grazes it.
//
// It does not use h3.PolygonToCells, which keeps only cells whose centre lies
// inside (leaving the box's edges uncovered) and which in h3-go v4.1.0 misses
// cells of large polygons (the whole-world box at resolution 0 gives 102 of
// the 122 cells) and panics on a box of zero area. Instead it walks the grid
// outwards from the cell at the box's centre, keeping neighbours while they
// meet the box; the cells meeting a box are connected, so none is missed, and
// a box crossing the antimeridian needs no special case.
//
// Before any of that work Cells estimates the count as AreaKm2 / the average
// cell area at res and fails with ErrTooManyCells when the estimate exceeds
// limit; the walk also stops with ErrTooManyCells as soon as it has found more
// than limit cells (a long thin box has little area but many cells).
func (b BBox) Cells(res, limit int) ([]h3.Cell, error) {
	if err := b.validate(); err != nil {
		return nil, err
	}
	if err := checkRes(res); err != nil {
		return nil, err
	}
	if est := b.AreaKm2() / h3.HexagonAreaAvgKm2(res); est > float64(limit) {
		return nil, fmt.Errorf("%w: bbox %s holds about %.0f cells at res %d, limit is %d",
			ErrTooManyCells, b, est, res, limit)
	}
	lon := b.West + b.widthDeg()/2
	if lon > 180 {
		lon -= 360
	}
	seed := h3.LatLngToCell(h3.NewLatLng((b.South+b.North)/2, lon), res)
	seen := map[h3.Cell]bool{seed: true}
	var out []h3.Cell
	for queue := []h3.Cell{seed}; len(queue) > 0; queue = queue[1:] {
		c := queue[0]
		if !b.meets(c) {
			continue
		}
		if out = append(out, c); len(out) > limit {
			return nil, fmt.Errorf("%w: bbox %s meets more than %d cells at res %d",
				ErrTooManyCells, b, limit, res)
		}
		for _, n := range h3.GridDisk(c, 1) {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// validate checks a BBox built in code the way ParseBBox checks one from text.
func (b BBox) validate() error {
	_, err := ParseBBox(b.String())
	return err
}

// meets reports whether the bounding box of one of c's pieces (see
// CellGeometry) overlaps b, edges included.
func (b BBox) meets(c h3.Cell) bool {
	for _, piece := range cellPieces(c) {
		cb := orb.MultiPoint(piece).Bound()
		for _, part := range b.Split() {
			if cb.Min[0] <= part.East && cb.Max[0] >= part.West &&
				cb.Min[1] <= part.North && cb.Max[1] >= part.South {
				return true
			}
		}
	}
	return false
}
