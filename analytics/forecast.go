package analytics

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Forecast is a unit's forecast from the expectation model (FitExpectation fitted on its
// whole history): per step ahead the expected count and its 80% and 95% prediction
// intervals, next to the seasonal-naive forecast (the count one season earlier).
type Forecast struct {
	Mean, Lo80, Hi80, Lo95, Hi95 []float64
	Naive                        []float64 // NaN where the history is shorter than a season
	Var                          []float64 // the predictive variance of each step
}

// ForecastUnit forecasts the len(at) − len(y) steps after the history y (at holds the time
// of every step, history first). A step's predictive distribution is the model's count
// distribution, Phi·K with K negative binomial (Dispersion), widened by the estimate's own
// variance (the delta method, scaled as for the detection tests); its intervals are the
// equal-tailed quantiles. season is the steps of a yearly cycle (12 for months).
func ForecastUnit(y []float64, at []StepTime, season int, d Dispersion) (Forecast, error) {
	return forecastScaled(y, at, season, d, 1)
}

// forecastScaled is ForecastUnit with every predictive variance times c.
func forecastScaled(y []float64, at []StepTime, season int, d Dispersion, c float64) (Forecast, error) {
	T, h := len(y), len(at)-len(y)
	if h < 1 {
		return Forecast{}, fmt.Errorf("analytics: %d step times for %d steps of history: nothing to forecast", len(at), T)
	}
	full := append(append([]float64(nil), y...), make([]float64, h)...)
	f, err := fitExpectation(full, at, T)
	if err != nil {
		return Forecast{}, err
	}
	var meanMu float64
	for _, m := range f.mu[:T] {
		meanMu += m / float64(T)
	}
	scale := d.Phi + d.InvTheta*meanMu
	out := Forecast{Mean: f.mu[T:], Lo80: make([]float64, h), Hi80: make([]float64, h),
		Lo95: make([]float64, h), Hi95: make([]float64, h), Naive: make([]float64, h), Var: make([]float64, h)}
	for k := range h {
		t := T + k
		mu := f.mu[t]
		v := c * (d.Variance(mu) + scale*f.stepVariance(t))
		out.Var[k] = v
		out.Lo80[k], out.Hi80[k] = predictiveQuantile(mu, v, d.Phi, 0.10), predictiveQuantile(mu, v, d.Phi, 0.90)
		out.Lo95[k], out.Hi95[k] = predictiveQuantile(mu, v, d.Phi, 0.025), predictiveQuantile(mu, v, d.Phi, 0.975)
		out.Naive[k] = math.NaN()
		if back := t - season*((k/season)+1); season > 0 && back >= 0 {
			out.Naive[k] = y[back]
		}
	}
	return out, nil
}

// stepVariance is the Poisson-scale variance of the estimated μ_t (forecastVariance of one
// step).
func (f fitted) stepVariance(t int) float64 {
	if f.info == nil {
		return 0
	}
	var g [4]float64
	for i := range 4 {
		g[i] = f.mu[t] * f.rows[t][i]
	}
	x, ok := solve4(*f.info, g)
	if !ok {
		return 0
	}
	return dot4(g, x)
}

// nbNormalFrom is the cluster mean above which predictiveQuantile uses the normal
// approximation instead of summing the negative binomial's pmf.
const nbNormalFrom = 5000

