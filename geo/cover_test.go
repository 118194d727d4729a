package geo

import (
	"errors"
	"slices"
	"testing"

	"github.com/uber/h3-go/v4"
)

func TestCellsWholeWorld(t *testing.T) {
	world := BBox{-180, -90, 180, 90}
	for res, want := range []int{122, 842, 5882} {
		got, err := world.Cells(res, 10000)
		if err != nil {
			t.Fatalf("world.Cells(%d): %v", res, err)
		}
		if len(got) != want || len(got) != h3.NumCells(res) {
			t.Errorf("world.Cells(%d) has %d cells, want %d", res, len(got), want)
		}
	}
}

// TestCellsCover checks that every point of a box, edges and corners included,
// lies in a returned cell, and that the cells h3 finds by centre are among them.
func TestCellsCover(t *testing.T) {
	tests := []struct {
		name string
		box  BBox
		res  int
	}{
		{name: "aegean res 4", box: BBox{22, 35, 29, 41}, res: 4},
		{name: "calais res 8", box: BBox{1.8, 50.9, 1.95, 51}, res: 8},
		{name: "smaller than a cell", box: BBox{10, 10, 10.01, 10.01}, res: 3},
		{name: "point", box: BBox{10, 10, 10, 10}, res: 5},
		{name: "fiji across the antimeridian res 3", box: BBox{170, -20, -170, -10}, res: 3},
		{name: "arctic to the pole res 2", box: BBox{-30, 70, 60, 90}, res: 2},
		{name: "thin band round the globe res 2", box: BBox{-180, 10, 180, 11}, res: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.box.Cells(tt.res, 5000)
			if err != nil {
				t.Fatalf("%+v.Cells(%d): %v", tt.box, tt.res, err)
			}
			if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
				t.Errorf("%+v.Cells(%d) not sorted or has duplicates", tt.box, tt.res)
			}
			in := map[h3.Cell]bool{}
			for _, c := range got {
				in[c] = true
				if c.Resolution() != tt.res || !tt.box.meets(c) {
					t.Errorf("%+v.Cells(%d) holds %s (res %d), which does not meet the box", tt.box, tt.res, c, c.Resolution())
				}
			}
			const n = 40
			w := tt.box.widthDeg()
			for i := 0; i <= n; i++ {
				for j := 0; j <= n; j++ {
					lon := tt.box.West + w*float64(i)/n
					if lon > 180 {
						lon -= 360
					}
					lat := tt.box.South + (tt.box.North-tt.box.South)*float64(j)/n
					if c := mustCell(t, lat, lon, tt.res); !in[c] {
						t.Fatalf("%+v.Cells(%d) misses %s, the cell of lat %v lon %v", tt.box, tt.res, c, lat, lon)
					}
				}
			}
			for _, part := range tt.box.Split() {
				if part.AreaKm2() == 0 {
					continue // h3-go v4.1.0's PolygonToCells panics on an empty polygon
				}
				for _, c := range h3.PolygonToCells(part.ring(), tt.res) {
					if !in[c] {
						t.Errorf("%+v.Cells(%d) misses %s, whose centre is inside", tt.box, tt.res, c)
					}
				}
			}
		})
	}
}

func TestCellsAcrossAntimeridianIsUnionOfParts(t *testing.T) {
	b := BBox{175, 60, -170, 66}
	got, err := b.Cells(4, 5000)
	if err != nil {
		t.Fatal(err)
	}
	var want []h3.Cell
	for _, part := range b.Split() {
		cells, err := part.Cells(4, 5000)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, cells...)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if !slices.Equal(got, want) {
		t.Errorf("%+v.Cells(4) has %d cells, want the %d of its two parts", b, len(got), len(want))
	}
}

func TestCellsRefuses(t *testing.T) {
	tests := []struct {
		name    string
		box     BBox
		res     int
		limit   int
		tooMany bool
		wantErr string
	}{
		{name: "area estimate over limit", box: BBox{-180, -90, 180, 90}, res: 5, limit: 100000, tooMany: true,
			wantErr: "holds about 2016837 cells at res 5, limit is 100000"},
		{name: "thin box over limit", box: BBox{-180, 0, 180, 0}, res: 6, limit: 1000, tooMany: true,
			wantErr: "meets more than 1000 cells at res 6"},
		{name: "count just over limit", box: BBox{-180, -90, 180, 90}, res: 0, limit: 121, tooMany: true},
		{name: "count at limit", box: BBox{-180, -90, 180, 90}, res: 0, limit: 122},
		{name: "bad res", box: BBox{0, 0, 1, 1}, res: 16, limit: 10, wantErr: "res 16"},
		{name: "south above north", box: BBox{0, 2, 1, 1}, res: 3, limit: 10, wantErr: "minLat 2 is north of maxLat 1"},
		{name: "lon out of range", box: BBox{0, 0, 200, 1}, res: 3, limit: 10, wantErr: "maxLon 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.box.Cells(tt.res, tt.limit)
			if got := errors.Is(err, ErrTooManyCells); got != tt.tooMany {
				t.Fatalf("%+v.Cells(%d, %d) error = %v, want ErrTooManyCells %v", tt.box, tt.res, tt.limit, err, tt.tooMany)
			}
			if tt.wantErr != "" && !errorMatches(err, tt.wantErr) {
				t.Errorf("%+v.Cells(%d, %d) error = %v, want error containing %q", tt.box, tt.res, tt.limit, err, tt.wantErr)
			}
		})
	}
}

// ring returns b, which must not cross the antimeridian, as an h3 polygon with
// a vertex every 60° of longitude (h3 reads longer edges as crossing ±180).
func (b BBox) ring() h3.GeoPolygon {
	var loop h3.GeoLoop
	for i := 0; i <= 6; i++ {
		loop = append(loop, h3.NewLatLng(b.South, b.West+(b.East-b.West)*float64(i)/6))
	}
	for i := 6; i >= 0; i-- {
		loop = append(loop, h3.NewLatLng(b.North, b.West+(b.East-b.West)*float64(i)/6))
	}
	return h3.GeoPolygon{GeoLoop: loop}
}
