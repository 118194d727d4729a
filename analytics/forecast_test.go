package analytics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestPredictiveQuantileMatchesSums checks the interval bounds against the negative
// binomial's cdf summed directly, and the normal branch against the sum where both apply.
func TestPredictiveQuantileMatchesSums(t *testing.T) {
	for _, c := range []struct{ mu, invTheta float64 }{{0.3, 0.2}, {4, 0.5}, {40, 0.05}, {900, 0.01}} {
		pmf := nbPMF(c.mu, c.invTheta, 20000)
		v := c.mu + c.invTheta*c.mu*c.mu
		for _, p := range []float64{0.025, 0.1, 0.9, 0.975} {
			var cdf float64
			want := 0
			for ; cdf+pmf[want] < p; want++ {
				cdf += pmf[want]
			}
			if got := predictiveQuantile(c.mu, v, 1, p); got != float64(want) {
				t.Errorf("NB(%.1f, 1/θ %.2f) %.3f-quantile: %.0f, want %d", c.mu, c.invTheta, p, got, want)
			}
		}
	}
	// Clusters of 3: the count is 3K, so every bound is a multiple of 3.
	if q := predictiveQuantile(30, 3*30+0.1*900, 3, 0.975); math.Mod(q, 3) != 0 || q < 45 || q > 70 {
		t.Errorf("clusters of 3: 97.5%% bound %.0f, want a multiple of 3 near 57", q)
	}
	if q := predictiveQuantile(0, 0, 1, 0.975); q != 0 {
		t.Errorf("nothing expected: bound %.0f, want 0", q)
	}
	// Beyond nbNormalFrom the normal approximation: within one count of the exact sum's
	// neighbourhood for a large Poisson mean.
	big := 2.0 * nbNormalFrom
	want := big + math.Sqrt(big)*1.959964
	if q := predictiveQuantile(big, big, 1, 0.975); math.Abs(q-want) > 1 {
		t.Errorf("Poisson(%.0f) 97.5%% bound %.0f, want %.0f", big, q, want)
	}
}

// TestBacktestOfModelSeries backtests series drawn from the model itself (a season of
// ±40%, a mild trend, negative binomial noise, five years of months): the 80% and 95%
// intervals cover about 80% and 95% of the held-back months, and the forecasts beat the
// seasonal-naive benchmark, whose single year-old count carries a whole month's noise.
func TestBacktestOfModelSeries(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 5))
	const T, invTheta = 60, 0.04
	d := Dispersion{Phi: 1, InvTheta: invTheta}
	at := months(T)
	var mase, naive []float64
	var c80, c95 float64
	const units = 60
	for u := range units {
		level := []float64{3, 12, 40, 150}[u%4]
		y := make([]float64, T)
		for i := range y {
			m := level * math.Exp(0.4*math.Cos(at[i].Phase-2)+0.05*at[i].Years)
			lambda := distuv.Gamma{Alpha: 1 / invTheta, Beta: 1 / invTheta / m, Src: rng}.Rand()
			y[i] = distuv.Poisson{Lambda: lambda, Src: rng}.Rand()
		}
		b, err := BacktestUnit(y, at, 12, 3, 24, d)
		if err != nil {
			t.Fatal(err)
		}
		if b.Origins != T-24 || b.Points != 3*(T-24)-3 {
			t.Fatalf("unit %d: %d origins, %d points, want %d and %d", u, b.Origins, b.Points, T-24, 3*(T-24)-3)
		}
		mase, naive = append(mase, b.MASE), append(naive, b.NaiveMASE)
		c80, c95 = c80+b.Cover80/units, c95+b.Cover95/units
	}
	slices.Sort(mase)
	slices.Sort(naive)
	if m := mase[len(mase)/2]; m >= 1 || m >= naive[len(naive)/2] {
		t.Errorf("median MASE %.2f, seasonal naive %.2f: want the model below 1 and below the benchmark", m, naive[len(naive)/2])
	}
	t.Logf("mase %.3f naive %.3f c80 %.3f c95 %.3f", mase[len(mase)/2], naive[len(naive)/2], c80, c95)
	if c80 < 0.74 || c80 > 0.86 || c95 < 0.91 || c95 > 0.985 {
		t.Errorf("coverage %.3f (80%%) and %.3f (95%%), want about 0.80 and 0.95", c80, c95)
	}
}

