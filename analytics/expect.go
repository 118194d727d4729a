package analytics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// The expectation model (docs/METHODS-EXPECTATION.md): a unit's count at step t is
// negative binomial with mean μ_t and a dispersion θ shared by the units of one analysis,
//
//	log μ_t = a + b·y_t + c·cos φ_t + d·sin φ_t,
//
// y_t the step's time in years from the middle of the fitted steps (the trend) and φ_t its
// phase in the year (one yearly harmonic: a season with one peak). The coefficients are
// fitted by penalised Poisson maximum likelihood (IRLS) on the unit's baseline steps, with a
// ridge of expectRidge on b, c and d, so that a sparse unit's trend and season shrink
// towards none, and half a sighting (expectPseudo) spread over the baseline, so that a unit
// with an empty history expects a little rather than nothing.
const (
	expectRidge  = 2.0
	expectPseudo = 0.5
	expectIter   = 30
	// minSeasonYears is the shortest history whose season is fitted: within part of a
	// cycle, a level that shifted passes for a season (and is forecast to shift back).
	// Shorter histories are fitted with the season's ridge at seasonOff, which holds it at 0.
	minSeasonYears = 1.0
	seasonOff      = 1e12
	// maxInvTheta bounds 1/θ (θ ≥ 0.1); minInvTheta keeps the NB away from its Poisson limit,
	// where the incomplete beta loses precision.
	maxInvTheta = 10.0
	minInvTheta = 1e-6
)

// StepTime is where a time step lies: its phase in the year (radians, 0 on 1 January) and
// its time in years from any fixed origin (only differences matter).
type StepTime struct {
	Phase, Years float64
}

// FitExpectation fits the model to y[:fit] and returns μ for every step of y (the fitted
// baseline and the forecast of the steps after it). at[t] is the time of step t; fit must be
// at least 1.
func FitExpectation(y []float64, at []StepTime, fit int) ([]float64, error) {
	f, err := fitExpectation(y, at, fit)
	return f.mu, err
}

// fitted is a fit of the expectation model: μ of every step, the design rows, and the
// penalised Poisson information at the fitted coefficients (nil for an empty history,
// whose fit is known exactly).
type fitted struct {
	mu   []float64
	rows [][4]float64
	info *[4][4]float64
}

// forecastVariance is the Poisson-scale variance of the estimated Σμ over steps from..end,
// by the delta method: gᵀ I⁻¹ g with g = Σ μ_t x_t.
func (f fitted) forecastVariance(from int) float64 {
	if f.info == nil {
		return 0
	}
	var g [4]float64
	for t := from; t < len(f.mu); t++ {
		for i := range 4 {
			g[i] += f.mu[t] * f.rows[t][i]
		}
	}
	x, ok := solve4(*f.info, g)
	if !ok {
		return 0
	}
	return dot4(g, x)
}

func fitExpectation(y []float64, at []StepTime, fit int) (fitted, error) {
	if len(at) != len(y) {
		return fitted{}, fmt.Errorf("analytics: %d step times for %d steps", len(at), len(y))
	}
	if fit < 1 || fit > len(y) {
		return fitted{}, fmt.Errorf("analytics: fit on %d of %d steps", fit, len(y))
	}
	var mid float64
	for t := range fit {
		mid += at[t].Years
	}
	mid /= float64(fit)
	rows := make([][4]float64, len(y))
	for t := range rows {
		years := at[t].Years
		if t >= fit { // a forecast holds the level reached at the last fitted step (the season goes on)
			years = at[fit-1].Years
		}
		rows[t] = [4]float64{1, years - mid, math.Cos(at[t].Phase), math.Sin(at[t].Phase)}
	}
	row := func(t int) [4]float64 { return rows[t] }
	ridge := [4]float64{0, expectRidge, expectRidge, expectRidge}
	if at[fit-1].Years-at[0].Years < minSeasonYears-1.0/12 {
		ridge[2], ridge[3] = seasonOff, seasonOff // a season needs a whole cycle
	}
	pseudo := expectPseudo / float64(fit)
	var sum float64
	for t := range fit {
		sum += y[t]
	}
	mu := make([]float64, len(y))
	if sum == 0 { // the optimum is known: the pseudo-count, flat (the ridge keeps b, c, d at 0)
		for t := range mu {
			mu[t] = pseudo
		}
		return fitted{mu: mu, rows: rows}, nil
	}
	beta := [4]float64{math.Log(sum/float64(fit) + pseudo)}
	var info [4][4]float64
	for range expectIter {
		// Newton step of the penalised log-likelihood: (XᵀWX + Λ) Δ = Xᵀ(y − μ) − Λβ.
		var h [4][4]float64
		var g [4]float64
		for t := range fit {
			x := row(t)
			mu := math.Exp(clampEta(dot4(x, beta)))
			r := y[t] + pseudo - mu
			for i := range 4 {
				g[i] += x[i] * r
				for j := range 4 {
					h[i][j] += x[i] * x[j] * mu
				}
			}
		}
		for i := 1; i < 4; i++ {
			g[i] -= ridge[i] * beta[i]
			h[i][i] += ridge[i]
		}
		info = h
		step, ok := solve4(h, g)
		if !ok {
			break
		}
		var moved float64
		for i := range 4 {
			beta[i] += step[i]
			moved = math.Max(moved, math.Abs(step[i]))
		}
		if moved < 1e-7 {
			break
		}
	}
	for t := range y {
		mu[t] = math.Exp(clampEta(dot4(row(t), beta)))
	}
	return fitted{mu: mu, rows: rows, info: &info}, nil
}

