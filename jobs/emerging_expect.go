package jobs

import "routewatch/analytics"

// Emerging routes against expectation (docs/METHODS-EXPECTATION.md, "Emerging routes"): each
// unit's monthly series, from the first month of data to the recent window, is fitted with
// the expectation model (season and trend); its forecast of the recent window is what the
// recent count is tested against. The dispersion is shared by the units of a level and
// backtested, as in the hot spot job.
const (
	// minExpectMonths is the fewest months of history the model is fitted on: a seasonal cycle.
	minExpectMonths = 12
	// minSurgeExcess is how many sightings more than expected a surge needs, besides its
	// ratio: as many as make a route with no baseline new.
	minSurgeExcess = minNewCount
)

// recentExpectation is, per unit of one level, the recent window's expected count and its
// variance, with the level's dispersion.
type recentExpectation struct {
	expected, variance []float64
	analytics.Dispersion
}

// expectRecent fits the expectation model to every unit's series of tally t; ok is false
// when the data before the recent window span less than minExpectMonths.
func expectRecent(t tally, w windows) (recentExpectation, bool, error) {
	first := firstFullBucket(w) // months before the data are no history: a zero there is not a count
	steps := seriesMonths - first
	if steps-recentMonths < minExpectMonths {
		return recentExpectation{}, false, nil
	}
	cube := analytics.Cube{Cells: len(t.series), Steps: steps, Values: make([]float64, 0, len(t.series)*steps)}
	for _, s := range t.series {
		cube.Values = append(cube.Values, s[first:]...)
	}
	exp, err := analytics.ExpectCube(cube, stepTimes(w.bounds[first:]), steps-recentMonths)
	if err != nil {
		return recentExpectation{}, false, err
	}
	r := recentExpectation{expected: make([]float64, cube.Cells), variance: make([]float64, cube.Cells), Dispersion: exp.Dispersion}
	for c := range cube.Cells {
		for _, m := range exp.Mu[c*steps+steps-recentMonths : (c+1)*steps] {
			r.expected[c] += m
			r.variance[c] += exp.Variance(m)
		}
		r.variance[c] += exp.Estimation[c] // the forecast's own uncertainty
	}
	return r, true, nil
}

// recentTest is one unit's recent count against its expectation.
type recentTest struct {
	observed, expected, variance float64
	analytics.Dispersion
}

func (x recentTest) score() analytics.Score {
	return x.Score(x.observed, x.expected, x.variance)
}

// without is the test of the unit's other channels, when one channel held share of its
// baseline and reported b of its recent sightings: their expectation is the rest of the
// baseline's share of the unit's (the model is fitted on the whole unit).
func (x recentTest) without(share float64, b int64) recentTest {
	e := x.expected * (1 - share)
	quad := x.variance - x.Phi*x.expected // the InvTheta·μ² part scales with the square
	return recentTest{observed: x.observed - float64(b), expected: e,
		variance: x.Phi*e + quad*(1-share)*(1-share), Dispersion: x.Dispersion}
}