// TestForecastUnitNaiveAndErrors checks the seasonal-naive column and bad calls.
func TestForecastUnitNaiveAndErrors(t *testing.T) {
	y := make([]float64, 18)
	for i := range y {
		y[i] = float64(10 + i)
	}
	f, err := ForecastUnit(y, months(18+14), 12, Dispersion{Phi: 1, InvTheta: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	// Step 18 is a year after step 6; step 30 (13 ahead) two years after step 6.
	if f.Naive[0] != y[6] || f.Naive[12] != y[6] || f.Naive[13] != y[7] {
		t.Errorf("seasonal naive %v, want y[6], then y[6] and y[7] again a year on", f.Naive)
	}
	for k := range f.Mean {
		if !(f.Lo95[k] <= f.Lo80[k] && f.Lo80[k] <= f.Mean[k] && f.Mean[k] <= f.Hi80[k] && f.Hi80[k] <= f.Hi95[k]) {
			t.Errorf("step %d: 95%% %.0f..%.0f, 80%% %.0f..%.0f around %.1f: not nested", k, f.Lo95[k], f.Hi95[k], f.Lo80[k], f.Hi80[k], f.Mean[k])
		}
	}
	if _, err := ForecastUnit(y, months(18), 12, Dispersion{Phi: 1}); err == nil {
		t.Error("no steps to forecast: no error")
	}
	if _, err := BacktestUnit(y, months(18), 12, 3, 18, Dispersion{Phi: 1}); err == nil {
		t.Error("backtest from the last step: no error")
	}
}

// A level's dispersion that is far too wide (or too narrow) for one unit is corrected by the
// unit's own backtest errors: the calibration moves the right way and far (the true variance
// ratios are about 0.02 and 21), the forecast's interval narrows (widens), and too narrow
// intervals cover far more out of sample — though not yet 95%: the first origins are
// calibrated on few earlier errors.
func TestCalibratedForecast(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	const T = 48
	at := months(T + 6)
	for _, c := range []struct {
		name   string
		kappa  float64 // the unit's true relative noise (gamma-Poisson)
		level  Dispersion
		wider  bool    // the level's intervals are too wide for the unit
		lo, hi float64 // bounds of the calibration
	}{
		{"quiet unit, noisy level", 1e-6, Dispersion{Phi: 1, InvTheta: 0.25}, true, 0.005, 0.1},
		{"noisy unit, quiet level", 0.1, Dispersion{Phi: 1, InvTheta: 1e-6}, false, 8, 40},
	} {
		y := make([]float64, T)
		for i := range y {
			mean := 200.0
			if c.kappa > 1e-5 {
				mean = distuv.Gamma{Alpha: 1 / c.kappa, Beta: 1 / (c.kappa * 200), Src: rng}.Rand()
			}
			y[i] = distuv.Poisson{Lambda: mean, Src: rng}.Rand()
		}
		f, b, err := CalibratedForecast(y, at, 12, 3, 24, c.level)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: calibration %.3f, coverage 95%% %.2f → %.2f, 80%% %.2f → %.2f", c.name, b.Calibration(), b.Cover95, b.Calibrated95, b.Cover80, b.Calibrated80)
		if b.Calibration() < c.lo || b.Calibration() > c.hi {
			t.Errorf("%s: calibration %.3f, want %g–%g", c.name, b.Calibration(), c.lo, c.hi)
		}
		if !c.wider && b.Calibrated95 < b.Cover95+0.3 {
			t.Errorf("%s: calibrated 95%% coverage %.2f against %.2f uncalibrated", c.name, b.Calibrated95, b.Cover95)
		}
		plain, err := ForecastUnit(y, at, 12, c.level)
		if err != nil {
			t.Fatal(err)
		}
		if narrower := f.Hi95[0]-f.Lo95[0] < plain.Hi95[0]-plain.Lo95[0]; narrower != c.wider {
			t.Errorf("%s: calibrated interval %v–%v, level's %v–%v", c.name, f.Lo95[0], f.Hi95[0], plain.Lo95[0], plain.Hi95[0])
		}
	}
}

// TestPredictiveQuantileBusyUnit: a busy unit with little extra variance (mean 4608,
// variance 89407, no design effect) made the pmf summed up from P(K = 0) start among
// subnormal numbers, stall under p and never end; the quantiles must come back and match
// the normal approximation (the distribution is nearly normal there) within 1%.
func TestPredictiveQuantileBusyUnit(t *testing.T) {
	mu, v := 4607.7198397945185, 89407.30610236105
	for _, p := range []float64{0.025, 0.10, 0.90, 0.975} {
		done := make(chan float64, 1)
		go func() { done <- predictiveQuantile(mu, v, 1, p) }()
		select {
		case got := <-done:
			want := mu + math.Sqrt(v)*distuv.UnitNormal.Quantile(p)
			if math.Abs(got-want) > 0.01*want {
				t.Errorf("p %v: got %v, want about %v", p, got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("p %v: predictiveQuantile(%v, %v, 1) did not return", p, mu, v)
		}
	}
}

// TestNBQuantileAsSum checks the incomplete-beta quantile against the summed pmf where the
// sum is exact.
func TestNBQuantileAsSum(t *testing.T) {
	for _, c := range []struct{ mu, v float64 }{{3, 5}, {40, 90}, {400, 2000}, {2000, 40000}} {
		theta := c.mu * c.mu / (c.v - c.mu)
		q := c.mu / (theta + c.mu)
		for _, p := range []float64{0.025, 0.10, 0.5, 0.90, 0.975} {
			sum := predictiveQuantile(c.mu, c.v, 1, p)
			if got := nbQuantile(theta, q, c.mu, p); got != sum {
				t.Errorf("mean %v variance %v p %v: incomplete beta %v, summed pmf %v", c.mu, c.v, p, got, sum)
			}
		}
	}
}
