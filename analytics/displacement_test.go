package analytics

import (
	"math"
	"testing"
)

// step is 24 monthly counts: before for the first 12 months, after for the last 12.
func step(before, after float64) []float64 {
	s := make([]float64, 24)
	for i := range s {
		s[i] = before
		if i >= 12 {
			s[i] = after
		}
	}
	return s
}

func TestCheckDisplacementCounts(t *testing.T) {
	// Baseline and window of 365 days each. Mediterranean 120 → 40 (RR 1/3), Atlantic
	// 30 → 110 (RR 11/3): both exact binomial tests are far below 0.05 (P(X ≤ 40 | 160, ½)
	// ≈ 1e−10). Two step series that switch in the same month correlate exactly −1.
	med, atl := Counts{A: 120, B: 40}, Counts{A: 30, B: 110}
	cases := []struct {
		name           string
		a, b           Counts
		sa, sb         []float64
		displaced      bool
		opposed        bool
		falling        int
		rrFall, rrRise float64
		corr           float64
	}{
		{"classic shift", med, atl, step(10, 3), step(2, 9), true, true, 0, 1.0 / 3, 11.0 / 3, -1},
		{"same pair, other order", atl, med, step(2, 9), step(10, 3), true, true, 1, 1.0 / 3, 11.0 / 3, -1},
		// Both series rise together: the counts oppose but the months do not (r = +1).
		{"series not opposed", med, atl, step(3, 10), step(2, 9), false, true, 0, 1.0 / 3, 11.0 / 3, 1},
		// 50 → 52 and 50 → 48: nothing significant; the series still correlate −1.
		{"no significant change", Counts{A: 50, B: 52}, Counts{A: 50, B: 48}, step(4, 5), step(5, 4), false, false, -1, 0, 0, -1},
	}
	for _, c := range cases {
		d, err := CheckDisplacementCounts(c.a, c.b, 365, 365, c.sa, c.sb, 0.05)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if d.Displaced != c.displaced || d.Opposed != c.opposed || d.Falling != c.falling || !near(d.Correlation, c.corr, 1e-12) {
			t.Errorf("%s: got displaced %v opposed %v falling %d r %.3f, want %v %v %d %.3f",
				c.name, d.Displaced, d.Opposed, d.Falling, d.Correlation, c.displaced, c.opposed, c.falling, c.corr)
		}
		if c.opposed && (!near(d.RateRatioFalling, c.rrFall, 1e-12) || !near(d.RateRatioRising, c.rrRise, 1e-12) || d.QFalling >= 1e-6 || d.QRising >= 1e-6) {
			t.Errorf("%s: got RR %.4f/%.4f q %.2g/%.2g", c.name, d.RateRatioFalling, d.RateRatioRising, d.QFalling, d.QRising)
		}
	}
}

func TestCheckDisplacement(t *testing.T) {
	// By hand: x = (1, 2, 3), y = (3, 1, 2): deviations (−1, 0, 1) and (1, −1, 0),
	// r = −1 / √(2·2) = −0.5.
	fall := Change{RateTest: RateTest{RateRatio: 0.4}, QUp: 1, QDown: 0.01}
	rise := Change{RateTest: RateTest{RateRatio: 2.5}, QUp: 0.02, QDown: 1}
	d, err := CheckDisplacement(fall, rise, []float64{1, 2, 3}, []float64{3, 1, 2}, 0.05)
	if err != nil || !d.Displaced || !near(d.Correlation, -0.5, 1e-12) || d.QFalling != 0.01 || d.QRising != 0.02 {
		t.Errorf("hand case: got %+v, %v", d, err)
	}
	// The run's q-values decide, not the pair's own p-values: q 0.2 is not significant.
	fall.QDown = 0.2
	if d, _ := CheckDisplacement(fall, rise, []float64{1, 2, 3}, []float64{3, 1, 2}, 0.05); d.Displaced || d.Opposed {
		t.Errorf("q above alpha: got %+v, want not displaced", d)
	}
	// A flat series has no correlation (NaN): not displaced.
	fall.QDown = 0.01
	if d, _ := CheckDisplacement(fall, rise, []float64{2, 2, 2}, []float64{3, 1, 2}, 0.05); d.Displaced || !math.IsNaN(d.Correlation) {
		t.Errorf("flat series: got %+v, want NaN correlation, not displaced", d)
	}
	if _, err := CheckDisplacement(fall, rise, []float64{1, 2}, []float64{3, 1}, 0.05); err == nil {
		t.Error("two months: got no error")
	}
}
