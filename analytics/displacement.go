package analytics

import (
	"fmt"

	"gonum.org/v1/gonum/stat"
)

// Displacement is the check of one pair of units for displacement (METHODS.md §8): one
// falls significantly while the other rises significantly over the same window vs
// baseline, and their monthly series correlate negatively.
type Displacement struct {
	Displaced        bool    // Opposed and Correlation < 0
	Opposed          bool    // one unit fell significantly and the other rose significantly
	Falling, Rising  int     // when Opposed: 0 for the first unit given, 1 for the second; else −1
	RateRatioFalling float64 // when Opposed: window rate / baseline rate of the falling unit
	RateRatioRising  float64
	QFalling         float64 // when Opposed: BH q-value of the falling unit's decrease
	QRising          float64 // when Opposed: BH q-value of the rising unit's increase
	Correlation      float64 // Pearson correlation of the two monthly series; NaN when one is flat
}

// CheckDisplacement decides whether a and b, two units' comparisons from ComparePeriods
// (A = baseline, B = window; their q-values are BH across every unit of the run), show
// displacement: one has QDown < alpha, the other QUp < alpha, and the Pearson correlation
// of seriesA and seriesB (monthly counts over the same months, e.g. the last 24) is
// negative. alpha 0 means 0.05. The series must have equal lengths of at least 3.
func CheckDisplacement(a, b Change, seriesA, seriesB []float64, alpha float64) (Displacement, error) {
	if len(seriesA) != len(seriesB) || len(seriesA) < 3 {
		return Displacement{}, fmt.Errorf("analytics: series of %d and %d months, want equal and ≥ 3", len(seriesA), len(seriesB))
	}
	if alpha == 0 {
		alpha = 0.05
	}
	d := Displacement{Falling: -1, Rising: -1, Correlation: stat.Correlation(seriesA, seriesB, nil)}
	pair := [2]Change{a, b}
	for fall := range 2 {
		rise := 1 - fall
		if pair[fall].QDown < alpha && pair[rise].QUp < alpha {
			d.Opposed, d.Falling, d.Rising = true, fall, rise
			d.RateRatioFalling, d.RateRatioRising = pair[fall].RateRatio, pair[rise].RateRatio
			d.QFalling, d.QRising = pair[fall].QDown, pair[rise].QUp
		}
	}
	d.Displaced = d.Opposed && d.Correlation < 0 // a NaN correlation is not negative
	return d, nil
}

// CheckDisplacementCounts is CheckDisplacement for a pair tested on its own: the two units'
// counts (A = baseline of tA days, B = window of tB days) go through ComparePeriods, so the
// q-values are BH across the pair only. Prefer CheckDisplacement with the run's q-values
// when the pair was picked out of many units.
func CheckDisplacementCounts(a, b Counts, tA, tB float64, seriesA, seriesB []float64, alpha float64) (Displacement, error) {
	ch := ComparePeriods([]Counts{a, b}, tA, tB, CompareParams{Alpha: alpha})
	return CheckDisplacement(ch[0], ch[1], seriesA, seriesB, alpha)
}
