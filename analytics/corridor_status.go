package analytics

import "math"

// Corridor statuses, as the corridor job stores them.
const (
	CorridorNew       = "new"
	CorridorGrowing   = "growing"
	CorridorStable    = "stable"
	CorridorDeclining = "declining"
)

// CorridorStatus compares a corridor's legs in this period (cur, days long) with the
// previous period (prev, prevDays long) by the exact two-rate test of CompareRates
// (METHODS.md §2): "new" when prev is 0 and cur reaches CompareParams' default MinCount (3);
// else "growing" or "declining" when the one-sided p for that direction is below alpha
// (0 means 0.05); else "stable". ratio is the rate ratio (cur/days) / (prev/prevDays), nil
// when prev is 0. Whole-month periods differ in days (a year after a leap year), hence
// both lengths.
//
// One corridor is one test, so alpha applies to its p-value as it is. To judge all the
// corridors of a run at a false discovery rate of alpha, use CorridorStatuses.
func CorridorStatus(cur, prev int64, prevDays, days, alpha float64) (status string, ratio *float64) {
	s, r := CorridorStatuses([]Counts{{A: prev, B: cur}}, prevDays, days, alpha)
	return s[0], r[0]
}

// CorridorStatuses is CorridorStatus for every corridor of a run (A the previous period's
// legs, B this period's) with Benjamini–Hochberg q-values in place of p-values, each
// direction across the corridors as in ComparePeriods; results are in input order. Period
// lengths that are not positive are taken as 1 day.
func CorridorStatuses(units []Counts, prevDays, days, alpha float64) (status []string, ratio []*float64) {
	p := CompareParams{Alpha: alpha}.withDefaults()
	if !(days > 0) {
		days = 1
	}
	if !(prevDays > 0) {
		prevDays = 1
	}
	tests := make([]RateTest, len(units))
	up, down := make([]float64, len(units)), make([]float64, len(units))
	for i, u := range units {
		tests[i] = CompareRates(u.A, u.B, prevDays, days)
		up[i], down[i] = tests[i].PUp, tests[i].PDown
		if u.A == 0 && u.B == 0 {
			up[i], down[i] = math.NaN(), math.NaN()
		}
	}
	qUp, qDown := BenjaminiHochberg(up), BenjaminiHochberg(down)
	status, ratio = make([]string, len(units)), make([]*float64, len(units))
	for i, u := range units {
		if r := tests[i].RateRatio; !math.IsNaN(r) && !math.IsInf(r, 0) {
			ratio[i] = &r
		}
		switch {
		case u.A == 0 && u.B >= p.MinCount:
			status[i] = CorridorNew
		case qUp[i] < p.Alpha:
			status[i] = CorridorGrowing
		case qDown[i] < p.Alpha:
			status[i] = CorridorDeclining
		default:
			status[i] = CorridorStable
		}
	}
	return status, ratio
}