// clampEta keeps a linear predictor where exp neither overflows nor underflows to zero.
func clampEta(eta float64) float64 { return math.Max(-30, math.Min(30, eta)) }

func dot4(a, b [4]float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] + a[3]*b[3] }

// solve4 solves h·x = g by Gaussian elimination with partial pivoting.
func solve4(h [4][4]float64, g [4]float64) ([4]float64, bool) {
	for c := range 4 {
		p := c
		for r := c + 1; r < 4; r++ {
			if math.Abs(h[r][c]) > math.Abs(h[p][c]) {
				p = r
			}
		}
		if math.Abs(h[p][c]) < 1e-12 {
			return g, false
		}
		h[c], h[p] = h[p], h[c]
		g[c], g[p] = g[p], g[c]
		for r := c + 1; r < 4; r++ {
			f := h[r][c] / h[c][c]
			for k := c; k < 4; k++ {
				h[r][k] -= f * h[c][k]
			}
			g[r] -= f * g[c]
		}
	}
	var x [4]float64
	for r := 3; r >= 0; r-- {
		s := g[r]
		for k := r + 1; k < 4; k++ {
			s -= h[r][k] * x[k]
		}
		x[r] = s / h[r][r]
	}
	return x, true
}

// tailFrom is where Tail starts computing exact tails, in standard deviations.
const tailFrom = 1.5

// Dispersion is how far counts spread around their expectation, shared by the units of one
// analysis: Var(Y) = Phi·μ + InvTheta·μ². Phi ≥ 1 is the design effect of clustered reports
// (a group seen several times in one cell and month counts several sightings, so quiet
// cells jump by more than a Poisson count would); InvTheta = 1/θ is the negative binomial's
// extra spread of busy units, whose rate itself varies from month to month.
type Dispersion struct {
	Phi, InvTheta float64
}

// Expectation bins: Phi is read where the linear term dominates (expected counts between
// phiFrom and phiTo), InvTheta where the quadratic one does (expected at least thetaFrom).
const (
	phiFrom, phiTo = 0.5, 5.0
	thetaFrom      = 20.0
	maxPhi         = 50.0
)

// EstimateDispersion estimates Phi and InvTheta over fitted bins (y, μ), each squared
// residual r² scaled by inflate (n/(n − p) for fits of p coefficients on n steps, since
// fitted residuals are smaller than the errors), by the method of moments: InvTheta =
// Σ(r² − Phi·μ)/Σμ² over busy bins and Phi = Σ(r² − InvTheta·μ²)/Σμ over quiet ones,
// alternated, bounded to [1, maxPhi] and [minInvTheta, maxInvTheta]. Each pass winsorises
// r² at winsorZ² times the variance the previous pass gave the bin and divides it by the
// mean such a capped square has under the model (winsorMean, winsorMeanNB); the passes start
// from Phi 1, InvTheta minInvTheta and rise to the estimate, so no outlier leads. Otherwise the
// few bins where something happened (a route that opened, a channel that stopped) would
// lead the estimate, and a dispersion that large would hide exactly them; Farrington's
// outbreak detection down-weights large residuals for the same reason. Without bins of a
// kind its term keeps its bound (Phi 1, InvTheta minInvTheta).
func EstimateDispersion(y, mu []float64, inflate float64) Dispersion {
	d := Dispersion{Phi: 1, InvTheta: minInvTheta}
	prev := d
	for range 12 {
		var num, den, pnum, pden float64
		for i := range y {
			m := mu[i]
			r2 := (y[i] - m) * (y[i] - m) * inflate
			switch v := prev.Variance(m); {
			case m >= thetaFrom:
				r2 = math.Min(r2, winsorZ*winsorZ*v) / winsorMean
			case m >= phiFrom && m <= phiTo:
				r2 = math.Min(r2, winsorZ*winsorZ*v) / winsorMeanNB(m/prev.Phi, prev.InvTheta)
			}
			switch {
			case m >= thetaFrom:
				num += r2 - d.Phi*m
				den += m * m
			case m >= phiFrom && m <= phiTo:
				pnum += r2 - d.InvTheta*m*m
				pden += m
			}
		}
		if den > 0 {
			d.InvTheta = math.Max(minInvTheta, math.Min(maxInvTheta, num/den))
		}
		if pden > 0 {
			d.Phi = math.Max(1, math.Min(maxPhi, pnum/pden))
		}
		prev = d
	}
	return d
}

