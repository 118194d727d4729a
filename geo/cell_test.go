package geo

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/uber/h3-go/v4"
)

// sf is the classic H3 example point (San Francisco) and its cell at res 9.
const (
	sfLat, sfLon = 37.775938728915946, -122.41795063018799
	sfCell       = h3.Cell(0x8928308280fffff)
)

func TestCellAt(t *testing.T) {
	tests := []struct {
		name     string
		lat, lon float64
		res      int
		want     h3.Cell
		wantErr  string
	}{
		{name: "san francisco res 9", lat: sfLat, lon: sfLon, res: 9, want: sfCell},
		{name: "north pole res 0", lat: 90, lon: 0, res: 0, want: 0x8001fffffffffff},
		{name: "lat too big", lat: 90.5, lon: 0, res: 5, wantErr: "lat 90.5"},
		{name: "lat NaN", lat: math.NaN(), lon: 0, res: 5, wantErr: "lat NaN"},
		{name: "lon too small", lat: 0, lon: -180.1, res: 5, wantErr: "lon -180.1"},
		{name: "lon infinite", lat: 0, lon: math.Inf(1), res: 5, wantErr: "lon +Inf"},
		{name: "res negative", lat: 0, lon: 0, res: -1, wantErr: "res -1"},
		{name: "res too fine", lat: 0, lon: 0, res: 16, wantErr: "res 16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CellAt(tt.lat, tt.lon, tt.res)
			if !errorMatches(err, tt.wantErr) {
				t.Fatalf("CellAt(%v, %v, %d) error = %v, want error containing %q", tt.lat, tt.lon, tt.res, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("CellAt(%v, %v, %d) = %s, want %s", tt.lat, tt.lon, tt.res, got, tt.want)
			}
		})
	}
}

func TestCellAtEdgesOfRange(t *testing.T) {
	for _, ll := range [][2]float64{{90, 180}, {-90, -180}, {0, 180}, {0, -180}} {
		for res := 0; res <= h3.MaxResolution; res++ {
			c, err := CellAt(ll[0], ll[1], res)
			if err != nil || !c.IsValid() || c.Resolution() != res {
				t.Errorf("CellAt(%v, %v, %d) = %s, %v; want a valid cell of res %d", ll[0], ll[1], res, c, err, res)
			}
		}
	}
}

func TestParent(t *testing.T) {
	tests := []struct {
		name    string
		cell    h3.Cell
		res     int
		want    h3.Cell
		wantErr string
	}{
		{name: "res 5 ancestor", cell: sfCell, res: 5, want: 0x85283083fffffff},
		{name: "itself", cell: sfCell, res: 9, want: sfCell},
		{name: "base cell", cell: sfCell, res: 0, want: 0x8029fffffffffff},
		{name: "finer than cell", cell: sfCell, res: 10, wantErr: "res 10 not in 0..9"},
		{name: "negative", cell: sfCell, res: -1, wantErr: "res -1"},
		{name: "invalid cell", cell: 12345, res: 0, wantErr: "not a valid H3 cell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parent(tt.cell, tt.res)
			if !errorMatches(err, tt.wantErr) {
				t.Fatalf("Parent(%s, %d) error = %v, want error containing %q", tt.cell, tt.res, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Parent(%s, %d) = %s, want %s", tt.cell, tt.res, got, tt.want)
			}
		})
	}
}

func TestParentContainsCentre(t *testing.T) {
	for res := 0; res < 9; res++ {
		p, err := Parent(sfCell, res)
		if err != nil {
			t.Fatalf("Parent(%s, %d): %v", sfCell, res, err)
		}
		if want, _ := CellAt(sfLat, sfLon, res); p != want {
			t.Errorf("Parent(%s, %d) = %s, want the res %d cell of the point, %s", sfCell, res, p, res, want)
		}
	}
}

