package analytics

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestPatefieldMargins(t *testing.T) {
	seed := uint64(42)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	cases := []struct{ rows, cols []int }{
		{[]int{5, 0, 7, 3, 9}, []int{10, 14}},
		{[]int{12, 30, 1}, []int{4, 0, 25, 14}},
		{[]int{1}, []int{1}},
		{[]int{100, 250}, []int{175, 175}},
	}
	for _, c := range cases {
		p := newPatefield(c.rows, c.cols)
		table := make([]int, len(c.rows)*len(c.cols))
		for range 5000 {
			p.sample(rng, table)
			for i, want := range c.rows {
				got := 0
				for j := range c.cols {
					if v := table[i*len(c.cols)+j]; v < 0 {
						t.Fatalf("%v×%v: negative cell %v", c.rows, c.cols, table)
					} else {
						got += v
					}
				}
				if got != want {
					t.Fatalf("%v×%v: row %d sums to %d, want %d (%v)", c.rows, c.cols, i, got, want, table)
				}
			}
			for j, want := range c.cols {
				got := 0
				for i := range c.rows {
					got += table[i*len(c.cols)+j]
				}
				if got != want {
					t.Fatalf("%v×%v: column %d sums to %d, want %d (%v)", c.rows, c.cols, j, got, want, table)
				}
			}
		}
	}
}

func TestPatefieldDistribution(t *testing.T) {
	// Margins (4, 4) × (4, 4): cell (0, 0) is hypergeometric, P(k) = C(4,k)C(4,4−k)/70 =
	// (1, 16, 36, 16, 1)/70. 70,000 draws: a χ² goodness of fit with 4 df below 18.47
	// (the 0.999 quantile) — fails by chance once in a thousand seeds, never for a biased
	// sampler of this size.
	seed := uint64(11)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 5))
	p := newPatefield([]int{4, 4}, []int{4, 4})
	table := make([]int, 4)
	var counts [5]float64
	const draws = 70000
	for range draws {
		p.sample(rng, table)
		counts[table[0]]++
	}
	want := [5]float64{1, 16, 36, 16, 1}
	var x2 float64
	for k := range counts {
		e := want[k] * draws / 70
		x2 += (counts[k] - e) * (counts[k] - e) / e
	}
	if x2 > 18.47 {
		t.Errorf("cell (0,0) frequencies %v, want ∝ %v (X² %.2f)", counts, want, x2)
	}
	// Means of a 3 × 3 table equal R_i C_j / N.
	rows, cols := []int{6, 9, 15}, []int{10, 12, 8}
	p = newPatefield(rows, cols)
	table = make([]int, 9)
	sum := make([]float64, 9)
	for range draws {
		p.sample(rng, table)
		for k, v := range table {
			sum[k] += float64(v)
		}
	}
	for i := range rows {
		for j := range cols {
			e := float64(rows[i]*cols[j]) / 30
			if got := sum[i*3+j] / draws; math.Abs(got-e) > 0.03 {
				t.Errorf("cell (%d,%d): mean %.3f, want %.3f", i, j, got, e)
			}
		}
	}
}
