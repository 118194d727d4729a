package analytics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// hexagon is seven cells: a centre (0) and its ring 1..6, ring cell i touching i−1 and i+1.
// Each list is the cell's 1-ring inside the study area, the cell itself included.
var hexagon = [][]int{
	{0, 1, 2, 3, 4, 5, 6},
	{1, 0, 6, 2}, {2, 0, 1, 3}, {3, 0, 2, 4}, {4, 0, 3, 5}, {5, 0, 4, 6}, {6, 0, 5, 1},
}

func TestGiStarHexagonOneStep(t *testing.T) {
	// One step, ring cell 1 = 7, every other cell 0. By hand: n = 7, x̄ = 1, Σx² = 49,
	// S = √(49/7 − 1) = √6. A ring cell has W = 4, so the denominator is
	// √6 · √((7·4 − 16)/6) = √12.
	//   cells 1, 2, 6 (their ring holds cell 1): Gi* = (7 − 4)/√12 = √3/2 = 0.866025
	//   cells 3, 4, 5:                           Gi* = (0 − 4)/√12 = −2/√3 = −1.154701
	//   centre: W = 7 = n, numerator and denominator are 0, reported as z = 0, p = 1.
	// p = 2Φ(−|z|): 0.386476 and 0.248213.
	cube := Cube{Cells: 7, Steps: 1, Values: []float64{0, 7, 0, 0, 0, 0, 0}}
	z, p, err := GiStar(cube, hexagon, 1)
	if err != nil {
		t.Fatal(err)
	}
	wantZ := []float64{0, math.Sqrt(3) / 2, math.Sqrt(3) / 2, -2 / math.Sqrt(3), -2 / math.Sqrt(3), -2 / math.Sqrt(3), math.Sqrt(3) / 2}
	wantP := []float64{1, 0.3864762, 0.3864762, 0.2482131, 0.2482131, 0.2482131, 0.3864762}
	for i := range wantZ {
		if !near(z[i], wantZ[i], 1e-12) || !near(p[i], wantP[i], 1e-7) {
			t.Errorf("cell %d: got z %.6f p %.7f, want %.6f %.7f", i, z[i], p[i], wantZ[i], wantP[i])
		}
	}
}

func TestGiStarHexagonTwoSteps(t *testing.T) {
	// Two steps, N = 1, ring cell 1 = 7 at step 1, zeros elsewhere. n = 14, x̄ = 0.5,
	// S² = 49/14 − 0.25 = 3.25. Step-1 bins see both steps (W = 2·|ring|), step-0 bins
	// only step 0.
	//   (1..6, t=0): W = 4, sum 0:  (0 − 2)/√(3.25·(56 − 16)/13) = −2/√10 = −0.632456
	//   (0, t=0):    W = 7, sum 0:  (0 − 3.5)/√(3.25·(98 − 49)/13) = −3.5/3.5 = −1
	//   (1,2,6, t=1): W = 8, sum 7: (7 − 4)/√(3.25·(112 − 64)/13) = 3/√12 = 0.866025
	//   (3,4,5, t=1): W = 8, sum 0: −4/√12 = −1.154701
	//   (0, t=1):    W = 14 = n: undefined, z = 0.
	cube := Cube{Cells: 7, Steps: 2, Values: make([]float64, 14)}
	cube.Values[cube.Bin(1, 1)] = 7
	z, _, err := GiStar(cube, hexagon, 1)
	if err != nil {
		t.Fatal(err)
	}
	r3 := math.Sqrt(3)
	want := map[[2]int]float64{
		{0, 0}: -1, {0, 1}: 0,
		{1, 0}: -2 / math.Sqrt(10), {1, 1}: r3 / 2, {2, 1}: r3 / 2, {6, 1}: r3 / 2,
		{3, 0}: -2 / math.Sqrt(10), {3, 1}: -2 / r3, {4, 1}: -2 / r3, {5, 1}: -2 / r3,
	}
	for k, w := range want {
		if got := z[cube.Bin(k[0], k[1])]; !near(got, w, 1e-12) {
			t.Errorf("bin (cell %d, step %d): got %.6f, want %.6f", k[0], k[1], got, w)
		}
	}
	// With N = 0 the step-1 bins see only step 1: cell 1 at t=1 has W = 4, sum 7:
	// (7 − 2)/√(3.25·(56 − 16)/13) = 5/√10 = 1.581139.
	z0, _, _ := GiStar(cube, hexagon, 0)
	if got := z0[cube.Bin(1, 1)]; !near(got, 5/math.Sqrt(10), 1e-12) {
		t.Errorf("N = 0, bin (1, 1): got %.6f, want %.6f", got, 5/math.Sqrt(10))
	}
}