func TestParseCell(t *testing.T) {
	edge := sfCell.DirectedEdges()[0]
	tests := []struct {
		name    string
		in      string
		want    h3.Cell
		wantErr string
	}{
		{name: "wire form", in: "8928308280fffff", want: sfCell},
		{name: "upper case", in: "8928308280FFFFF", want: sfCell},
		{name: "base cell", in: "8001fffffffffff", want: 0x8001fffffffffff},
		{name: "empty", in: "", wantErr: "want 1 to 16 hexadecimal digits"},
		{name: "too long", in: "08928308280fffff0", wantErr: "want 1 to 16 hexadecimal digits"},
		{name: "0x prefix", in: "0x28308280fffff", wantErr: "not a hexadecimal"},
		{name: "not hex", in: "8928308280fffzz", wantErr: "not a hexadecimal"},
		{name: "sign", in: "+8928308280fffff", wantErr: "not a hexadecimal"},
		{name: "zero", in: "0", wantErr: "not a valid H3 cell"},
		{name: "top bit set", in: "ffffffffffffffff", wantErr: "not a valid H3 cell"},
		{name: "directed edge", in: strconv.FormatUint(uint64(edge), 16), wantErr: "not a valid H3 cell"},
		{name: "corrupted digit", in: "8928308280ffff7", wantErr: "not a valid H3 cell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCell(tt.in)
			if !errorMatches(err, tt.wantErr) {
				t.Fatalf("ParseCell(%q) error = %v, want error containing %q", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseCell(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestCellStringRoundTrip(t *testing.T) {
	for _, c := range append(h3.Res0Cells(), sfCell, h3.Pentagons(15)[0]) {
		s := CellString(c)
		if s != strings.ToLower(s) {
			t.Errorf("CellString(%d) = %q, want lower case", int64(c), s)
		}
		got, err := ParseCell(s)
		if err != nil || got != c {
			t.Errorf("ParseCell(CellString(%d)) = %s, %v; want %s", int64(c), got, err, c)
		}
	}
}

func TestCellInt64(t *testing.T) {
	if got, want := CellToInt64(sfCell), int64(617700169958293503); got != want {
		t.Errorf("CellToInt64(%s) = %d, want %d", sfCell, got, want)
	}
	tests := []struct {
		name    string
		in      int64
		want    h3.Cell
		wantErr bool
	}{
		{name: "stored cell", in: 617700169958293503, want: sfCell},
		{name: "zero", in: 0, wantErr: true},
		{name: "negative", in: -1, wantErr: true},
		{name: "small number", in: 12345, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CellFromInt64(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("CellFromInt64(%d) = %s, %v; want %s, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestDisk(t *testing.T) {
	pentagon := h3.Pentagons(4)[0]
	tests := []struct {
		name    string
		cell    h3.Cell
		k       int
		want    int
		wantErr string
	}{
		{name: "k 0", cell: sfCell, k: 0, want: 1},
		{name: "k 1", cell: sfCell, k: 1, want: 7},
		{name: "k 2", cell: sfCell, k: 2, want: 19},
		{name: "pentagon k 1", cell: pentagon, k: 1, want: 6},
		{name: "negative k", cell: sfCell, k: -1, wantErr: "k -1 is negative"},
		{name: "invalid cell", cell: 7, k: 1, wantErr: "not a valid H3 cell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Disk(tt.cell, tt.k)
			if !errorMatches(err, tt.wantErr) {
				t.Fatalf("Disk(%s, %d) error = %v, want error containing %q", tt.cell, tt.k, err, tt.wantErr)
			}
			if len(got) != tt.want {
				t.Fatalf("Disk(%s, %d) has %d cells, want %d", tt.cell, tt.k, len(got), tt.want)
			}
			seen := map[h3.Cell]bool{}
			for _, c := range got {
				if seen[c] || !c.IsValid() {
					t.Errorf("Disk(%s, %d) holds %s twice or invalid", tt.cell, tt.k, c)
				}
				seen[c] = true
				if d := h3.GridDistance(tt.cell, c); d > tt.k {
					t.Errorf("Disk(%s, %d) holds %s at grid distance %d", tt.cell, tt.k, c, d)
				}
			}
			if len(got) > 0 && !seen[tt.cell] {
				t.Errorf("Disk(%s, %d) does not hold its centre", tt.cell, tt.k)
			}
		})
	}
}

// errorMatches reports whether err is nil when want is empty, or else holds want.
func errorMatches(err error, want string) bool {
	if want == "" {
		return err == nil
	}
	return err != nil && strings.Contains(err.Error(), want)
}
