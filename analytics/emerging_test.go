package analytics

import (
	"strings"
	"testing"
)

// bins reads a series of bin classes: H hot, C cold, . neither.
func bins(s string) []Spot {
	out := make([]Spot, len(s))
	for i, r := range s {
		switch r {
		case 'H':
			out[i] = HotSpot
		case 'C':
			out[i] = ColdSpot
		}
	}
	return out
}

// flat is a z-series with no trend: ±3 on spots, 0 elsewhere (so the Mann–Kendall trend
// follows the spots; every case that depends on the trend gives its z explicitly).
func flat(s string) []float64 {
	z := make([]float64, len(s))
	for i, r := range s {
		switch r {
		case 'H':
			z[i] = 3
		case 'C':
			z[i] = -3
		}
	}
	return z
}

var (
	rising  = []float64{2, 3, 4, 5, 6, 7, 8, 9, 10, 11} // MK S = 45, p = 8.3e−5
	falling = []float64{11, 10, 9, 8, 7, 6, 5, 4, 3, 2} // MK S = −45
	seesaw  = []float64{3, 4, 3, 4, 3, 4, 3, 4, 3, 4}   // MK S = 5, p = 0.68
	seesaw0 = []float64{3, 4, 3, 4, 3, 4, 3, 4, 3, 0}   // MK S = −9, p = 0.42
	fall0   = []float64{11, 10, 9, 8, 7, 6, 5, 4, 3, 0} // MK S = −45, p = 8.3e−5
	rise90  = []float64{0, 2, 3, 4, 5, 6, 7, 8, 9, 10}  // MK S = 45
	rise80  = []float64{0, 0, 2, 3, 4, 5, 6, 7, 8, 9}   // MK S = 44, p = 1.1e−4
	mirror  = strings.NewReplacer("H", "C", "C", "H")   // hot ↔ cold
	coldOf  = map[Pattern]Pattern{NoPattern: NoPattern} // filled in init
	hotList = []Pattern{NewHotSpot, ConsecutiveHotSpot, IntensifyingHotSpot, PersistentHotSpot,
		DiminishingHotSpot, SporadicHotSpot, OscillatingHotSpot, HistoricalHotSpot}
	coldList = []Pattern{NewColdSpot, ConsecutiveColdSpot, IntensifyingColdSpot, PersistentColdSpot,
		DiminishingColdSpot, SporadicColdSpot, OscillatingColdSpot, HistoricalColdSpot}
)

func init() {
	for i := range hotList {
		coldOf[hotList[i]] = coldList[i]
	}
}

func TestEmergingPattern(t *testing.T) {
	cases := []struct {
		name  string
		spots string
		z     []float64 // nil: flat(spots)
		want  Pattern
	}{
		{"new", ".........H", nil, NewHotSpot},
		{"new despite earlier cold (table order)", "C........H", nil, NewHotSpot},
		{"new needs the final step", "........H.", nil, NoPattern},
		{"consecutive run of exactly 2", "........HH", nil, ConsecutiveHotSpot},
		{"consecutive run of 8 (80%)", "..HHHHHHHH", rise80, ConsecutiveHotSpot},
		{"run of 2 after an earlier hot is sporadic", "H.......HH", nil, SporadicHotSpot},
		{"intensifying", "HHHHHHHHHH", rising, IntensifyingHotSpot},
		{"intensifying at exactly 90% (9 of 10)", ".HHHHHHHHH", rise90, IntensifyingHotSpot},
		{"persistent", "HHHHHHHHHH", seesaw, PersistentHotSpot},
		{"persistent at exactly 90%", ".HHHHHHHHH", seesaw, PersistentHotSpot},
		{"historical when the final step is not hot, even without a trend", "HHHHHHHHH.", seesaw0, HistoricalHotSpot},
		{"diminishing", "HHHHHHHHHH", falling, DiminishingHotSpot},
		{"sporadic", "H..H...H.H", nil, SporadicHotSpot},
		{"oscillating: a cold spot earlier", "C..H...H.H", nil, OscillatingHotSpot},
		{"historical", "HHHHHHHHH.", fall0, HistoricalHotSpot},
		{"once early, not final", "H.........", nil, NoPattern},
		{"nothing", "..........", nil, NoPattern},
		{"single step hot", "H", nil, NewHotSpot},
		{"two steps hot: 100%, no trend", "HH", nil, PersistentHotSpot},
	}
	for _, c := range cases {
		z := c.z
		if z == nil {
			z = flat(c.spots)
		}
		if got := EmergingPattern(bins(c.spots), z, 0.05); got != c.want {
			t.Errorf("%s (%s): got %q, want %q", c.name, c.spots, got, c.want)
		}
		// The cold mirror: hot ↔ cold and z → −z, so trends swap direction too.
		negZ := make([]float64, len(z))
		for i := range z {
			negZ[i] = -z[i]
		}
		spots := mirror.Replace(c.spots)
		if got := EmergingPattern(bins(spots), negZ, 0.05); got != coldOf[c.want] {
			t.Errorf("cold %s (%s): got %q, want %q", c.name, spots, got, coldOf[c.want])
		}
	}
}

func TestEmergingPatternNames(t *testing.T) {
	// ArcGIS Pro's pattern names, as the API serves them.
	want := map[Pattern]string{
		NewHotSpot: "New Hot Spot", ConsecutiveHotSpot: "Consecutive Hot Spot",
		IntensifyingHotSpot: "Intensifying Hot Spot", PersistentHotSpot: "Persistent Hot Spot",
		DiminishingHotSpot: "Diminishing Hot Spot", SporadicHotSpot: "Sporadic Hot Spot",
		OscillatingHotSpot: "Oscillating Hot Spot", HistoricalHotSpot: "Historical Hot Spot",
		NewColdSpot: "New Cold Spot", OscillatingColdSpot: "Oscillating Cold Spot",
		NoPattern: "No Pattern Detected",
	}
	for p, s := range want {
		if string(p) != s {
			t.Errorf("got %q, want %q", p, s)
		}
	}
}

func TestEmergingHotSpotsCube(t *testing.T) {
	// A 30-cell chain over 10 steps: cells 10–12 are 10 in every step (a persistent
	// cluster: each step looks like TestSpaceTimeHotSpotsChain, N = 0); cells 20–22 are 10
	// only in the last step (new). Everything else is 0.
	cube := Cube{Cells: 30, Steps: 10, Values: make([]float64, 300)}
	for s := 0; s < 10; s++ {
		for c := 10; c <= 12; c++ {
			cube.Values[cube.Bin(c, s)] = 10
		}
	}
	for c := 20; c <= 22; c++ {
		cube.Values[cube.Bin(c, 9)] = 10
	}
	got, h, err := EmergingHotSpots(cube, chain(30), 0, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Z) != 300 {
		t.Fatalf("got %d bins, want 300", len(h.Z))
	}
	want := map[int]Pattern{0: NoPattern, 11: PersistentHotSpot, 21: NewHotSpot, 5: NoPattern}
	for c, w := range want {
		if got[c] != w {
			t.Errorf("cell %d: got %q, want %q (spots %v)", c, got[c], w, h.Spots[c*10:(c+1)*10])
		}
	}
}
