package analytics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Forecast is a unit's forecast from the expectation model (FitExpectation fitted on its
// whole history): per step ahead the expected count and its 80% and 95% prediction
// intervals, next to the seasonal-naive forecast (the count one season earlier).
type Forecast struct {
	Mean, Lo80, Hi80, Lo95, Hi95 []float64
	Naive                        []float64 // NaN where the history is shorter than a season
}

// ForecastUnit forecasts the len(at) − len(y) steps after the history y (at holds the time
// of every step, history first). A step's predictive distribution is the model's count
// distribution, Phi·K with K negative binomial (Dispersion), widened by the estimate's own
// variance (the delta method, scaled as for the detection tests); its intervals are the
// equal-tailed quantiles. season is the steps of a yearly cycle (12 for months).
func ForecastUnit(y []float64, at []StepTime, season int, d Dispersion) (Forecast, error) {
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
		Lo95: make([]float64, h), Hi95: make([]float64, h), Naive: make([]float64, h)}
	for k := range h {
		t := T + k
		mu := f.mu[t]
		v := d.Variance(mu) + scale*f.stepVariance(t)
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
	var cdf float64
	for k := 0.0; ; k++ {
		if cdf += pmf; cdf >= p || pmf == 0 && k > lambda {
			return phi * k
		}
		pmf *= (k + theta) / (k + 1) * q
	}
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
	for o := minFit; o < T; o++ {
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
		}
	}
	n := float64(b.Points)
	b.Cover80, b.Cover95 = b.Cover80/n, b.Cover95/n
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