// chain is a line of cells, each with its left and right neighbour and itself.
func chain(cells int) [][]int {
	nb := make([][]int, cells)
	for i := range nb {
		for _, j := range []int{i - 1, i, i + 1} {
			if j >= 0 && j < cells {
				nb[i] = append(nb[i], j)
			}
		}
	}
	return nb
}

func TestSpaceTimeHotSpotsChain(t *testing.T) {
	// 30 cells in a line, one step, cells 10–12 = 10, the rest 0: n = 30, x̄ = 1, S = 3.
	// Inner cells (W = 3) have denominator 3·√(81/29) = 5.01378:
	//   cell 11: (30 − 3)/5.01378 = 5.385165 (p = 7.2e−8); cells 10, 12: 17/5.01378 =
	//   3.390659 (p = 0.000697, q = 30·0.000697/3 = 0.00697); cells 9, 13: 7/5.01378 =
	//   1.396154 (p = 0.163); other inner cells −3/5.01378 = −0.598352.
	// So bins 10–12 are hot at α = 0.05, nothing is cold.
	// Mirror: 10 everywhere but 0 in cells 10–12 flips every sign, so 10–12 are cold.
	for _, mirror := range []bool{false, true} {
		cube := Cube{Cells: 30, Steps: 1, Values: make([]float64, 30)}
		for i := range cube.Values {
			high := i >= 10 && i <= 12
			if high != mirror {
				cube.Values[i] = 10
			}
		}
		h, err := SpaceTimeHotSpots(cube, chain(30), 1, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		sign := 1.0
		want := HotSpot
		if mirror {
			sign, want = -1, ColdSpot
		}
		if got := h.Z[11]; !near(got, sign*5.385165, 1e-6) {
			t.Errorf("mirror %v: z[11] got %.6f, want %.6f", mirror, got, sign*5.385165)
		}
		if got := h.Z[10]; !near(got, sign*3.390659, 1e-6) {
			t.Errorf("mirror %v: z[10] got %.6f, want %.6f", mirror, got, sign*3.390659)
		}
		if !near(h.Q[10], 30*h.P[10]/3, 1e-12) {
			t.Errorf("mirror %v: q[10] got %v, want 10·p = %v", mirror, h.Q[10], 10*h.P[10])
		}
		for i, s := range h.Spots {
			w := NotSignificant
			if i >= 10 && i <= 12 {
				w = want
			}
			if s != w {
				t.Errorf("mirror %v: cell %d got %v, want %v (z %.3f q %.4f)", mirror, i, s, w, h.Z[i], h.Q[i])
			}
		}
	}
}

func TestGiStarMatchesDirectSum(t *testing.T) {
	// The windowed sums must equal the direct formula on a random cube with N = 2.
	seed := uint64(20240611)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	cube := Cube{Cells: 30, Steps: 9, Values: make([]float64, 270)}
	for i := range cube.Values {
		cube.Values[i] = float64(rng.IntN(5))
	}
	nb := chain(30)
	z, _, err := GiStar(cube, nb, 2)
	if err != nil {
		t.Fatal(err)
	}
	n := 270.0
	var sum1, sum2 float64
	for _, v := range cube.Values {
		sum1 += v
		sum2 += v * v
	}
	mean := sum1 / n
	sd := math.Sqrt(sum2/n - mean*mean) // METHODS.md §3's one-pass form
	for c := 0; c < cube.Cells; c++ {
		for s := 0; s < cube.Steps; s++ {
			var sum, w float64
			for _, j := range nb[c] {
				for u := max(0, s-2); u <= s; u++ {
					sum += cube.Values[cube.Bin(j, u)]
					w++
				}
			}
			want := (sum - mean*w) / (sd * math.Sqrt((n*w-w*w)/(n-1)))
			if got := z[cube.Bin(c, s)]; !near(got, want, 1e-9) {
				t.Fatalf("bin (%d, %d): got %v, want %v", c, s, got, want)
			}
		}
	}
}

func TestGiStarInvalid(t *testing.T) {
	cases := []struct {
		name string
		cube Cube
		nb   [][]int
		n    int
	}{
		{"values length", Cube{Cells: 2, Steps: 2, Values: make([]float64, 3)}, [][]int{{0}, {1}}, 1},
		{"no self", Cube{Cells: 2, Steps: 1, Values: make([]float64, 2)}, [][]int{{1}, {1}}, 1},
		{"out of range", Cube{Cells: 2, Steps: 1, Values: make([]float64, 2)}, [][]int{{0, 2}, {1}}, 1},
		{"lists", Cube{Cells: 2, Steps: 1, Values: make([]float64, 2)}, [][]int{{0}}, 1},
		{"negative N", Cube{Cells: 2, Steps: 1, Values: make([]float64, 2)}, [][]int{{0}, {1}}, -1},
	}
	for _, c := range cases {
		if _, _, err := GiStar(c.cube, c.nb, c.n); err == nil {
			t.Errorf("%s: got no error", c.name)
		}
	}
	// A constant cube has no variance: every bin z = 0, p = 1.
	z, p, err := GiStar(Cube{Cells: 7, Steps: 1, Values: []float64{.1, .1, .1, .1, .1, .1, .1}}, hexagon, 1)
	if err != nil || z[1] != 0 || p[1] != 1 {
		t.Errorf("constant cube: got z %v p %v err %v, want 0 1 nil", z[1], p[1], err)
	}
}

// hexGrid is a rows × cols patch of hexagons in axial coordinates with 1-ring neighbour
// lists (self first), as h3's GridDisk(cell, 1) gives inside the study area.
func hexGrid(rows, cols int) [][]int {
	dirs := [][2]int{{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, -1}, {-1, 1}}
	nb := make([][]int, rows*cols)
	for r := 0; r < rows; r++ {
		for q := 0; q < cols; q++ {
			for _, d := range dirs {
				rr, qq := r+d[0], q+d[1]
				if rr >= 0 && rr < rows && qq >= 0 && qq < cols {
					nb[r*cols+q] = append(nb[r*cols+q], rr*cols+qq)
				}
			}
		}
	}
	return nb
}

func benchCube(cells, steps int) Cube {
	rng := rand.New(rand.NewPCG(1, 2))
	cube := Cube{Cells: cells, Steps: steps, Values: make([]float64, cells*steps)}
	for i := range cube.Values {
		if rng.IntN(10) == 0 { // sparse counts, as sightings per cell-week are
			cube.Values[i] = float64(1 + rng.IntN(20))
		}
	}
	return cube
}

// BenchmarkGiStar: 5,000 cells × 52 weekly steps, k = 1 (7-cell rings), N = 1.
func BenchmarkGiStar(b *testing.B) {
	cube, nb := benchCube(5000, 52), hexGrid(50, 100)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := GiStar(cube, nb, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEmergingHotSpots: the whole per-run cost on the same cube: Gi*, BH over
// 260,000 bins, Mann–Kendall per cell and the categories.
func BenchmarkEmergingHotSpots(b *testing.B) {
	cube, nb := benchCube(5000, 52), hexGrid(50, 100)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := EmergingHotSpots(cube, nb, 1, 0.05); err != nil {
			b.Fatal(err)
		}
	}
}
