package analytics

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// RateTest compares two Poisson counts over their exposures (METHODS.md §2): xA events in
// tA days (the baseline) and xB in tB days.
type RateTest struct {
	RateA, RateB float64 // events per day
	RateRatio    float64 // RateB / RateA; +Inf when xA = 0 < xB; NaN when both are 0
	Difference   float64 // RateB − RateA, per day
	PUp          float64 // one-sided p for an increase: P(X >= xB), X ~ Binomial(xA+xB, tB/(tA+tB))
	PDown        float64 // one-sided p for a decrease: P(X <= xB)
}

// CompareRates runs the exact conditional binomial test for two Poisson rates.
// Exposures must be positive.
func CompareRates(xA, xB int64, tA, tB float64) RateTest {
	r := RateTest{RateA: float64(xA) / tA, RateB: float64(xB) / tB}
	r.Difference = r.RateB - r.RateA
	switch {
	case xA == 0 && xB == 0:
		r.RateRatio = math.NaN()
	case xA == 0:
		r.RateRatio = math.Inf(1)
	default:
		r.RateRatio = r.RateB / r.RateA
	}
	n := xA + xB
	if n == 0 {
		r.PUp, r.PDown = 1, 1
		return r
	}
	b := distuv.Binomial{N: float64(n), P: tB / (tA + tB)}
	r.PUp = 1
	if xB > 0 {
		r.PUp = clamp01(1 - b.CDF(float64(xB-1)))
	}
	r.PDown = clamp01(b.CDF(float64(xB)))
	return r
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// Status names the change of a unit between two periods (METHODS.md §2).
type Status string

// Statuses.
const (
	StatusNew       Status = "new"
	StatusVanished  Status = "vanished"
	StatusUp        Status = "up"
	StatusDown      Status = "down"
	StatusUnchanged Status = "unchanged"
)

// ClassifyChange gives the status of a unit from its counts and the BH q-values of its
// one-sided tests: new when A is empty and B reaches minCount, vanished in the mirror case,
// up or down when the matching q is below alpha, unchanged otherwise.
func ClassifyChange(xA, xB int64, qUp, qDown, alpha float64, minCount int64) Status {
	switch {
	case xA == 0 && xB >= minCount:
		return StatusNew
	case xB == 0 && xA >= minCount:
		return StatusVanished
	case qUp < alpha:
		return StatusUp
	case qDown < alpha:
		return StatusDown
	}
	return StatusUnchanged
}
