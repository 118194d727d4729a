package geo

import (
	"fmt"
	"math"
	"strconv"

	"github.com/uber/h3-go/v4"
)

// CellAt returns the H3 cell at resolution res (0..15) that contains the
// point at latitude lat (-90..90) and longitude lon (-180..180), in degrees.
// NaN, infinities and out-of-range values are rejected rather than wrapped.
func CellAt(lat, lon float64, res int) (h3.Cell, error) {
	if err := checkLatLon(lat, lon); err != nil {
		return 0, err
	}
	if err := checkRes(res); err != nil {
		return 0, err
	}
	c := h3.LatLngToCell(h3.NewLatLng(lat, lon), res)
	if !c.IsValid() {
		return 0, fmt.Errorf("no H3 cell for lat %v lon %v at res %d", lat, lon, res)
	}
	return c, nil
}

// Parent returns the ancestor of c at resolution res, which must lie between 0
// and c's own resolution (Parent(c, c.Resolution()) is c itself).
func Parent(c h3.Cell, res int) (h3.Cell, error) {
	if !c.IsValid() {
		return 0, fmt.Errorf("parent of %s: not a valid H3 cell", c)
	}
	if res < 0 || res > c.Resolution() {
		return 0, fmt.Errorf("parent of %s: res %d not in 0..%d", c, res, c.Resolution())
	}
	return c.Parent(res), nil
}

// ParseCell parses a cell index as sent on the wire: 1 to 16 hexadecimal digits
// without prefix, e.g. "85283473fffffff" (h3-js and deck.gl's form). Strings
// that are not hexadecimal, and indexes that are not valid H3 cells (directed
// edges, vertexes, corrupted digits), are rejected.
func ParseCell(s string) (h3.Cell, error) {
	if len(s) == 0 || len(s) > 16 {
		return 0, fmt.Errorf("cell %q: want 1 to 16 hexadecimal digits", s)
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("cell %q: not a hexadecimal H3 index", s)
	}
	c := h3.Cell(v)
	if v > math.MaxInt64 || !c.IsValid() {
		return 0, fmt.Errorf("cell %q: not a valid H3 cell", s)
	}
	return c, nil
}

// CellString formats c in the wire form ParseCell reads: lower-case hex
// without prefix.
func CellString(c h3.Cell) string {
	return c.String()
}

// CellToInt64 returns c as stored in a BIGINT column. The top bit of an H3
// index is always 0, so valid cells are positive.
func CellToInt64(c h3.Cell) int64 {
	return int64(c)
}

// CellFromInt64 returns the cell stored as v in a BIGINT column, rejecting
// values that are not valid H3 cells.
func CellFromInt64(v int64) (h3.Cell, error) {
	c := h3.Cell(v)
	if !c.IsValid() {
		return 0, fmt.Errorf("cell %d: not a valid H3 cell", v)
	}
	return c, nil
}

// Disk returns the cells within grid distance k (k >= 0) of c, c included, in no
// particular order: 1 + 3k(k+1) cells, fewer near a pentagon.
func Disk(c h3.Cell, k int) ([]h3.Cell, error) {
	if !c.IsValid() {
		return nil, fmt.Errorf("disk around %s: not a valid H3 cell", c)
	}
	if k < 0 {
		return nil, fmt.Errorf("disk around %s: k %d is negative", c, k)
	}
	return h3.GridDisk(c, k), nil
}

func checkLatLon(lat, lon float64) error {
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		return fmt.Errorf("lat %v not in [-90, 90]", lat)
	}
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		return fmt.Errorf("lon %v not in [-180, 180]", lon)
	}
	return nil
}

func checkRes(res int) error {
	if res < 0 || res > h3.MaxResolution {
		return fmt.Errorf("res %d not in 0..%d", res, h3.MaxResolution)
	}
	return nil
}
