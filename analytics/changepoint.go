package analytics

import (
	"fmt"
	"math"
	"sort"
)

// ChangePointParams are the settings of binary segmentation (METHODS.md §7).
type ChangePointParams struct {
	MinSegment int     // fewest months on either side of a change; default 3
	Penalty    float64 // threshold for 2 × gain; 0 means BIC: (K − 1) ln N
}

// ChangePoint is one dated shift of a unit's monthly category mix.
type ChangePoint struct {
	Tau      int     // index (0-based) of the first month of the new segment
	From, To int     // range: the first and last τ whose 2 × gain is within Penalty of the best
	Gain     float64 // L(left) + L(right) − L(whole) at Tau; accepted because 2·Gain > Penalty
}

// ChangePoints dates shifts in monthly category counts by binary segmentation with the
// multinomial segment log-likelihood L(seg) = Σ_k n_k ln(n_k / N_seg) (METHODS.md §7).
// counts[t][k] is the count of category k in month t. In a segment [lo, hi) it takes the τ
// maximising L(lo..τ−1) + L(τ..hi−1) − L(lo..hi−1) over the τ that leave at least
// MinSegment months on each side (the earliest on ties), accepts it when 2 × gain exceeds
// the penalty, and recurses on both sides. The default penalty is (K − 1) ln N with N the
// series total and K the categories seen anywhere in it, fixed for the whole recursion.
// Change points come back sorted by Tau. It errs on ragged rows or negative counts.
func ChangePoints(counts [][]int64, params ChangePointParams) ([]ChangePoint, error) {
	if params.MinSegment <= 0 {
		params.MinSegment = 3
	}
	T := len(counts)
	if T == 0 {
		return nil, nil
	}
	K := len(counts[0])
	// prefix[t*K+k] = Σ_{s<t} counts[s][k]
	prefix := make([]float64, (T+1)*K)
	for t, row := range counts {
		if len(row) != K {
			return nil, fmt.Errorf("analytics: month %d has %d categories, want %d", t, len(row), K)
		}
		for k, v := range row {
			if v < 0 {
				return nil, fmt.Errorf("analytics: negative count in month %d", t)
			}
			prefix[(t+1)*K+k] = prefix[t*K+k] + float64(v)
		}
	}
	penalty := params.Penalty
	if penalty == 0 {
		var n float64
		seen := 0
		for k := 0; k < K; k++ {
			n += prefix[T*K+k]
			if prefix[T*K+k] > 0 {
				seen++
			}
		}
		if seen < 2 {
			return nil, nil // one category: the mix cannot shift
		}
		penalty = float64(seen-1) * math.Log(n)
	}
	seg := segmenter{prefix: prefix, K: K, minSeg: params.MinSegment, penalty: penalty}
	seg.split(0, T)
	sort.Slice(seg.found, func(i, j int) bool { return seg.found[i].Tau < seg.found[j].Tau })
	return seg.found, nil
}

type segmenter struct {
	prefix  []float64
	K       int
	minSeg  int
	penalty float64
	found   []ChangePoint
}

// loglik is L of months [lo, hi).
func (s *segmenter) loglik(lo, hi int) float64 {
	var n, l float64
	for k := 0; k < s.K; k++ {
		n += s.prefix[hi*s.K+k] - s.prefix[lo*s.K+k]
	}
	if n == 0 {
		return 0
	}
	for k := 0; k < s.K; k++ {
		if c := s.prefix[hi*s.K+k] - s.prefix[lo*s.K+k]; c > 0 {
			l += c * math.Log(c/n)
		}
	}
	return l
}

func (s *segmenter) split(lo, hi int) {
	first, last := lo+s.minSeg, hi-s.minSeg
	if first > last {
		return
	}
	whole := s.loglik(lo, hi)
	gains := make([]float64, last-first+1)
	best := first
	for tau := first; tau <= last; tau++ {
		gains[tau-first] = s.loglik(lo, tau) + s.loglik(tau, hi) - whole
		if gains[tau-first] > gains[best-first] {
			best = tau
		}
	}
	g := gains[best-first]
	if 2*g <= s.penalty {
		return
	}
	cp := ChangePoint{Tau: best, From: best, To: best, Gain: g}
	for tau := first; tau <= last; tau++ {
		if 2*gains[tau-first] >= 2*g-s.penalty {
			cp.From, cp.To = min(cp.From, tau), max(cp.To, tau)
		}
	}
	s.found = append(s.found, cp)
	s.split(lo, best)
	s.split(best, hi)
}
