package analytics

import (
	"math"
	"math/rand/v2"
)

// patefield draws random r × c tables with fixed row and column sums, uniformly under the
// multiple hypergeometric distribution of independence given the margins: Patefield's
// algorithm (AS 159, Applied Statistics 30(1), 1981), as R's chisq.test and fisher.test use
// (rcont2). Each cell, row by row and column by column, is drawn from its conditional
// hypergeometric distribution given the cells before it, by inversion starting from the mode
// and moving outwards; the last column and the last row are fixed by the margins.
type patefield struct {
	rows, cols []int
	total      int
	logFact    []float64 // logFact[k] = ln k!
	colLeft    []int     // work space: column totals not yet placed
}

func newPatefield(rows, cols []int) *patefield {
	total := 0
	for _, r := range rows {
		total += r
	}
	lf := make([]float64, total+1)
	for k := 2; k <= total; k++ {
		lf[k] = lf[k-1] + math.Log(float64(k))
	}
	return &patefield{rows: rows, cols: cols, total: total, logFact: lf, colLeft: make([]int, len(cols))}
}

// sample fills table (row-major, len(rows)·len(cols)) with one random table.
func (p *patefield) sample(rng *rand.Rand, table []int) {
	r, c := len(p.rows), len(p.cols)
	copy(p.colLeft, p.cols)
	rowsLeft := p.total // Σ of the rows not yet filled
	for i := 0; i < r-1; i++ {
		left := p.rows[i] // units of row i still to place
		pool := rowsLeft  // units of rows i.. in columns j..
		rowsLeft -= p.rows[i]
		for j := 0; j < c-1; j++ {
			colJ := p.colLeft[j]
			x := p.hypergeometric(rng.Float64(), left, colJ, pool)
			table[i*c+j] = x
			pool -= colJ
			left -= x
			p.colLeft[j] -= x
		}
		table[i*c+c-1] = left
		p.colLeft[c-1] -= left
	}
	for j := 0; j < c; j++ {
		table[(r-1)*c+j] = p.colLeft[j]
	}
}

// hypergeometric returns the k with cumulative probability first reaching u, the outcomes
// ordered mode, mode+1, mode−1, mode+2, … : X = successes among `draws` taken without
// replacement from `pool` items of which `succ` are successes.
func (p *patefield) hypergeometric(u float64, draws, succ, pool int) int {
	lo, hi := max(0, draws+succ-pool), min(draws, succ)
	if lo >= hi {
		return lo
	}
	mode := min(hi, max(lo, int(float64(draws+1)*float64(succ+1)/float64(pool+2))))
	lf := p.logFact
	pm := math.Exp(lf[succ] - lf[mode] - lf[succ-mode] +
		lf[pool-succ] - lf[draws-mode] - lf[pool-succ-draws+mode] -
		(lf[pool] - lf[draws] - lf[pool-draws]))
	sum := pm
	if u <= sum {
		return mode
	}
	up, down, pu, pd := mode, mode, pm, pm
	for up < hi || down > lo {
		if up < hi { // P(k+1)/P(k) = (K−k)(n−k) / ((k+1)(N−K−n+k+1))
			pu *= float64(succ-up) * float64(draws-up) / (float64(up+1) * float64(pool-succ-draws+up+1))
			up++
			if sum += pu; u <= sum {
				return up
			}
		}
		if down > lo { // P(k−1)/P(k) = k(N−K−n+k) / ((K−k+1)(n−k+1))
			pd *= float64(down) * float64(pool-succ-draws+down) / (float64(succ-down+1) * float64(draws-down+1))
			down--
			if sum += pd; u <= sum {
				return down
			}
		}
	}
	return mode // u beyond the rounded total mass (≈1e−15): the most likely value
}
