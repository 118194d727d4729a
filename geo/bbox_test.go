package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/uber/h3-go/v4"
)

func TestParseBBox(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    BBox
		wantErr string
	}{
		{name: "plain", in: "-10.5,35,20,47.25", want: BBox{West: -10.5, South: 35, East: 20, North: 47.25}},
		{name: "spaces", in: " -10.5 , 35,20 ,47.25 ", want: BBox{West: -10.5, South: 35, East: 20, North: 47.25}},
		{name: "crossing antimeridian", in: "170,-20,-170,-10", want: BBox{West: 170, South: -20, East: -170, North: -10}},
		{name: "whole world", in: "-180,-90,180,90", want: BBox{West: -180, South: -90, East: 180, North: 90}},
		{name: "point", in: "1,2,1,2", want: BBox{West: 1, South: 2, East: 1, North: 2}},
		{name: "empty", in: "", wantErr: "want 4 comma-separated numbers minLon,minLat,maxLon,maxLat, got 1"},
		{name: "three values", in: "1,2,3", wantErr: "got 3"},
		{name: "six values", in: "1,2,0,3,4,10", wantErr: "got 6"},
		{name: "word", in: "1,south,3,4", wantErr: `minLat "south" is not a finite number`},
		{name: "empty value", in: "1,2,,4", wantErr: `maxLon "" is not a finite number`},
		{name: "NaN", in: "NaN,2,3,4", wantErr: `minLon "NaN" is not a finite number`},
		{name: "infinity", in: "1,2,3,Inf", wantErr: `maxLat "Inf" is not a finite number`},
		{name: "lon out of range", in: "-181,2,3,4", wantErr: "minLon -181 not in [-180, 180]"},
		{name: "lon 0..360 convention", in: "10,2,350,4", wantErr: "maxLon 350 not in [-180, 180]"},
		{name: "lat out of range", in: "1,-91,3,4", wantErr: "minLat -91 not in [-90, 90]"},
		{name: "south above north", in: "1,50,3,40", wantErr: "minLat 50 is north of maxLat 40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBBox(tt.in)
			if !errorMatches(err, tt.wantErr) {
				t.Fatalf("ParseBBox(%q) error = %v, want error containing %q", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseBBox(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestBBoxSplit(t *testing.T) {
	tests := []struct {
		name     string
		in       BBox
		crossing bool
		want     []BBox
	}{
		{name: "plain", in: BBox{-10, 35, 20, 47}, want: []BBox{{-10, 35, 20, 47}}},
		{name: "whole world", in: BBox{-180, -90, 180, 90}, want: []BBox{{-180, -90, 180, 90}}},
		{name: "crossing", in: BBox{170, -20, -170, -10}, crossing: true,
			want: []BBox{{170, -20, 180, -10}, {-180, -20, -170, -10}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.CrossesAntimeridian(); got != tt.crossing {
				t.Errorf("%+v.CrossesAntimeridian() = %v, want %v", tt.in, got, tt.crossing)
			}
			got := tt.in.Split()
			if len(got) != len(tt.want) {
				t.Fatalf("%+v.Split() = %+v, want %+v", tt.in, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] || got[i].CrossesAntimeridian() {
					t.Errorf("%+v.Split()[%d] = %+v, want %+v", tt.in, i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestBBoxContains(t *testing.T) {
	plain := BBox{-10, 35, 20, 47}
	crossing := BBox{170, -20, -170, -10}
	tests := []struct {
		name     string
		box      BBox
		lat, lon float64
		want     bool
	}{
		{name: "inside", box: plain, lat: 40, lon: 0, want: true},
		{name: "on corner", box: plain, lat: 35, lon: -10, want: true},
		{name: "north of", box: plain, lat: 47.1, lon: 0},
		{name: "east of", box: plain, lat: 40, lon: 20.1},
		{name: "lon and lat swapped", box: plain, lat: 0, lon: 40},
		{name: "crossing, west part", box: crossing, lat: -15, lon: 175, want: true},
		{name: "crossing, east part", box: crossing, lat: -15, lon: -175, want: true},
		{name: "crossing, on 180", box: crossing, lat: -15, lon: 180, want: true},
		{name: "crossing, outside in the gap", box: crossing, lat: -15, lon: 0},
		{name: "crossing, south of", box: crossing, lat: -25, lon: 175},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.box.Contains(tt.lat, tt.lon); got != tt.want {
				t.Errorf("%+v.Contains(%v, %v) = %v, want %v", tt.box, tt.lat, tt.lon, got, tt.want)
			}
		})
	}
}

func TestBBoxAreaKm2(t *testing.T) {
	earth := 4 * math.Pi * earthRadiusKm * earthRadiusKm // 510,065,6xx km²
	tests := []struct {
		name string
		box  BBox
		want float64
	}{
		{name: "whole world", box: BBox{-180, -90, 180, 90}, want: earth},
		{name: "northern hemisphere", box: BBox{-180, 0, 180, 90}, want: earth / 2},
		// one degree square at the equator: R² · (π/180) · sin 1°
		{name: "1° at the equator", box: BBox{0, 0, 1, 1}, want: 12363.69},
		{name: "same, crossing", box: BBox{179.5, 0, -179.5, 1}, want: 12363.69},
		{name: "point", box: BBox{3, 4, 3, 4}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.box.AreaKm2(); math.Abs(got-tt.want) > 1e-5*tt.want+1e-9 {
				t.Errorf("%+v.AreaKm2() = %v, want %v", tt.box, got, tt.want)
			}
		})
	}
}

func TestDefaultRes(t *testing.T) {
	tests := []struct {
		name string
		box  BBox
		want int
	}{
		{name: "whole world", box: BBox{-180, -90, 180, 90}, want: 2},
		{name: "mediterranean", box: BBox{-6, 30, 36, 46}, want: 3},
		{name: "aegean", box: BBox{22, 35, 29, 41}, want: 5},
		{name: "strait of gibraltar", box: BBox{-6.5, 35.5, -4.5, 36.5}, want: 6},
		{name: "calais port", box: BBox{1.8, 50.9, 1.95, 51}, want: 8},
		{name: "point", box: BBox{1, 1, 1, 1}, want: 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DefaultRes(tt.box); got != tt.want {
				t.Errorf("DefaultRes(%+v) = %d, want %d", tt.box, got, tt.want)
			}
		})
	}
}

// TestDefaultResRule checks the documented rule on boxes of many sizes: the
// chosen resolution holds at most 3000 average cells (unless it is already
// 2) and the next finer one would hold more (unless it is already 8).
func TestDefaultResRule(t *testing.T) {
	for size := 0.01; size <= 180; size *= 1.5 {
		b := BBox{West: -size, South: -size / 2, East: size, North: size / 2}
		res := DefaultRes(b)
		count := func(r int) float64 { return b.AreaKm2() / h3.HexagonAreaAvgKm2(r) }
		if res < 2 || res > 8 {
			t.Fatalf("DefaultRes(%+v) = %d, want 2..8", b, res)
		}
		if res > 2 && count(res) > 3000 {
			t.Errorf("DefaultRes(%+v) = %d holding %.0f cells, want at most 3000", b, res, count(res))
		}
		if res < 8 && count(res+1) <= 3000 {
			t.Errorf("DefaultRes(%+v) = %d, but res %d holds only %.0f cells", b, res, res+1, count(res+1))
		}
	}
}

// Every cell meeting a box has its centre in the padded box, at every resolution the tiles
// and raw scans use, for random boxes (some across the antimeridian, some near the poles).
func TestPaddedHoldsCentresOfMeetingCells(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 300; i++ {
		res := 2 + rng.IntN(5)
		size := 40 * math.Pow(0.5, float64(res))
		w := rng.Float64()*360 - 180
		s := rng.Float64()*160 - 80
		b := BBox{West: w, South: s, East: w + size, North: math.Min(89, s+size)}
		if b.East > 180 {
			b.East -= 360
		}
		cells, err := b.Cells(res, 20000)
		if err != nil {
			t.Fatal(err)
		}
		p := b.Padded(res)
		for _, c := range cells {
			ll := c.LatLng()
			if !p.Contains(ll.Lat, ll.Lng) {
				t.Fatalf("box %v res %d: cell %s meets it, centre %v outside the padded box %v", b, res, CellString(c), ll, p)
			}
		}
	}
}
