package analytics

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// seasonalCube is a line of cells (neighbours: the cells either side) over 36 months, each
// with its own level, a +15 % yearly trend and a strong summer peak, drawn Poisson.
func seasonalCube(seed uint64, levels []float64) (Cube, [][]int, []StepTime) {
	rng := rand.New(rand.NewPCG(seed, 7))
	const T = 36
	at := months(T)
	cube := Cube{Cells: len(levels), Steps: T, Values: make([]float64, len(levels)*T)}
	for c, level := range levels {
		for t := range T {
			mean := level * math.Exp(math.Log(1.15)*at[t].Years+0.6*math.Cos(at[t].Phase-3.6))
			cube.Values[c*T+t] = distuv.Poisson{Lambda: mean, Src: rng}.Rand()
		}
	}
	nb := make([][]int, len(levels))
	for c := range nb {
		for d := c - 1; d <= c+1; d++ {
			if d >= 0 && d < len(levels) {
				nb[c] = append(nb[c], d)
			}
		}
	}
	return cube, nb, at
}

func excessPatterns(t *testing.T, cube Cube, nb [][]int, at []StepTime) ([]Pattern, HotSpots) {
	t.Helper()
	exp, err := ExpectCube(cube, at, cube.Steps-3)
	if err != nil {
		t.Fatal(err)
	}
	pats, hs, err := ExcessHotSpots(cube, exp, nb, 1, 0.05, HotSpotEffect)
	if err != nil {
		t.Fatal(err)
	}
	return pats, hs
}

func TestExcessHotSpotsIgnoreSeasonAndTrend(t *testing.T) {
	levels := make([]float64, 60) // a quiet stretch, then ever busier ones: raw Gi* sees the busy end
	for c := range levels {
		levels[c] = []float64{0.3, 2, 15, 120, 900}[c/12]
	}
	for seed := uint64(1); seed <= 5; seed++ {
		cube, nb, at := seasonalCube(seed, levels)
		raw, _, err := EmergingHotSpots(cube, nb, 1, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		pats, _ := excessPatterns(t, cube, nb, at)
		rawHot := 0
		for c := range pats {
			if raw[c] != NoPattern {
				rawHot++
			}
			if pats[c] == NewHotSpot || pats[c] == ConsecutiveHotSpot {
				t.Errorf("seed %d: cell %d (level %g) is a %s with nothing injected", seed, c, levels[c], pats[c])
			}
		}
		if rawHot == 0 {
			t.Errorf("seed %d: Gi* on raw counts finds no pattern either: the cube tests nothing", seed)
		}
	}
}

func TestExcessHotSpotsFindAnInjectedRise(t *testing.T) {
	levels := make([]float64, 40)
	for c := range levels {
		levels[c] = []float64{2, 15, 120}[c%3]
	}
	cube, nb, at := seasonalCube(11, levels)
	T := cube.Steps
	cube.Values[9*T+T-1] += 30 // a level-2 cell: 30 more sightings in the final month
	pats, hs := excessPatterns(t, cube, nb, at)
	if pats[9] != NewHotSpot {
		t.Fatalf("cell with 30 more sightings in its final month: %s, want %s (z %.2f, q %.3g, observed %.0f, expected %.1f)",
			pats[9], NewHotSpot, hs.Z[9*T+T-1], hs.Q[9*T+T-1], hs.Observed[9*T+T-1], hs.Expected[9*T+T-1])
	}
}

func TestExcessHotSpotsNeedTheEffect(t *testing.T) {
	// A very busy cell 4 % above its expectation is significant but is not a hot spot.
	levels := []float64{5000, 5000, 5000, 5000, 5000, 5000}
	cube, nb, at := seasonalCube(5, levels)
	T := cube.Steps
	for _, c := range []int{2, 3} {
		for t := T - 2; t < T; t++ {
			cube.Values[c*T+t] *= 1.2
		}
	}
	pats, hs := excessPatterns(t, cube, nb, at)
	if hs.Q[2*T+T-1] >= 0.05 {
		t.Fatalf("a 20 %% rise on 5,000 a month is not significant (q %.3g): the test tests nothing", hs.Q[2*T+T-1])
	}
	if pats[2] != NoPattern || hs.Spots[2*T+T-1] != NotSignificant {
		t.Errorf("a rise of %.2f× is a %s, want no pattern (the minimum ratio is %.1f)",
			hs.Observed[2*T+T-1]/hs.Expected[2*T+T-1], pats[2], HotSpotEffect.Ratio)
	}
	if _, _, err := ExcessHotSpots(cube, Expectation{Mu: []float64{1}}, nb, 1, 0.05, HotSpotEffect); err == nil {
		t.Error("an expectation of another size is accepted")
	}
}

// BenchmarkExcessHotSpots is one res-6 cube of a 500k-sighting scenario's size: 30,000 cells
// (most of them quiet) × 36 months, fitted and tested.
func BenchmarkExcessHotSpots(b *testing.B) {
	levels := make([]float64, 30000)
	for c := range levels {
		levels[c] = []float64{0.05, 0.05, 0.05, 0.3, 0.3, 2, 15, 120}[c%8]
	}
	cube, nb, at := seasonalCube(1, levels)
	b.ResetTimer()
	for range b.N {
		exp, err := ExpectCube(cube, at, cube.Steps-3)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := ExcessHotSpots(cube, exp, nb, 1, 0.05, HotSpotEffect); err != nil {
			b.Fatal(err)
		}
	}
}
