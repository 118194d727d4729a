package analytics

import (
	"math"
	"testing"
)

func TestMannKendall(t *testing.T) {
	cases := []struct {
		name          string
		x             []float64
		s, v, z, p    float64
		tolZ, tolP    float64
		wantTrend0p05 int
	}{
		// METHODS.md §4 worked example.
		{"METHODS 1..5", []float64{1, 2, 3, 4, 5}, 10, 50.0 / 3, 2.205, 0.0275, 5e-4, 5e-5, 1},
		{"decreasing mirror", []float64{5, 4, 3, 2, 1}, -10, 50.0 / 3, -2.205, 0.0275, 5e-4, 5e-5, -1},
		// Ties: pairs (1,2)(1,2)(1,3)(2,3)(2,3) are +1, (2,2) is 0, so S = 5;
		// Var = [4·3·13 − 2·1·9]/18 = 138/18; Z = 4/√(138/18) = 1.44463; p = 0.14856.
		{"one tie pair", []float64{1, 2, 2, 3}, 5, 138.0 / 18, 1.44463, 0.14856, 5e-5, 5e-5, 0},
		// Gilbert (1987), Statistical Methods for Environmental Pollution Monitoring, §16.4.1:
		// 23 24 29 6 29 24 24 29 23 has g = 3 tie groups, t = 2 (23), 3 (24), 3 (29).
		// Var = [9·8·23 − (2·1·9 + 3·2·11 + 3·2·11)]/18 = (1656 − 150)/18 = 1506/18.
		// S by hand: Σ_{j>i} sgn per i = 5, 1, −4, 5, −3, 0, 0, −1 → S = 3; Z = 2/√83.667.
		{"Gilbert tie groups", []float64{23, 24, 29, 6, 29, 24, 24, 29, 23}, 3, 1506.0 / 18, 0.21865, 0.82692, 5e-5, 5e-5, 0},
		// J. Little, "A Mann-Kendall Example (By Hand)", Holy Cross (mathcs.holycross.edu/
		// ~little/Montserrat/MannKendallByHand.txt): 14 values with one tied pair (12.9):
		// 72 ups, 18 downs, S = 54, V = 14·13·33/18 − 2·1·9/18 = 332.667, Z = 2.9058.
		// The page quotes the one-sided p ≈ .0018; the two-sided p is twice that, 0.00366.
		{"Little by hand", []float64{12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7},
			54, 14.0*13*33/18 - 1, 2.9058, 0.00366, 5e-5, 5e-5, 1},
		{"all tied", []float64{3, 3, 3}, 0, 0, 0, 1, 0, 0, 0},
		{"single value", []float64{7}, 0, 0, 0, 1, 0, 0, 0},
	}
	for _, c := range cases {
		got := MannKendall(c.x)
		if got.S != c.s || !near(got.VarS, c.v, 1e-9) {
			t.Errorf("%s: got S %v Var %v, want %v %v", c.name, got.S, got.VarS, c.s, c.v)
		}
		if !near(got.Z, c.z, c.tolZ) || !near(got.P, c.p, c.tolP) {
			t.Errorf("%s: got Z %.5f p %.5f, want %.5f %.5f", c.name, got.Z, got.P, c.z, c.p)
		}
		if tr := got.Trend(0.05); tr != c.wantTrend0p05 {
			t.Errorf("%s: trend got %d, want %d", c.name, tr, c.wantTrend0p05)
		}
	}
}

func TestTwoSidedNormalP(t *testing.T) {
	// Standard normal table: P(|Z| > 1.959964) = 0.05; far tail keeps precision
	// (2·Φ(−10) = 1.523971e−23, Abramowitz & Stegun 26.2).
	if p := twoSidedNormalP(1.959963985); !near(p, 0.05, 1e-9) {
		t.Errorf("z = 1.96: got %v, want 0.05", p)
	}
	if p := twoSidedNormalP(-10); math.Abs(p/1.523970604832e-23-1) > 1e-6 {
		t.Errorf("z = −10: got %v, want 1.524e−23", p)
	}
}
