package analytics

import "math"

// GroupFDR is the false discovery rate of a space-time cube's findings counted as groups:
// an analyst sees connected patches of hot (or cold) bins, not bins, and one false patch is
// one false alarm however many bins it holds. BH on bins controls the share of false bins,
// which lets false findings grow with the true ones: at high volume an event lights up
// hundreds of bins in a few patches, and 5% of those bins is room for dozens of isolated
// false ones, each a finding of its own.
//
// With the bins' p-values sorted, at threshold t = p(k) every false group holds at least one
// null bin with p ≤ t, so the expected number of false groups is at most m·t (m tests); with
// G(t) the groups the discoveries at t form, m·t/G(t) bounds the groups' FDR (the estimate of
// Perone Pacifico et al. 2004 and of topological FDR, with π₀ = 1). The q-value of the bin at
// rank k is the smallest such bound at any threshold at or above its p-value, capped at 1:
// q(k) = min over j ≥ k of m·p(j)/G(p(j)), which is BH when every group is one bin.
//
// Discoveries are the bins where shown is true (the effect a finding needs); a bin joins the
// groups of its discovered neighbours of the same sign of z: the same cell one step before
// or after, and the cells of neighbors[c] at the same step. Bins where shown is false get
// the q-value of their p-value but form no group. NaN p-values are untested: NaN, not in m.
func GroupFDR(p, z []float64, shown []bool, neighbors [][]int, steps int) []float64 {
	q, idx := byP(p)
	m := float64(len(idx))
	parent := make([]int, len(p))
	for i := range parent {
		parent[i] = -1 // not a discovery yet
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	groups := 0
	join := func(i, j int) {
		if parent[j] < 0 || (z[i] > 0) != (z[j] > 0) {
			return
		}
		if a, b := find(i), find(j); a != b {
			parent[a] = b
			groups--
		}
	}
	ratio := make([]float64, len(idx))
	for k, i := range idx {
		if shown[i] {
			parent[i], groups = i, groups+1
			c, t := i/steps, i%steps
			if t > 0 {
				join(i, i-1)
			}
			if t+1 < steps {
				join(i, i+1)
			}
			for _, d := range neighbors[c] {
				if d != c {
					join(i, d*steps+t)
				}
			}
		}
		ratio[k] = m * p[i] / float64(max(1, groups))
	}
	running := 1.0
	for k := len(idx) - 1; k >= 0; k-- {
		running = math.Min(running, ratio[k])
		q[idx[k]] = running
	}
	return q
}
