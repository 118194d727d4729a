package geo

import (
	"math"

	"github.com/uber/h3-go/v4"
)

// PerimeterKm is the length of b's boundary in kilometres on the sphere of AreaKm2: its
// northern and southern parallels plus its two meridians. A box spanning all 360° of
// longitude still counts its two (coinciding) meridians, which only lengthens it.
func (b BBox) PerimeterKm() float64 {
	rad := math.Pi / 180
	parallels := b.widthDeg() * rad * (math.Cos(b.North*rad) + math.Cos(b.South*rad))
	meridians := 2 * (b.North - b.South) * rad
	return earthRadiusKm * (parallels + meridians)
}

// TouchedCells bounds how many cells at resolution res b can touch (meet, edges included),
// counting the cells along its edges that an estimate by area misses: the box
// -50,10,50,10.0001 (0.0001° by 100°) has the area of 8,092 res-10 cells but meets 116,462
// of them (Cells).
//
// The bound: every cell meeting b lies within a cell's diameter 2e of b (e is the cell's
// circumradius, which for a hexagon is its edge length), so the cells touching b fit, without
// overlapping, in b grown by 2e, whose area is at most Area + 2e·Perimeter + π(2e)². Hence
//
//	cells ≤ (AreaKm2 + 2e·PerimeterKm + 4πe²) / A
//
// with e = h3.HexagonEdgeLengthAvgKm(res) and A = h3.HexagonAreaAvgKm2(res). In a plane of
// regular hexagons that is a strict upper bound, and with the largest circumradius and the
// smallest area of the cells where b lies it bounds the count on the globe too (tested). With
// the averages it is an estimate of the same kind as AreaKm2/A, which it never undercuts:
// where H3's cells are smaller than the average both fall short, by up to 1.5 in the tests'
// random boxes. For a large square box the edge terms add about 8e/side (2% at 50,000
// cells); a long thin box meets about half the cells it bounds (the strip above: 199,949).
func (b BBox) TouchedCells(res int) float64 {
	e := h3.HexagonEdgeLengthAvgKm(res)
	return (b.AreaKm2() + 2*e*b.PerimeterKm() + 4*math.Pi*e*e) / h3.HexagonAreaAvgKm2(res)
}

// FinestResWithin is the finest resolution from 0 to res at which b touches at most limit
// cells by TouchedCells, or -1 when even resolution 0 does not fit.
func (b BBox) FinestResWithin(res int, limit float64) int {
	for ; res >= 0; res-- {
		if b.TouchedCells(res) <= limit {
			return res
		}
	}
	return -1
}
