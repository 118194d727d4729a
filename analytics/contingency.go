package analytics

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// PMethod names the test a reported p-value comes from.
type PMethod string

// P-value methods.
const (
	PChiSquare  PMethod = "chi-square"  // asymptotic χ² distribution of Pearson's X²
	PMonteCarlo PMethod = "monte-carlo" // Patefield tables with the observed margins
	PFisher     PMethod = "fisher-exact"
)

// What a modus-operandi shift needs besides significance (the MO-shift job and the period
// comparison of the API use the same).
const (
	ShiftMinSightings   = 30   // sightings with a known value in each period, to be tested at all
	ShiftMinCramersV    = 0.1  // effect of a single-valued dimension's shift (Cramér's V)
	ShiftMinShareChange = 0.10 // effect of a multi-valued one: a value's share moving this much
	ShiftSeed           = 7    // Monte Carlo seed of both: same data, same p
)

// ShiftParams are the settings of the modus-operandi shift tests (METHODS.md §6).
type ShiftParams struct {
	Alpha          float64 // significance level for q-values; default 0.05
	Simulations    int     // B, Monte Carlo tables when any expected count < 5; at least 2000
	Seed           uint64  // seed of the Monte Carlo generator: same seed, same p
	ResidualCutoff float64 // |adjusted residual| that names a category; default 1.96
}

func (p ShiftParams) withDefaults() ShiftParams {
	if p.Alpha == 0 {
		p.Alpha = 0.05
	}
	p.Simulations = max(p.Simulations, 2000)
	if p.ResidualCutoff == 0 {
		p.ResidualCutoff = 1.96
	}
	return p
}

// CategoryShift is the period A vs B test of a single-valued dimension: the r × 2 table of
// category counts (METHODS.md §6).
type CategoryShift struct {
	ChiSquare   float64 // Pearson X² = Σ (O − E)²/E
	G           float64 // G = 2 Σ O ln(O/E)
	DF          int     // r − 1, r the categories seen in either period
	PChiSquare  float64 // asymptotic p of X² (χ², DF)
	PG          float64 // asymptotic p of G (χ², DF)
	PMonteCarlo float64 // (1 + #{X²_sim ≥ X²}) / (B + 1); NaN when not simulated
	P           float64 // the p-value to use: PMonteCarlo when MinExpected < 5, else PChiSquare
	Method      PMethod // where P comes from
	MinExpected float64 // smallest expected count E_ij
	CramersV    float64 // √(X² / (N (min(r, 2) − 1)))
	JSD         float64 // Jensen–Shannon divergence of A's and B's distributions, bits
	Residuals   []float64
	Rose, Fell  []int // categories whose adjusted residual in B is > cutoff / < −cutoff
}

// CompareCategories tests whether the category distribution of a (period A counts per
// category) differs from b (period B, same categories in the same order). Residuals are
// the adjusted standardized residuals (O − E)/√(E (1 − R_i/N)(1 − C_B/N)) of the B column,
// by category (A's are their negatives); categories absent from both periods take no part
// in the test and get residual 0. With fewer than two categories seen there is nothing to
// test: X² = 0 and P = 1. It errs when the lengths differ, a count is negative or a period
// is empty.
func CompareCategories(a, b []int64, params ShiftParams) (CategoryShift, error) {
	params = params.withDefaults()
	if len(a) != len(b) {
		return CategoryShift{}, fmt.Errorf("analytics: %d categories in A, %d in B", len(a), len(b))
	}
	var ca, cb float64
	var rows []int // categories seen in either period
	for i := range a {
		if a[i] < 0 || b[i] < 0 {
			return CategoryShift{}, fmt.Errorf("analytics: negative count for category %d", i)
		}
		ca, cb = ca+float64(a[i]), cb+float64(b[i])
		if a[i]+b[i] > 0 {
			rows = append(rows, i)
		}
	}
	if ca == 0 || cb == 0 {
		return CategoryShift{}, fmt.Errorf("analytics: period with no counts (A %v, B %v)", ca, cb)
	}
	n := ca + cb
	s := CategoryShift{DF: len(rows) - 1, PMonteCarlo: math.NaN(), Residuals: make([]float64, len(a)),
		MinExpected: math.Inf(1), P: 1, PChiSquare: 1, PG: 1, Method: PChiSquare}
	for _, i := range rows {
		ri := float64(a[i] + b[i])
		for j, o := range [2]float64{float64(a[i]), float64(b[i])} {
			e := ri * [2]float64{ca, cb}[j] / n
			s.MinExpected = math.Min(s.MinExpected, e)
			s.ChiSquare += (o - e) * (o - e) / e
			if o > 0 {
				s.G += 2 * o * math.Log(o/e)
			}
		}
		e := ri * cb / n
		s.Residuals[i] = (float64(b[i]) - e) / math.Sqrt(e*(1-ri/n)*(1-cb/n))
		switch {
		case s.Residuals[i] > params.ResidualCutoff:
			s.Rose = append(s.Rose, i)
		case s.Residuals[i] < -params.ResidualCutoff:
			s.Fell = append(s.Fell, i)
		}
	}
	s.JSD = JensenShannon(toFloats(a), toFloats(b))
	if s.DF < 1 {
		s.ChiSquare, s.G = 0, 0
		return s, nil
	}
	s.CramersV = math.Sqrt(s.ChiSquare / n) // min(r, 2) − 1 = 1
	chi := distuv.ChiSquared{K: float64(s.DF)}
	s.PChiSquare, s.PG = chi.Survival(s.ChiSquare), chi.Survival(s.G)
	s.P = s.PChiSquare
	if s.MinExpected < 5 {
		table := make([][2]int64, len(rows))
		for k, i := range rows {
			table[k] = [2]int64{a[i], b[i]}
		}
		s.PMonteCarlo = monteCarloP(table, s.ChiSquare, params.Simulations, params.Seed)
		s.P, s.Method = s.PMonteCarlo, PMonteCarlo
	}
	return s, nil
}

// monteCarloP is the share of B random tables with table's margins (Patefield) whose X²
// reaches the observed one, counting the observed table: (1 + #{X²_sim ≥ X²}) / (B + 1).
// As in R's chisq.test, "reaches" allows a relative 64 ulp so that ties in exact arithmetic
// are not lost to rounding.
func monteCarloP(table [][2]int64, observed float64, b int, seed uint64) float64 {
	r := len(table)
	rows, cols := make([]int, r), make([]int, 2)
	for i, row := range table {
		rows[i] = int(row[0] + row[1])
		cols[0] += int(row[0])
		cols[1] += int(row[1])
	}
	n := float64(cols[0] + cols[1])
	exp := make([]float64, 2*r)
	for i := range rows {
		for j := range cols {
			exp[2*i+j] = float64(rows[i]) * float64(cols[j]) / n
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	sampler := newPatefield(rows, cols)
	sim := make([]int, 2*r)
	threshold := observed * (1 - 64*epsilon)
	hits := 0
	for range b {
		sampler.sample(rng, sim)
		var x2 float64
		for k, o := range sim {
			d := float64(o) - exp[k]
			x2 += d * d / exp[k]
		}
		if x2 >= threshold {
			hits++
		}
	}
	return float64(1+hits) / float64(b+1)
}

const epsilon = 0x1p-52 // float64 machine epsilon

func toFloats(x []int64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}
