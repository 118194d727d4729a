package analytics

import "math"

// JensenShannon returns the Jensen–Shannon divergence in bits between the distributions
// proportional to p and q (counts or shares; each is normalised by its own sum):
// JSD = ½ KL(P ‖ M) + ½ KL(Q ‖ M), M = (P + Q)/2, so 0 ≤ JSD ≤ 1 (METHODS.md §6). It is
// 0 for proportional inputs and 1 for disjoint supports. It returns NaN when the lengths
// differ or either sum is not positive.
func JensenShannon(p, q []float64) float64 {
	if len(p) != len(q) {
		return math.NaN()
	}
	var sp, sq float64
	for i := range p {
		sp += p[i]
		sq += q[i]
	}
	if !(sp > 0 && sq > 0) {
		return math.NaN()
	}
	var d float64
	for i := range p {
		a, b := p[i]/sp, q[i]/sq
		m := (a + b) / 2
		if a > 0 {
			d += a * math.Log2(a/m)
		}
		if b > 0 {
			d += b * math.Log2(b/m)
		}
	}
	return math.Max(0, math.Min(1, d/2))
}
