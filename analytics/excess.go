package analytics

import (
	"fmt"
	"math"
)

// Effect is the smallest change a space-time bin must show in its cell's own counts to be a
// hot or cold spot, besides its significance: over the bin's time window (the step and the
// neighbourhood's previous steps) the cell holds at least Ratio times its expected count and
// at least Excess sightings more (a cold spot: at most 1/Ratio of it and Excess fewer).
// Significance grows with volume; an effect does not, so with more data noise stays noise.
type Effect struct {
	Ratio, Excess float64
}

// HotSpotEffect is the hot spot job's minimum effect: half as much again as expected, and
// five sightings more.
var HotSpotEffect = Effect{Ratio: 1.5, Excess: 5}

// Expectation is the expected count of every bin of a cube (in cube order) and the shared
// dispersion around it.
type Expectation struct {
	Mu []float64
	// Estimation is, per cell, the variance of its estimated Σμ over the steps after the
	// fit (the forecast): the delta method on the fit's information, scaled by the
	// dispersion (Phi + InvTheta·μ̄, μ̄ the cell's mean fitted μ). A forecast from a short or
	// erratic history is uncertain beyond the counts' own noise.
	Estimation []float64
	Dispersion

	fit   int              // the steps fitted; the rest are forecasts
	rows  [][4]float64     // the model's design row of every step (the same for every cell)
	info  []*[4][4]float64 // per cell, the fit's information (nil: known exactly)
	scale []float64        // per cell, Phi + InvTheta·μ̄: the information's dispersion
}

// windowEstimation is, per bin (c, t), the variance of the estimated Σμ over the forecast
// steps of the bin's time window (the step and timeSteps before it, from fit on): what the
// forecast's own uncertainty adds to the variance of the window's count (zero in the fitted
// steps, whose residuals the dispersion already describes).
func (e Expectation) windowEstimation(cells, timeSteps int) []float64 {
	T := len(e.rows)
	out := make([]float64, cells*T)
	if len(e.info) != cells {
		return out
	}
	for c := range cells {
		if e.info[c] == nil {
			continue
		}
		for t := e.fit; t < T; t++ {
			var g [4]float64
			for s := max(e.fit, t-timeSteps); s <= t; s++ {
				for i := range 4 {
					g[i] += e.Mu[c*T+s] * e.rows[s][i]
				}
			}
			if x, ok := solve4(*e.info[c], g); ok {
				out[c*T+t] = e.scale[c] * dot4(g, x)
			}
		}
	}
	return out
}

// ExpectCube fits the expectation model (FitExpectation) to every cell's first fit steps
// and estimates the dispersion of its forecasts (EstimateDispersion) by backtesting the same
// model on each cell's own history: fitted on the first fit − h steps, it forecasts the h
// steps after them (h = the steps after fit, the horizon the test uses), and the pooled
// forecast errors give Phi and InvTheta. In-sample residuals would understate them (the
// fit absorbs part of the noise, and a season or trend that changes is only seen forward).
// With fewer than minBacktest steps before the hold-out, the in-sample residuals are used,
// inflated by fit/(fit − 4). at holds the time of each step.
func ExpectCube(counts Cube, at []StepTime, fit int) (Expectation, error) {
	if len(at) != counts.Steps {
		return Expectation{}, fmt.Errorf("analytics: %d step times for a cube of %d steps", len(at), counts.Steps)
	}
	T := counts.Steps
	h := max(1, T-fit)
	backtest := fit-h >= minBacktest
	e := Expectation{Mu: make([]float64, len(counts.Values)), Estimation: make([]float64, counts.Cells),
		fit: fit, info: make([]*[4][4]float64, counts.Cells), scale: make([]float64, counts.Cells)}
	meanMu := make([]float64, counts.Cells)
	var ys, mus []float64
	for c := range counts.Cells {
		y := counts.Values[c*T : (c+1)*T]
		f, err := fitExpectation(y, at, fit)
		if err != nil {
			return Expectation{}, err
		}
		mu := f.mu
		copy(e.Mu[c*T:], mu)
		e.rows, e.info[c] = f.rows, f.info
		e.Estimation[c] = f.forecastVariance(fit)
		for _, m := range mu[:fit] {
			meanMu[c] += m / float64(fit)
		}
		if !backtest {
			ys, mus = append(ys, y[:fit]...), append(mus, mu[:fit]...)
			continue
		}
		old, err := FitExpectation(y[:fit], at[:fit], fit-h)
		if err != nil {
			return Expectation{}, err
		}
		ys, mus = append(ys, y[fit-h:fit]...), append(mus, old[fit-h:fit]...)
	}
	inflate := 1.0
	if !backtest {
		inflate = float64(fit) / math.Max(1, float64(fit-4))
	}
	e.Dispersion = EstimateDispersion(ys, mus, inflate)
	for c := range e.Estimation {
		e.scale[c] = e.Phi + e.InvTheta*meanMu[c]
		e.Estimation[c] *= e.scale[c]
	}
	return e, nil
}

