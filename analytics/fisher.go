package analytics

import "math"

// FisherExact returns the two-sided p-value of Fisher's exact test of the 2 × 2 table
// [[a, b], [c, d]]: the total hypergeometric probability (margins fixed) of every table no
// more probable than the observed one, with R's relative tolerance of 1e−7 for ties.
// Counts must be non-negative.
func FisherExact(a, b, c, d int64) float64 {
	row1, col1, n := a+b, a+c, a+b+c+d
	lo, hi := max(0, row1+col1-n), min(row1, col1)
	if lo == hi {
		return 1
	}
	logP := func(k int64) float64 { // P(X = k), X ~ Hypergeometric(n, col1, row1)
		return logChoose(col1, k) + logChoose(n-col1, row1-k) - logChoose(n, row1)
	}
	observed := logP(a)
	limit := observed + math.Log1p(1e-7)
	var p float64
	for k := lo; k <= hi; k++ {
		if lk := logP(k); lk <= limit {
			p += math.Exp(lk)
		}
	}
	return math.Min(1, p)
}

func logChoose(n, k int64) float64 {
	return logFactorial(n) - logFactorial(k) - logFactorial(n-k)
}

func logFactorial(n int64) float64 {
	v, _ := math.Lgamma(float64(n) + 1)
	return v
}
