package analytics

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// nbPMF is the negative binomial's probabilities P(Y = 0..n) by the ratio recursion.
func nbPMF(mu, invTheta float64, n int) []float64 {
	theta := 1 / invTheta
	p := theta / (theta + mu)
	out := make([]float64, n+1)
	out[0] = math.Pow(p, theta)
	for k := 1; k <= n; k++ {
		out[k] = out[k-1] * (float64(k-1) + theta) / float64(k) * (1 - p)
	}
	return out
}

func TestQuantileResidualMatchesSums(t *testing.T) {
	for _, mu := range []float64{0.02, 1, 7.5, 80} {
		for _, inv := range []float64{1e-4, 0.1, 1} {
			pmf := nbPMF(mu, inv, 2000)
			var below float64
			for y := 0; y < 400; y++ {
				u := below + pmf[y]/2
				below += pmf[y]
				var above float64 // summed, not 1 − below: the upper tail keeps its digits
				for _, v := range pmf[y+1:] {
					above += v
				}
				if u < 1e-12 || above < 1e-12 {
					continue
				}
				want := distuv.UnitNormal.Quantile(u)
				if float64(y) > mu {
					want = -distuv.UnitNormal.Quantile(above + pmf[y]/2)
				}
				got := QuantileResidual(float64(y), mu, inv)
				if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
					t.Fatalf("μ %g, 1/θ %g, y %d: residual %g, want %g", mu, inv, y, got, want)
				}
			}
		}
	}
	// An empty cell scores one sighting as unusual, not as extreme: the point of quantile
	// residuals over Pearson ones (which give (1−0.02)/√0.02 ≈ 6.9).
	if r := QuantileResidual(1, 0.02, 0.1); r < 2 || r > 2.6 {
		t.Errorf("one sighting where 0.02 are expected: residual %.2f, want about 2.3", r)
	}
	// Far tails keep their precision (computed in the tail).
	if r := QuantileResidual(60, 5, 0.01); math.IsInf(r, 0) || r < 8 {
		t.Errorf("60 where 5 are expected: residual %g, want a large finite score", r)
	}
}

// months are 48 monthly step times starting in January.
func months(n int) []StepTime {
	at := make([]StepTime, n)
	for t := range at {
		at[t] = StepTime{Phase: 2 * math.Pi * (float64(t%12) + 0.5) / 12, Years: float64(t) / 12}
	}
	return at
}

func TestFitExpectationRecoversSeasonAndTrend(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	at := months(48)
	truth := func(t int) float64 { // 200 a month, +20 % a year, summer peak ×1.65 / winter ×0.6
		return 200 * math.Exp(math.Log(1.2)*at[t].Years+0.5*math.Cos(at[t].Phase-3.6))
	}
	y := make([]float64, len(at))
	for i := range y {
		y[i] = distuv.Poisson{Lambda: truth(i), Src: rng}.Rand()
	}
	mu, err := FitExpectation(y, at, 45)
	if err != nil {
		t.Fatal(err)
	}
	for i := 45; i < 48; i++ { // the forecast of the three held-back months
		if r := mu[i] / truth(i); r < 0.9 || r > 1.1 {
			t.Errorf("month %d: expected %.1f, true mean %.1f", i, mu[i], truth(i))
		}
	}
	if _, err := FitExpectation(y, at[:10], 5); err == nil {
		t.Error("step times of another length are accepted")
	}
}

// A route that rose tenfold within the fitted history is forecast at the level it reached,
// not along the trend fitted across the rise; with under a year of history no season is
// fitted (a part of a cycle cannot tell a level shift from a peak).
func TestFitExpectationHoldsTheLevelReached(t *testing.T) {
	at := months(13)
	y := make([]float64, len(at))
	for i := range y {
		y[i] = 3
		if i >= 6 {
			y[i] = 30
		}
	}
	mu, err := FitExpectation(y, at, 10)
	if err != nil {
		t.Fatal(err)
	}
	for i := 10; i < 13; i++ {
		if math.Abs(mu[i]/mu[9]-1) > 1e-6 {
			t.Errorf("month %d: forecast %.1f, want the level at the last fitted month %.1f (no season, trend held)", i, mu[i], mu[9])
		}
	}
	if mu[9] < 20 || mu[9] > 60 {
		t.Errorf("level reached %.1f, want near 30", mu[9])
	}
	// With three years of a seasonal history the season is fitted.
	at = months(39)
	y = make([]float64, len(at))
	for i := range y {
		y[i] = math.Round(50 * math.Exp(0.6*math.Cos(at[i].Phase-3.6)))
	}
	mu, _ = FitExpectation(y, at, 36)
	if mu[30] < 2*mu[24] { // July (the peak) against January (the trough)
		t.Errorf("a seasonal history of three years: %.1f in July, %.1f in January, want the season fitted", mu[30], mu[24])
	}
}

