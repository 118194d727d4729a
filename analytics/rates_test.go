package analytics

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestBenjaminiHochberg(t *testing.T) {
	cases := []struct {
		name string
		p    []float64
		want []float64
	}{
		{"METHODS worked example", []float64{0.01, 0.02, 0.03, 0.04, 0.05}, []float64{0.05, 0.05, 0.05, 0.05, 0.05}},
		// Benjamini & Hochberg style list, checked against R's p.adjust(method = "BH").
		{"unsorted with a large p", []float64{0.04, 0.001, 0.9, 0.03}, []float64{0.04 * 4 / 3, 0.004, 0.9, 0.04 * 4 / 3}},
		{"capped at 1", []float64{0.8, 0.9}, []float64{0.9, 0.9}},
		{"NaN untested", []float64{0.01, math.NaN(), 0.02}, []float64{0.02, math.NaN(), 0.02}},
	}
	for _, c := range cases {
		got := BenjaminiHochberg(c.p)
		for i := range got {
			if math.IsNaN(c.want[i]) != math.IsNaN(got[i]) || !math.IsNaN(got[i]) && !near(got[i], c.want[i], 1e-12) {
				t.Errorf("%s: q[%d] got %v, want %v", c.name, i, got[i], c.want[i])
			}
		}
	}
}

func TestCompareRates(t *testing.T) {
	// METHODS.md §2: xA = 2, xB = 10, equal exposures: P(X >= 10) = 79/4096.
	r := CompareRates(2, 10, 30, 30)
	if !near(r.PUp, 79.0/4096, 1e-12) {
		t.Errorf("PUp: got %.8f, want %.8f", r.PUp, 79.0/4096)
	}
	if !near(r.RateRatio, 5, 1e-12) || !near(r.Difference, 8.0/30, 1e-12) {
		t.Errorf("ratio/difference: got %v/%v, want 5/%v", r.RateRatio, r.Difference, 8.0/30)
	}
	// Decrease: P(X <= 2) with n = 12, p = 0.5 = (1 + 12 + 66)/4096.
	d := CompareRates(10, 2, 30, 30)
	if !near(d.PDown, 79.0/4096, 1e-12) {
		t.Errorf("PDown: got %.8f, want %.8f", d.PDown, 79.0/4096)
	}
	// Unequal exposures: x_A = 1 in 10 days, x_B = 3 in 30 days: equal rates, p0 = 0.75,
	// P(X >= 3) = 0.75^4 + 4·0.75^3·0.25 = 0.73828125.
	u := CompareRates(1, 3, 10, 30)
	if !near(u.PUp, 0.73828125, 1e-12) || !near(u.RateRatio, 1, 1e-12) {
		t.Errorf("unequal exposures: got PUp %v ratio %v, want 0.73828125 and 1", u.PUp, u.RateRatio)
	}
	if z := CompareRates(0, 0, 1, 1); !math.IsNaN(z.RateRatio) || z.PUp != 1 || z.PDown != 1 {
		t.Errorf("both zero: got %+v", z)
	}
	if n := CompareRates(0, 5, 1, 1); !math.IsInf(n.RateRatio, 1) || !near(n.PUp, 1.0/32, 1e-12) {
		t.Errorf("new: got ratio %v PUp %v, want +Inf and 1/32", n.RateRatio, n.PUp)
	}
}

func TestClassifyChange(t *testing.T) {
	cases := []struct {
		name       string
		xA, xB     int64
		qUp, qDown float64
		want       Status
	}{
		{"new", 0, 5, 0.5, 1, StatusNew},
		{"too few to be new", 0, 2, 0.5, 1, StatusUnchanged},
		{"vanished", 6, 0, 1, 0.01, StatusVanished},
		{"up", 3, 30, 0.001, 1, StatusUp},
		{"down", 30, 3, 1, 0.001, StatusDown},
		{"unchanged", 10, 12, 0.4, 0.7, StatusUnchanged},
	}
	for _, c := range cases {
		if got := ClassifyChange(c.xA, c.xB, c.qUp, c.qDown, 0.05, 3); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

func TestComparePeriods(t *testing.T) {
	// Three cells over equal 30-day periods: a clear rise, no change, a new cell.
	got := ComparePeriods([]Counts{{2, 10}, {10, 10}, {0, 6}}, 30, 30, CompareParams{})
	// p-values up: 79/4096, P(X>=10 | n=20) = 0.588099, 1/64; BH over m = 3.
	pUp := []float64{79.0 / 4096, 0.5880985260009766, 1.0 / 64}
	sorted := []float64{pUp[2], pUp[0], pUp[1]} // ascending
	wantQ0 := math.Min(3*sorted[1]/2, sorted[2])
	if !near(got[0].QUp, wantQ0, 1e-9) {
		t.Errorf("q up of the rising cell: got %v, want %v", got[0].QUp, wantQ0)
	}
	wants := []Status{StatusUp, StatusUnchanged, StatusNew}
	for i, w := range wants {
		if got[i].Status != w {
			t.Errorf("unit %d: got %s, want %s", i, got[i].Status, w)
		}
	}
	if !near(got[1].PUp, pUp[1], 1e-9) {
		t.Errorf("p up of the flat cell: got %v, want %v", got[1].PUp, pUp[1])
	}
}