// predictiveQuantile is the p-quantile of a count with mean mu and variance v, distributed
// as phi·K, K negative binomial with mean mu/phi and the variance left (moment-matched): the
// count of independent clusters of phi reports each.
func predictiveQuantile(mu, v, phi, p float64) float64 {
	if mu <= 0 {
		return 0
	}
	phi = math.Max(1, phi)
	lambda := mu / phi
	kv := math.Max(v/(phi*phi), lambda*(1+minInvTheta)) // Var K ≥ its Poisson limit
	if lambda > nbNormalFrom {
		return math.Max(0, phi*math.Round(lambda+math.Sqrt(kv)*distuv.UnitNormal.Quantile(p)))
	}
	theta := lambda * lambda / (kv - lambda)
	q := lambda / (theta + lambda)
	pmf := math.Exp(theta * math.Log1p(-q)) // P(K = 0)
	if pmf < 1e-290 {
		// Summed up from P(K = 0) the pmf would start among subnormal numbers, whose few
		// digits lose mass (a busy unit with little extra variance: the sum stalled at 0.964
		// under p = 0.975 and never ended); the incomplete beta function keeps it.
		return phi * nbQuantile(theta, q, lambda+math.Sqrt(kv), p)
	}
	var cdf float64
	for k := 0.0; ; k++ {
		if cdf += pmf; cdf >= p || pmf < 1e-300 && k > lambda {
			return phi * k
		}
		pmf *= (k + theta) / (k + 1) * q
	}
}

