package analytics

import (
	"math"
	"slices"
	"testing"
)

func TestCompareCategoriesAgresti(t *testing.T) {
	// Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., §2.4: party
	// identification (Democrat, Independent, Republican) by gender. R's ?chisq.test example
	// on this table prints X-squared = 30.07, df = 2, p-value = 2.954e-07; Agresti gives
	// G² = 30.02 and adjusted (standardized) residuals for females 4.50, 0.70, −5.32.
	// Here A = males, B = females, so the residuals are the female ones.
	males := []int64{484, 239, 477}
	females := []int64{762, 327, 468}
	s, err := CompareCategories(males, females, ShiftParams{})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"X²", s.ChiSquare, 30.0701, 5e-5},
		{"G", s.G, 30.0167, 5e-5},
		{"p of X²", s.PChiSquare, 2.954e-07, 5e-11},
		{"p used", s.P, 2.954e-07, 5e-11},
		{"p of G: exp(−G/2) for df 2", s.PG, math.Exp(-s.G / 2), 1e-15},
		{"residual Democrat", s.Residuals[0], 4.50, 0.005},
		{"residual Independent", s.Residuals[1], 0.70, 0.005},
		{"residual Republican", s.Residuals[2], -5.32, 0.005},
		// Cramér's V = √(30.0701/2757) = 0.104436.
		{"Cramér's V", s.CramersV, 0.104436, 1e-6},
		// JSD of (484, 239, 477)/1200 and (762, 327, 468)/1557, by hand in bits: 0.0079706.
		{"JSD", s.JSD, 0.0079706, 1e-7},
	}
	for _, c := range checks {
		if !near(c.got, c.want, c.tol) {
			t.Errorf("%s: got %.7g, want %.7g", c.name, c.got, c.want)
		}
	}
	if s.DF != 2 || s.Method != PChiSquare || !math.IsNaN(s.PMonteCarlo) {
		t.Errorf("df/method: got %d %s %v, want 2 chi-square NaN", s.DF, s.Method, s.PMonteCarlo)
	}
	if !slices.Equal(s.Rose, []int{0}) || !slices.Equal(s.Fell, []int{2}) {
		t.Errorf("rose/fell: got %v %v, want [0] [2]", s.Rose, s.Fell)
	}
}

// exactX2P enumerates every r × 2 table with the margins of (a, b) and sums the
// multivariate hypergeometric probability of those whose X² reaches the observed one.
func exactX2P(a, b []int64, observed float64) float64 {
	r := len(a)
	rows := make([]int64, r)
	var cb, n int64
	for i := range a {
		rows[i] = a[i] + b[i]
		cb += b[i]
		n += rows[i]
	}
	ca := n - cb
	var total float64
	col := make([]int64, r)
	var walk func(i int, left int64, logp float64)
	walk = func(i int, left int64, logp float64) {
		if i == r {
			if left != 0 {
				return
			}
			var x2 float64
			for k := range col {
				eb := float64(rows[k]*cb) / float64(n)
				ea := float64(rows[k]*ca) / float64(n)
				x2 += sq(float64(col[k])-eb)/eb + sq(float64(rows[k]-col[k])-ea)/ea
			}
			if x2 >= observed*(1-1e-12) {
				total += math.Exp(logp - logChoose(n, cb))
			}
			return
		}
		for k := int64(0); k <= min(rows[i], left); k++ {
			col[i] = k
			walk(i+1, left-k, logp+logChoose(rows[i], k))
		}
	}
	walk(0, cb, 0)
	return total
}

func sq(x float64) float64 { return x * x }

func TestCompareCategoriesMonteCarlo(t *testing.T) {
	// Small counts (expected 1.6 < 5): the p used is Monte Carlo, and with B = 20000 it
	// must sit within 4 standard errors of the exact permutation p of X² (enumerated).
	a, b := []int64{3, 1, 0, 2}, []int64{0, 2, 5, 1}
	params := ShiftParams{Simulations: 20000, Seed: 7}
	s, err := CompareCategories(a, b, params)
	if err != nil {
		t.Fatal(err)
	}
	if s.Method != PMonteCarlo || s.P != s.PMonteCarlo || s.MinExpected >= 5 {
		t.Fatalf("got method %s p %v mc %v minE %v, want monte-carlo", s.Method, s.P, s.PMonteCarlo, s.MinExpected)
	}
	exact := exactX2P(a, b, s.ChiSquare)
	se := math.Sqrt(exact * (1 - exact) / 20000)
	t.Logf("seed %d: X² %.4f, Monte Carlo p %.5f, exact %.5f, asymptotic %.5f", params.Seed, s.ChiSquare, s.P, exact, s.PChiSquare)
	if math.Abs(s.P-exact) > 4*se+1.0/20001 {
		t.Errorf("Monte Carlo p %.5f, exact %.5f (se %.5f)", s.P, exact, se)
	}
	again, _ := CompareCategories(a, b, params)
	if again.P != s.P {
		t.Errorf("same seed: got %v then %v", s.P, again.P)
	}
	// B below 2000 is raised to 2000: p is a multiple of 1/2001.
	low, _ := CompareCategories(a, b, ShiftParams{Simulations: 10})
	if k := low.P * 2001; !near(k, math.Round(k), 1e-9) {
		t.Errorf("B = 10 requested: p %v is not k/2001", low.P)
	}
}

func TestCompareCategoriesEdges(t *testing.T) {
	// A category absent from both periods takes no part: same result as without it.
	with, _ := CompareCategories([]int64{484, 0, 239, 477}, []int64{762, 0, 327, 468}, ShiftParams{})
	if with.DF != 2 || !near(with.ChiSquare, 30.0701, 5e-5) || with.Residuals[1] != 0 {
		t.Errorf("empty category: got df %d X² %v residual %v", with.DF, with.ChiSquare, with.Residuals[1])
	}
	one, err := CompareCategories([]int64{5, 0}, []int64{9, 0}, ShiftParams{})
	if err != nil || one.P != 1 || one.ChiSquare != 0 || one.DF != 0 || one.JSD != 0 {
		t.Errorf("one category: got %+v, %v", one, err)
	}
	for name, ab := range map[string][2][]int64{
		"lengths":  {{1, 2}, {1}},
		"negative": {{1, -2}, {1, 1}},
		"empty B":  {{1, 2}, {0, 0}},
	} {
		if _, err := CompareCategories(ab[0], ab[1], ShiftParams{}); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}
