package geo

import (
	"math"
	"testing"
)

// FuzzParseBBox checks that whatever ParseBBox accepts is a box it promises:
// finite, in range, south <= north, and written back the same by String.
func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"-10.5,35,20,47.25", "170,-20,-170,-10", "-180,-90,180,90",
		"1,2,3", "NaN,0,0,0", "1e309,0,0,0", " 1 , 2 , 3 , 4 ", "0x1p-2,0,1,1", "1,2,3,4,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBBox(s)
		if err != nil {
			return
		}
		for _, v := range []float64{b.West, b.South, b.East, b.North} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("ParseBBox(%q) = %+v, holds a non-finite value", s, b)
			}
		}
		if math.Abs(b.West) > 180 || math.Abs(b.East) > 180 || math.Abs(b.South) > 90 || math.Abs(b.North) > 90 || b.South > b.North {
			t.Fatalf("ParseBBox(%q) = %+v, out of range", s, b)
		}
		if back, err := ParseBBox(b.String()); err != nil || back != b {
			t.Fatalf("ParseBBox(%q).String() = %q parses to %+v, %v; want %+v", s, b.String(), back, err, b)
		}
		if a := b.AreaKm2(); a < 0 || math.IsNaN(a) {
			t.Fatalf("ParseBBox(%q).AreaKm2() = %v", s, a)
		}
	})
}

// FuzzParseCell checks that ParseCell never accepts an invalid cell and that an
// accepted cell round-trips through CellString.
func FuzzParseCell(f *testing.F) {
	for _, s := range []string{"8928308280fffff", "8001fffffffffff", "0", "ffffffffffffffff", "zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCell(s)
		if err != nil {
			return
		}
		if !c.IsValid() {
			t.Fatalf("ParseCell(%q) = %s, an invalid cell", s, c)
		}
		if back, err := ParseCell(CellString(c)); err != nil || back != c {
			t.Fatalf("ParseCell(CellString(%s)) = %s, %v", c, back, err)
		}
	})
}
