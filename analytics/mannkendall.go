package analytics

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// MannKendallTest is the Mann–Kendall trend test of one series (METHODS.md §4).
type MannKendallTest struct {
	S    float64 // Σ_{i<j} sgn(x_j − x_i)
	VarS float64 // variance of S under H0, corrected for ties
	Z    float64 // (S − 1)/√Var(S) when S > 0, (S + 1)/√Var(S) when S < 0, else 0
	P    float64 // two-sided p-value of Z from the standard normal
}

// MannKendall runs the Mann–Kendall trend test on x, in time order. Ties (equal values) are
// grouped exactly: Var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18. A series shorter
// than two values, or with every value tied, has S = 0, Z = 0 and P = 1.
func MannKendall(x []float64) MannKendallTest {
	n := len(x)
	var s float64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			switch d := x[j] - x[i]; {
			case d > 0:
				s++
			case d < 0:
				s--
			}
		}
	}
	nf := float64(n)
	v := nf * (nf - 1) * (2*nf + 5)
	sorted := append([]float64(nil), x...)
	sort.Float64s(sorted)
	for i := 0; i < n; {
		j := i + 1
		for j < n && sorted[j] == sorted[i] {
			j++
		}
		t := float64(j - i)
		v -= t * (t - 1) * (2*t + 5)
		i = j
	}
	v /= 18
	r := MannKendallTest{S: s, VarS: v, P: 1}
	if v <= 0 || s == 0 {
		return r
	}
	if s > 0 {
		r.Z = (s - 1) / math.Sqrt(v)
	} else {
		r.Z = (s + 1) / math.Sqrt(v)
	}
	r.P = twoSidedNormalP(r.Z)
	return r
}

// Trend is +1 for a significant upward trend (Z > 0 and P < alpha), −1 for a significant
// downward one, 0 otherwise.
func (m MannKendallTest) Trend(alpha float64) int {
	switch {
	case m.P < alpha && m.Z > 0:
		return 1
	case m.P < alpha && m.Z < 0:
		return -1
	}
	return 0
}

// twoSidedNormalP is 2·Φ(−|z|), computed in the tail so that tiny p-values keep precision.
func twoSidedNormalP(z float64) float64 {
	if math.IsNaN(z) {
		return math.NaN()
	}
	return math.Min(1, 2*distuv.UnitNormal.CDF(-math.Abs(z)))
}