// winsorZ is where EstimateDispersion winsorises residuals, in standard deviations (the
// two-sided 1% point), and winsorMean the mean of a χ²₁ winsorised there, E[min(Z², c²)] =
// 1 − 2(cφ(c) − (c² − 1)(1 − Φ(c))): the factor for busy bins, whose counts are nearly normal.
const (
	winsorZ    = 2.5758293035489004
	winsorMean = 0.98186
)

// winsorMeanNB is winsorMean for a quiet bin, whose counts are far from normal: the mean of
// min(r²/Var, winsorZ²) when the bin's count is Phi times K, K negative binomial with mean
// lambda = μ/Phi and 1/θ = invTheta (so r²/Var = (K − λ)²/Var K), summed over K's pmf.
func winsorMeanNB(lambda, invTheta float64) float64 {
	theta := 1 / math.Max(invTheta, minInvTheta)
	q := lambda / (theta + lambda)
	variance := lambda + lambda*lambda/theta
	cap2 := winsorZ * winsorZ
	pmf := math.Exp(theta * math.Log1p(-q)) // P(K = 0) = (θ/(θ+λ))^θ
	var sum, mass float64
	for k := 0.0; mass < 1-1e-12 && k < 10000; k++ {
		sum += pmf * math.Min((k-lambda)*(k-lambda)/variance, cap2)
		mass += pmf
		pmf *= (k + theta) / (k + 1) * q
	}
	return sum + (1-mass)*cap2
}

// Tail is the normal score of an observed count o against an expectation e with variance v
// and design effect phi: the quantile residual (QuantileResidual) of o/phi under the
// negative binomial of mean e/phi and variance v/phi², the counts of independent clusters.
// Within tailFrom standard deviations of e it is the Pearson residual (o − e)/√v: there
// the score can only say "not significant" (p > 0.13), and the exact tail would cost an
// incomplete beta function for every ordinary bin.
func Tail(o, e, v, phi float64) float64 {
	if r := (o - e) / math.Sqrt(v); math.Abs(r) < tailFrom {
		return r
	}
	o, e, v = o/phi, e/phi, v/(phi*phi)
	return QuantileResidual(o, e, math.Max(0, v-e)/(e*e))
}

// QuantileResidual is the normal score of y under NB(μ, 1/θ = invTheta) with the mid-p
// (Dunn and Smyth's quantile residual, its discrete part split in half): Φ⁻¹(P(Y < y) +
// ½P(Y = y)). Unlike a Pearson residual it does not explode when μ is tiny: one sighting
// where 0.02 were expected scores about 2.3, not 7.
func QuantileResidual(y, mu, invTheta float64) float64 {
	theta := 1 / math.Max(invTheta, minInvTheta)
	p, q := theta/(theta+mu), mu/(theta+mu) // P(Y = 0) = p^θ
	k := y                                  // a count, or a count of clusters (Tail): the formulas hold for any k ≥ 0
	lp0 := theta * math.Log(p)
	if k <= 0 {
		return distuv.UnitNormal.Quantile(math.Max(1e-300, 0.5*math.Exp(lp0)))
	}
	half := 0.5 * math.Exp(lgamma(k+theta)-lgamma(theta)-lgamma(k+1)+lp0+k*math.Log(q))
	if k <= mu { // lower tail: P(Y < k) = I_p(θ, k)
		return distuv.UnitNormal.Quantile(math.Max(1e-300, mathext.RegIncBeta(theta, k, p)+half))
	}
	// upper tail, computed as such so that large excesses keep their precision:
	// P(Y > k) = I_{1−p}(k+1, θ)
	return -distuv.UnitNormal.Quantile(math.Max(1e-300, mathext.RegIncBeta(k+1, theta, q)+half))
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// Variance is the variance of a count expected to be mu: Phi·mu + InvTheta·mu².
func (d Dispersion) Variance(mu float64) float64 { return d.Phi*mu + d.InvTheta*mu*mu }

// Score is an observed count tested against its expectation: the normal score (Tail) and
// its one-sided p-values, of a rise (PUp) and of a fall (PDown).
type Score struct {
	Z, PUp, PDown float64
}

// Score tests an observed count o against an expectation e whose variance is v (for a sum
// of steps, the sum of their Variance).
func (d Dispersion) Score(o, e, v float64) Score {
	z := Tail(o, e, v, d.Phi)
	return Score{Z: z, PUp: distuv.UnitNormal.Survival(z), PDown: distuv.UnitNormal.CDF(z)}
}
