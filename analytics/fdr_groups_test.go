package analytics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// line is the neighbourhood of a line of cells: each cell and the cells either side.
func line(cells int) [][]int {
	nb := make([][]int, cells)
	for c := range nb {
		for d := max(0, c-1); d <= min(cells-1, c+1); d++ {
			nb[c] = append(nb[c], d)
		}
	}
	return nb
}

// With one step and no two discoveries adjacent, every group is one bin: GroupFDR is BH.
func TestGroupFDRIsBHForSingleBins(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	const cells = 400
	p, z, shown := make([]float64, cells), make([]float64, cells), make([]bool, cells)
	for c := range p {
		p[c], z[c] = 0.5+0.5*rng.Float64(), 1 // above every discovery: never in its rank
		if c%2 == 0 {                         // every other cell: no two discoveries touch
			p[c], shown[c] = 1e-3*rng.Float64(), true
		}
	}
	p[1] = math.NaN()
	got := GroupFDR(p, z, shown, line(cells), 1)
	bh := BenjaminiHochberg(p)
	for c := range p {
		if c == 1 {
			if !math.IsNaN(got[c]) {
				t.Fatalf("untested cell: q %v, want NaN", got[c])
			}
			continue
		}
		if shown[c] && math.Abs(got[c]-bh[c]) > 1e-12 {
			t.Fatalf("cell %d: q %v, BH %v", c, got[c], bh[c])
		}
	}
}

// A patch of many strong bins is one finding: it must not make room for isolated weak ones,
// which BH on bins lets through.
func TestGroupFDRCountsAPatchOnce(t *testing.T) {
	const cells, steps = 1000, 10
	n := cells * steps
	p, z, shown := make([]float64, n), make([]float64, n), make([]bool, n)
	rng := rand.New(rand.NewPCG(5, 2))
	for i := range p {
		p[i], z[i], shown[i] = rng.Float64(), 1, true
	}
	for c := 100; c < 160; c++ { // the event: 60 adjacent cells over the last 5 steps
		for t := 5; t < steps; t++ {
			p[c*steps+t] = 1e-9
		}
	}
	lonely := []int{400*steps + 9, 700*steps + 9, 900*steps + 3}
	for _, i := range lonely {
		p[i] = 2e-5
	}
	bh := BenjaminiHochberg(p)
	q := GroupFDR(p, z, shown, line(cells), steps)
	for _, i := range lonely {
		if bh[i] >= 0.05 || q[i] < 0.05 {
			t.Fatalf("isolated bin %d: BH q %.4f (want < 0.05), group q %.4f (want ≥ 0.05)", i, bh[i], q[i])
		}
	}
	if e := 130*steps + 7; q[e] >= 0.05 {
		t.Fatalf("event bin: group q %.4f", q[e])
	}
	// Opposite signs never join: the same patch of cold bins is a second group.
	for c := 130; c < 160; c++ {
		for t := 5; t < steps; t++ {
			z[c*steps+t] = -1
		}
	}
	if q2 := GroupFDR(p, z, shown, line(cells), steps); q2[lonely[0]] >= q[lonely[0]] {
		t.Fatalf("two groups should lower the isolated bin's q: %.4f, one group %.4f", q2[lonely[0]], q[lonely[0]])
	}
}
