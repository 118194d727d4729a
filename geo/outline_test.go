package geo

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"
)

// shape is what TestOutline expects of one polygon: vertices of the outer
// ring and of each hole (closing point not counted).
type shape struct {
	outer int
	holes []int
}

func TestOutline(t *testing.T) {
	centre := sfCell
	disk1 := h3.GridDisk(centre, 1)
	disk2 := h3.GridDisk(centre, 2)
	disk3 := h3.GridDisk(centre, 3)
	far := mustCell(t, 48.85, 2.35, 9)
	pentagon := h3.Pentagons(2)[0]
	tests := []struct {
		name  string
		cells []h3.Cell
		want  []shape // largest polygon first
	}{
		{name: "single cell", cells: []h3.Cell{centre}, want: []shape{{outer: 6}}},
		{name: "duplicates ignored", cells: []h3.Cell{centre, centre}, want: []shape{{outer: 6}}},
		{name: "two neighbours", cells: disk1[:2], want: []shape{{outer: 10}}},
		{name: "disk k=1", cells: disk1, want: []shape{{outer: 18}}},
		{name: "disk k=2", cells: disk2, want: []shape{{outer: 30}}},
		{name: "two disjoint cells", cells: []h3.Cell{centre, far}, want: []shape{{outer: 6}, {outer: 6}}},
		{name: "ring k=1 has a one-cell hole", cells: without(disk1, centre), want: []shape{{outer: 18, holes: []int{6}}}},
		{name: "ring k=2 has a disk hole", cells: without(disk2, disk1...), want: []shape{{outer: 30, holes: []int{18}}}},
		{name: "island in a hole", cells: append(without(disk3, disk2...), disk1...),
			want: []shape{{outer: 42, holes: []int{30}}, {outer: 18}}},
		{name: "holed island in a hole", cells: append(without(disk3, disk2...), without(disk1, centre)...),
			want: []shape{{outer: 42, holes: []int{30}}, {outer: 18, holes: []int{6}}}},
		{name: "pentagon disk", cells: h3.GridDisk(pentagon, 1), want: []shape{{outer: 15}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mp, err := Outline(tt.cells)
			if err != nil {
				t.Fatalf("Outline: %v", err)
			}
			if len(mp) != len(tt.want) {
				t.Fatalf("Outline has %d polygons, want %d", len(mp), len(tt.want))
			}
			for i, p := range mp {
				got := shape{outer: len(p[0]) - 1}
				checkRing(t, p[0])
				for _, h := range p[1:] {
					got.holes = append(got.holes, len(h)-1)
					if !h.Closed() || h.Orientation() != orb.CW {
						t.Errorf("polygon %d: hole not closed or not clockwise", i)
					}
				}
				if got.outer != tt.want[i].outer || !slices.Equal(got.holes, tt.want[i].holes) {
					t.Errorf("polygon %d has %+v vertices, want %+v", i, got, tt.want[i])
				}
			}
			if got, want := planar.Area(mp), cellsArea(tt.cells); math.Abs(got-want) > 1e-9*want {
				t.Errorf("Outline covers %v deg², want the cells' %v", got, want)
			}
		})
	}
}

func TestOutlineSingleCellIsItsHexagon(t *testing.T) {
	mp, err := Outline([]h3.Cell{sfCell})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range CellPolygon(sfCell)[0] {
		if !hasPoint(mp[0][0], p) {
			t.Errorf("Outline of %s lacks its vertex %v", sfCell, p)
		}
	}
}

