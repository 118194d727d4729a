package analytics

import "math"

// Counts are one unit's event counts in period A (baseline) and period B.
type Counts struct {
	A, B int64
}

// Change is the comparison of one unit between two periods (METHODS.md §2).
type Change struct {
	RateTest
	QUp, QDown float64 // BH q-values of PUp and PDown across the compared units
	Status     Status
}

// CompareParams are the thresholds of a comparison.
type CompareParams struct {
	Alpha    float64 // significance level for q-values; default 0.05
	MinCount int64   // smallest count that makes a unit new or vanished; default 3
}

func (p CompareParams) withDefaults() CompareParams {
	if p.Alpha == 0 {
		p.Alpha = 0.05
	}
	if p.MinCount == 0 {
		p.MinCount = 3
	}
	return p
}

// ComparePeriods tests every unit's change from A (tA days) to B (tB days): the exact
// two-rate test per unit, Benjamini–Hochberg across units for each direction, then the
// status. Results are in input order.
func ComparePeriods(units []Counts, tA, tB float64, params CompareParams) []Change {
	params = params.withDefaults()
	out := make([]Change, len(units))
	up := make([]float64, len(units))
	down := make([]float64, len(units))
	for i, u := range units {
		out[i].RateTest = CompareRates(u.A, u.B, tA, tB)
		up[i], down[i] = out[i].PUp, out[i].PDown
		if u.A == 0 && u.B == 0 {
			up[i], down[i] = math.NaN(), math.NaN()
		}
	}
	qUp, qDown := BenjaminiHochberg(up), BenjaminiHochberg(down)
	for i, u := range units {
		out[i].QUp, out[i].QDown = qUp[i], qDown[i]
		out[i].Status = ClassifyChange(u.A, u.B, qUp[i], qDown[i], params.Alpha, params.MinCount)
	}
	return out
}
