package analytics

import (
	"cmp"
	"math"
	"slices"
)

// BenjaminiHochberg returns the BH-adjusted q-value of each p-value, in input order:
// with p sorted ascending, q(i) = min over k >= i of m·p(k)/k, capped at 1 (METHODS.md §1).
// NaN p-values (untested units) keep NaN and do not count in m.
func BenjaminiHochberg(p []float64) []float64 {
	q, idx := byP(p)
	m := float64(len(idx))
	running := 1.0
	for k := len(idx) - 1; k >= 0; k-- {
		v := m * p[idx[k]] / float64(k+1)
		running = math.Min(running, v)
		q[idx[k]] = math.Min(1, running)
	}
	return q
}

// byP returns the q-values to fill (NaN where p is NaN: untested) and the tested indices
// sorted by p. Ties may come in any order: equal p-values end with equal q-values.
func byP(p []float64) ([]float64, []int) {
	q := make([]float64, len(p))
	idx := make([]int, 0, len(p))
	for i, v := range p {
		if math.IsNaN(v) {
			q[i] = math.NaN()
			continue
		}
		idx = append(idx, i)
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(p[a], p[b]) })
	return q, idx
}