func TestOutlineAcrossAntimeridian(t *testing.T) {
	c := mustCell(t, 0, 179.99, 4)
	cells := h3.GridDisk(c, 2)
	mp, err := Outline(cells)
	if err != nil {
		t.Fatal(err)
	}
	if len(mp) != 2 {
		t.Fatalf("Outline has %d polygons, want 2 (one each side of 180)", len(mp))
	}
	sides := map[float64]bool{}
	for _, p := range mp {
		if len(p) != 1 {
			t.Errorf("polygon has %d holes, want 0", len(p)-1)
		}
		checkRing(t, p[0])
		b := p[0].Bound()
		if b.Max[0] == 180 {
			sides[180] = true
		}
		if b.Min[0] == -180 {
			sides[-180] = true
		}
	}
	if !sides[180] || !sides[-180] {
		t.Errorf("polygons touch %v, want both 180 and -180", sides)
	}
	if got, want := planar.Area(mp), cellsArea(cells); math.Abs(got-want) > 1e-9*want {
		t.Errorf("Outline covers %v deg², want the cells' %v", got, want)
	}
}

// TestOutlineWorld outlines every cell of a resolution: the whole lon/lat
// plane, one rectangle. This crosses every icosahedron face (class III
// distortion vertices at odd resolutions), both poles and the antimeridian.
func TestOutlineWorld(t *testing.T) {
	want := orb.Ring{{-180, -90}, {180, -90}, {180, 90}, {-180, 90}, {-180, -90}}
	for res := 0; res <= 2; res++ {
		cells := h3.UncompactCells(h3.Res0Cells(), res)
		mp, err := Outline(cells)
		if err != nil {
			t.Fatalf("res %d: %v", res, err)
		}
		if len(mp) != 1 || len(mp[0]) != 1 || !mp[0][0].Equal(want) {
			t.Errorf("res %d: Outline of all %d cells = %v, want the single ring %v", res, len(cells), mp, want)
		}
	}
}

func TestOutlineAroundPole(t *testing.T) {
	pole := mustCell(t, 90, 0, 1)
	mp, err := Outline(h3.GridDisk(pole, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(mp) != 1 || len(mp[0]) != 1 {
		t.Fatalf("Outline around the pole = %d polygons, want 1 without holes", len(mp))
	}
	checkRing(t, mp[0][0])
	if b := mp[0][0].Bound(); b.Max[1] != 90 || b.Min[0] != -180 || b.Max[0] != 180 {
		t.Errorf("Outline around the pole spans %v, want lon -180..180 up to lat 90", b)
	}
	for lon := -179.0; lon < 180; lon += 7 {
		if !planar.RingContains(mp[0][0], orb.Point{lon, 85}) {
			t.Errorf("Outline around the pole does not contain lon %v lat 85", lon)
		}
	}
}

func TestOutlineErrors(t *testing.T) {
	tests := []struct {
		name    string
		cells   []h3.Cell
		wantErr string
	}{
		{name: "mixed resolutions", cells: []h3.Cell{sfCell, sfCell.Parent(5)}, wantErr: "resolutions 5 and 9 mixed"},
		{name: "invalid cell", cells: []h3.Cell{sfCell, 42}, wantErr: "2a is not a valid H3 cell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mp, err := Outline(tt.cells)
			if !errorMatches(err, tt.wantErr) || mp != nil {
				t.Errorf("Outline = %v, %v; want nil and error containing %q", mp, err, tt.wantErr)
			}
		})
	}
	if mp, err := Outline(nil); mp != nil || err != nil {
		t.Errorf("Outline(nil) = %v, %v; want nil, nil", mp, err)
	}
}

// without returns cells minus drop.
func without(cells []h3.Cell, drop ...h3.Cell) []h3.Cell {
	var out []h3.Cell
	for _, c := range cells {
		if !slices.Contains(drop, c) {
			out = append(out, c)
		}
	}
	return out
}

// cellsArea sums the planar areas, in square degrees, of the distinct cells'
// GeoJSON pieces.
func cellsArea(cells []h3.Cell) float64 {
	a := 0.0
	cells = slices.Clone(cells)
	slices.Sort(cells)
	for _, c := range slices.Compact(cells) {
		a += planar.Area(CellGeometry(c))
	}
	return a
}