// nbQuantile is the smallest k with P(K ≤ k) ≥ p for K negative binomial with size theta
// and pmf ∝ (1−q)^θ q^k, whose CDF is I_{1−q}(θ, k+1), by bisection; the search starts
// from guess, doubled until the CDF there reaches p.
func nbQuantile(theta, q, guess, p float64) float64 {
	cdf := func(k float64) float64 { return mathext.RegIncBeta(theta, k+1, 1-q) }
	hi := math.Max(1, math.Ceil(guess))
	for cdf(hi) < p && hi < 1e15 {
		hi *= 2
	}
	lo := -1.0 // cdf(lo) < p: P(K ≤ −1) = 0
	for hi-lo > 1 {
		mid := math.Floor((lo + hi) / 2)
		if cdf(mid) >= p {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// Backtest is how well a unit's forecasts did on its own history: from every origin o from
// minFit on, the model fitted on the steps before o forecasts the next horizon steps (fewer
// at the end), as ForecastUnit would have then.
type Backtest struct {
	Origins, Points int
	// MASE is the mean absolute error of the forecasts over the in-sample mean absolute
	// error of the seasonal-naive forecast on the whole history (Hyndman and Koehler's
	// scaled error; below 1 beats that benchmark); NaiveMASE is the same for the seasonal-
	// naive forecasts of the same points (NaN when the history has no seasonal lag).
	MASE, NaiveMASE float64
	// Cover80 and Cover95 are the shares of held-back counts inside the intervals.
	Cover80, Cover95 float64
	// VarianceRatio is how much larger the held-back counts' squared errors were than their
	// predictive variances: the median of the squared standardised errors over the median
	// of χ²₁ (robust: one surge is not the unit's noise); 1 when the intervals had the width
	// the errors had.
	VarianceRatio float64
	// Calibrated80 and Calibrated95 are the coverage of the calibrated intervals, each origin
	// calibrated on the errors of the months held back before it only (as CalibratedForecast
	// would have been then): out of sample.
	Calibrated80, Calibrated95 float64
}

// medianChi2 is the median of χ² with one degree of freedom.
const medianChi2 = 0.454936423119572

// calibrationPrior is the weight, in backtest points, of the level's dispersion in a unit's
// calibrated one: a unit with few points keeps the level's width.
const calibrationPrior = 12.0

// varianceRatio is the robust ratio of squared standardised errors z2 (VarianceRatio); NaN
// for none, and floored at 1e-4.
func varianceRatio(z2 []float64) float64 {
	if len(z2) == 0 {
		return math.NaN()
	}
	s := slices.Clone(z2)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + m) / 2
	}
	return math.Max(1e-4, m/medianChi2)
}

// Calibration is the factor a unit's predictive variances take from its own backtest: its
// VarianceRatio shrunk towards 1 on the log scale by calibrationPrior points of the level's
// dispersion, log c = n/(n + n₀)·log ratio.
func (b Backtest) Calibration() float64 {
	if b.Points == 0 || math.IsNaN(b.VarianceRatio) {
		return 1
	}
	n := float64(b.Points)
	return math.Exp(n / (n + calibrationPrior) * math.Log(b.VarianceRatio))
}

// CalibratedForecast forecasts y (as ForecastUnit) with the intervals widened or narrowed
// by the unit's own backtest (Backtest.Calibration), and returns that backtest; its
// coverage is of the level's dispersion, before the calibration (the calibrated intervals
// are fitted to the same errors, so their coverage there would flatter them).
func CalibratedForecast(y []float64, at []StepTime, season, horizon, minFit int, d Dispersion) (Forecast, Backtest, error) {
	b, err := BacktestUnit(y, at[:len(y)], season, horizon, minFit, d)
	if err != nil {
		return Forecast{}, b, err
	}
	f, err := forecastScaled(y, at, season, d, b.Calibration())
	return f, b, err
}

// BacktestUnit runs the rolling-origin backtest of y with dispersion d.
func BacktestUnit(y []float64, at []StepTime, season, horizon, minFit int, d Dispersion) (Backtest, error) {
	T := len(y)
	if len(at) != T {
		return Backtest{}, fmt.Errorf("analytics: %d step times for %d steps", len(at), T)
	}
	if minFit < 1 || minFit >= T || horizon < 1 {
		return Backtest{}, fmt.Errorf("analytics: backtest of %d steps from %d, horizon %d", T, minFit, horizon)
	}
	var scale float64
	var lags int
	for t := season; t < T; t++ {
		scale += math.Abs(y[t] - y[t-season])
		lags++
	}
	var b Backtest
	var errModel, errNaive float64
	var naivePoints int
	type scored struct{ t, z2 float64 }
	var past []scored // every scored point, for the calibration of later origins
	var all, earlier []float64
	for o := minFit; o < T; o++ {
		earlier = earlier[:0] // the points realised before o
		for _, s := range past {
			if s.t < float64(o) {
				earlier = append(earlier, s.z2)
			}
		}
		c := Backtest{Points: len(earlier), VarianceRatio: varianceRatio(earlier)}.Calibration()
		end := min(T, o+horizon)
		f, err := ForecastUnit(y[:o], at[:end], season, d)
		if err != nil {
			return Backtest{}, err
		}
		b.Origins++
		for k, t := 0, o; t < end; k, t = k+1, t+1 {
			b.Points++
			errModel += math.Abs(y[t] - f.Mean[k])
			if !math.IsNaN(f.Naive[k]) {
				errNaive += math.Abs(y[t] - f.Naive[k])
				naivePoints++
			}
			if y[t] >= f.Lo80[k] && y[t] <= f.Hi80[k] {
				b.Cover80++
			}
			if y[t] >= f.Lo95[k] && y[t] <= f.Hi95[k] {
				b.Cover95++
			}
			if e := y[t] - f.Mean[k]; f.Var[k] > 0 {
				all = append(all, e*e/f.Var[k])
				past = append(past, scored{float64(t), e * e / f.Var[k]})
			}
			v := c * f.Var[k]
			if y[t] >= predictiveQuantile(f.Mean[k], v, d.Phi, 0.10) && y[t] <= predictiveQuantile(f.Mean[k], v, d.Phi, 0.90) {
				b.Calibrated80++
			}
			if y[t] >= predictiveQuantile(f.Mean[k], v, d.Phi, 0.025) && y[t] <= predictiveQuantile(f.Mean[k], v, d.Phi, 0.975) {
				b.Calibrated95++
			}
		}
	}
	n := float64(b.Points)
	b.Cover80, b.Cover95, b.VarianceRatio = b.Cover80/n, b.Cover95/n, varianceRatio(all)
	b.Calibrated80, b.Calibrated95 = b.Calibrated80/n, b.Calibrated95/n
	b.MASE, b.NaiveMASE = math.NaN(), math.NaN()
	if lags > 0 && scale > 0 {
		mae := scale / float64(lags)
		b.MASE = errModel / n / mae
		if naivePoints > 0 {
			b.NaiveMASE = errNaive / float64(naivePoints) / mae
		}
	}
	return b, nil
}