func TestFitExpectationOfEmptyHistory(t *testing.T) {
	y := make([]float64, 24)
	mu, err := FitExpectation(y, months(24), 21)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range mu {
		if math.Abs(m-expectPseudo/21) > 1e-6 {
			t.Fatalf("step %d of an empty history expects %g, want the pseudo-count %g", i, m, expectPseudo/21)
		}
	}
}

func TestEstimateDispersionRecoversBothTerms(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const theta, cluster = 5.0, 3.0 // reports come in clusters of 3: Phi 3 where counts are small
	var y, mu []float64
	for i := range 40000 {
		m := []float64{0.6, 1.5, 3, 30, 100}[i%5]
		lambda := distuv.Gamma{Alpha: theta, Beta: theta / (m / cluster), Src: rng}.Rand()
		y = append(y, cluster*distuv.Poisson{Lambda: lambda, Src: rng}.Rand())
		mu = append(mu, m)
	}
	d := EstimateDispersion(y, mu, 1)
	if math.Abs(d.Phi-cluster) > 0.25 || math.Abs(d.InvTheta-1/theta) > 0.03 {
		t.Errorf("dispersion %+v, want Phi %.1f and InvTheta %.2f", d, cluster, 1/theta)
	}
	// A few bins where something happened (a route that opened: 30 where 2 were expected, 5
	// where 100 were) barely move the estimate: the residuals are winsorised.
	for range 40 {
		y, mu = append(y, 30, 5), append(mu, 2, 100)
	}
	if o := EstimateDispersion(y, mu, 1); math.Abs(o.Phi-d.Phi) > 0.3 || math.Abs(o.InvTheta-d.InvTheta) > 0.03 {
		t.Errorf("with 80 outlying bins of 40,080: %+v, without them %+v", o, d)
	}
	if got := EstimateDispersion([]float64{3, 3}, []float64{3, 3}, 1); got != (Dispersion{Phi: 1, InvTheta: minInvTheta}) {
		t.Errorf("under-dispersed data: %+v, want the bounds", got)
	}
}

func TestTailOfClusters(t *testing.T) {
	// Ten sightings where 1.4 were expected is extreme for Poisson counts, ordinary for a
	// group of five seen twice.
	if z := Tail(10, 1.4, 1.4, 1); z < 4 {
		t.Errorf("Poisson: z %.2f, want > 4", z)
	}
	if z := Tail(10, 1.4, 5*1.4, 5); z > 2.5 {
		t.Errorf("clusters of 5: z %.2f, want < 2.5", z)
	}
}

// The forecast's own variance (delta method) shrinks as the history grows: a level read from
// a year is less certain than one read from three.
func TestForecastVarianceShrinksWithHistory(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var v []float64
	for _, n := range []int{15, 39} {
		at := months(n)
		y := make([]float64, n)
		for i := range y {
			y[i] = distuv.Poisson{Lambda: 20, Src: rng}.Rand()
		}
		f, err := fitExpectation(y, at, n-3)
		if err != nil {
			t.Fatal(err)
		}
		v = append(v, f.forecastVariance(n-3))
	}
	if !(v[0] > v[1] && v[1] > 0) {
		t.Errorf("forecast variance of 3 months after 12 and 36 months of history: %v, want positive and falling", v)
	}
	// Against the 60 expected it is small next to the counts' own variance (60) after three years.
	if v[1] > 60 {
		t.Errorf("forecast variance after 36 months %.1f, want below the Poisson variance 60", v[1])
	}
}