// minBacktest is the fewest steps a backtest fits on: a year, so that it sees a season.
const minBacktest = 12

// ExcessHotSpots is the emerging hot spot analysis of a count cube against its expectation.
// Each bin (c, t) is tested in two zones over the same time window (the step and timeSteps
// previous ones): the cell alone, and Gi*'s neighbourhood (the cells of neighbors[c]). In a
// zone, with O and E the observed and expected sums and V = Σ(φμ + μ²/θ) the variance of O,
// the score is Tail(O, E, V, φ): the quantile residual of O/φ clusters under the negative
// binomial of mean E/φ and variance V/φ² ((O − E)/√V for large E, the exact tail for small
// E). The bin keeps
// the zone with the smaller two-sided p-value, doubled (Bonferroni over the two zones): a
// new gathering place next to a busy crossing is found in its own cell, a rise spread thin
// over a k-ring in the ring. Then BH across all bins; a bin is hot (cold) when z > 0 (< 0),
// q < alpha and its cell itself shows eff over the window; EmergingPattern per cell. The
// returned HotSpots hold, per bin, the cell's observed and expected counts over the window.
func ExcessHotSpots(counts Cube, exp Expectation, neighbors [][]int, timeSteps int, alpha float64, eff Effect) ([]Pattern, HotSpots, error) {
	if len(exp.Mu) != len(counts.Values) {
		return nil, HotSpots{}, fmt.Errorf("analytics: %d expectations for %d bins", len(exp.Mu), len(counts.Values))
	}
	if err := counts.validate(neighbors, timeSteps); err != nil {
		return nil, HotSpots{}, err
	}
	if alpha == 0 {
		alpha = 0.05
	}
	like := func(v []float64) Cube { return Cube{Cells: counts.Cells, Steps: counts.Steps, Values: v} }
	variance := make([]float64, len(exp.Mu))
	for i, m := range exp.Mu {
		variance[i] = exp.Phi*m + m*m*exp.InvTheta
	}
	h := HotSpots{Observed: windowSums(counts, timeSteps), Expected: windowSums(like(exp.Mu), timeSteps)}
	vw := windowSums(like(variance), timeSteps)
	for i, v := range exp.windowEstimation(counts.Cells, timeSteps) {
		vw[i] += v // independent fits: the ring's estimation variances add up too
	}
	zone := func(o, e, v float64) (z, p float64) {
		z = Tail(o, e, v, exp.Phi)
		return z, twoSidedNormalP(z)
	}
	T, n := counts.Steps, len(counts.Values)
	h.Z, h.P, h.Spots = make([]float64, n), make([]float64, n), make([]Spot, n)
	for c := range counts.Cells {
		for t := range T {
			i := c*T + t
			var o, e, v float64
			for _, j := range neighbors[c] {
				o, e, v = o+h.Observed[j*T+t], e+h.Expected[j*T+t], v+vw[j*T+t]
			}
			z, p := zone(h.Observed[i], h.Expected[i], vw[i])
			if zr, pr := zone(o, e, v); pr < p {
				z, p = zr, pr
			}
			h.Z[i], h.P[i] = z, math.Min(1, 2*p)
		}
	}
	shown := make([]bool, n)
	for i, z := range h.Z {
		s := ColdSpot
		if z > 0 {
			s = HotSpot
		}
		shown[i] = z != 0 && eff.shown(s, h.Observed[i], h.Expected[i])
	}
	h.Q = GroupFDR(h.P, h.Z, shown, neighbors, T)
	for i := range h.Z {
		if h.Spots[i] = classifyBin(h.Z[i], h.Q[i], alpha); !shown[i] {
			h.Spots[i] = NotSignificant
		}
	}
	return patterns(h, counts.Cells, T, alpha), h, nil
}

// shown says whether a bin classed s shows the effect: observed o against expected e.
func (eff Effect) shown(s Spot, o, e float64) bool {
	switch s {
	case HotSpot:
		return o >= eff.Ratio*e && o-e >= eff.Excess
	case ColdSpot:
		return o*eff.Ratio <= e && e-o >= eff.Excess
	}
	return true
}

// windowSums is, per bin (c, t), Σ_{t'=max(0,t−N)}^{t} x(c, t'): a cell's own part of the
// space-time neighbourhood.
func windowSums(cube Cube, timeSteps int) []float64 {
	T := cube.Steps
	out := make([]float64, len(cube.Values))
	for c := range cube.Cells {
		row, w := cube.Values[c*T:(c+1)*T], out[c*T:(c+1)*T]
		var run float64
		for t := range row {
			run += row[t]
			if t > timeSteps {
				run -= row[t-timeSteps-1]
			}
			w[t] = run
		}
	}
	return out
}
