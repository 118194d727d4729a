package geo

import (
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"
)

func TestPerimeterKm(t *testing.T) {
	deg := earthRadiusKm * math.Pi / 180 // one degree of a great circle
	tests := []struct {
		name string
		box  BBox
		want float64
	}{
		{name: "1° square on the equator", box: BBox{0, 0, 1, 1}, want: deg * (1 + math.Cos(math.Pi/180) + 2)},
		{name: "crossing the antimeridian", box: BBox{179, 0, -179, 1}, want: deg * (2 + 2*math.Cos(math.Pi/180) + 2)},
		{name: "meridian line", box: BBox{10, 0, 10, 30}, want: deg * 60},
		{name: "point", box: BBox{10, 20, 10, 20}, want: 0},
		{name: "whole world", box: BBox{-180, -90, 180, 90}, want: deg * 360},
	}
	for _, tt := range tests {
		if got := tt.box.PerimeterKm(); math.Abs(got-tt.want) > 1e-6*max(1, tt.want) {
			t.Errorf("%s: PerimeterKm(%v) = %v, want %v", tt.name, tt.box, got, tt.want)
		}
	}
}

// TestTouchedCellsThinStrip is the box of the security report: 0.0001° by 100° at res 10 has
// the area of 8,092 cells but meets over 100,000; TouchedCells counts them and the finest
// resolution under 50,000 is 8.
func TestTouchedCellsThinStrip(t *testing.T) {
	strip := BBox{West: -50, South: 10, East: 50, North: 10.0001}
	if byArea := strip.AreaKm2() / h3.HexagonAreaAvgKm2(10); byArea > 50_000 {
		t.Fatalf("premise: the strip's area estimate %v is over 50,000", byArea)
	}
	if got := strip.TouchedCells(10); got < 100_000 {
		t.Errorf("TouchedCells(10) = %.0f, want over 100,000 (it meets 116,462)", got)
	}
	if got := strip.FinestResWithin(10, 50_000); got != 8 {
		t.Errorf("FinestResWithin(10, 50000) = %d, want 8", got)
	}
	if got := (BBox{-180, -90, 180, 90}).FinestResWithin(2, 100); got != -1 {
		t.Errorf("the world under 100 cells: FinestResWithin = %d, want -1 (even res 0 has 122)", got)
	}
}

// TestTouchedCellsOrdinaryBoxes: for boxes of ordinary shape the edge terms add little, so
// the cap refuses what it refused before and little more.
func TestTouchedCellsOrdinaryBoxes(t *testing.T) {
	for _, tt := range []struct {
		box   BBox
		res   int
		extra float64 // most the bound may exceed the area estimate, as a fraction
	}{
		{BBox{-6, 30, 36, 46}, 5, 0.03}, // the Mediterranean: 25,805 cells by area
		{BBox{-180, -90, 180, 90}, 2, 0.03},
		{BBox{10, 30, 20, 40}, 6, 0.03},       // 27,998 by area
		{BBox{1.8, 50.9, 1.95, 51}, 8, 0.4},   // Calais at its default res: 158 by area, 216 bound
		{BBox{1.8, 50.9, 1.95, 51}, 10, 0.06}, // and at res 10: 7,765 by area, 8,147 bound
	} {
		byArea := tt.box.AreaKm2() / h3.HexagonAreaAvgKm2(tt.res)
		got := tt.box.TouchedCells(tt.res)
		if got < byArea || got > byArea*(1+tt.extra) {
			t.Errorf("%v res %d: TouchedCells %.0f, want %.0f to %.0f (area estimate plus %.0f%%)",
				tt.box, tt.res, got, byArea, byArea*(1+tt.extra), 100*tt.extra)
		}
	}
}

// TestTouchedCellsBoundsCells compares the bound with the cells Cells finds meeting random
// boxes, thin and square, anywhere but within 5° of the poles, crossing the antimeridian or
// not. With the sizes of the cells where the box lies (the largest circumradius and the
// smallest area of the cells at its corners and centre) the formula must bound the count.
// (With H3's average sizes, as TouchedCells computes it, it falls short where cells are
// smaller than the average, by up to 1.5 in these boxes, as the area estimate does.)
// SEED=n replays a run.
func TestTouchedCellsBoundsCells(t *testing.T) {
	seed := uint64(time.Now().UnixNano() % 100000)
	if s, err := strconv.ParseUint(os.Getenv("SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("SEED=%d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	for i := 0; i < 300; i++ {
		res := 2 + r.IntN(5)
		w, h := r.Float64()*4, r.Float64()*4
		switch r.IntN(3) {
		case 0:
			w /= 1000
		case 1:
			h /= 1000
		}
		lon, lat := r.Float64()*360-180, r.Float64()*165-85
		b := BBox{West: lon, South: lat, East: lon + w, North: min(85, lat+h)}
		if b.East > 180 {
			b.East -= 360
		}
		cells, err := b.Cells(res, 100_000)
		if err != nil {
			t.Fatalf("%v.Cells(%d): %v", b, res, err)
		}
		e, a := localCellSize(b, res)
		n := float64(len(cells))
		if bound := (b.AreaKm2() + 2*e*b.PerimeterKm() + 4*math.Pi*e*e) / a; n > bound {
			t.Errorf("%v res %d: meets %d cells, over the bound %.1f with the local cell size", b, res, len(cells), bound)
		}
		if est, byArea := b.TouchedCells(res), b.AreaKm2()/h3.HexagonAreaAvgKm2(res); est < byArea {
			t.Errorf("%v res %d: TouchedCells %.1f under the area estimate %.1f", b, res, est, byArea)
		}
	}
}

// localCellSize is the largest circumradius (km) and the smallest area (km²) of the cells at
// res at b's corners and centre.
func localCellSize(b BBox, res int) (circumradius, area float64) {
	area = math.Inf(1)
	midLon := b.West + b.widthDeg()/2
	if midLon > 180 {
		midLon -= 360
	}
	for _, p := range [][2]float64{{b.South, b.West}, {b.South, b.East}, {b.North, b.West}, {b.North, b.East},
		{(b.South + b.North) / 2, midLon}} {
		ll := h3.NewLatLng(p[0], p[1])
		c := h3.LatLngToCell(ll, res)
		centre := h3.CellToLatLng(c)
		for _, v := range h3.CellToBoundary(c) {
			circumradius = max(circumradius, h3.GreatCircleDistanceKm(centre, v))
		}
		area = min(area, h3.CellAreaKm2(c))
	}
	return circumradius, area
}
