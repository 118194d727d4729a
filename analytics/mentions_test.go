package analytics

import (
	"math"
	"testing"
)

func TestCompareMentions(t *testing.T) {
	// 100 sightings in each period; three modus-operandi values:
	//   0: 50 → 20 of 100: X² = 19.78022 (df 1), p = 8.6877e−6 — fell;
	//   1: 30 → 30: X² = 0, p = 1;
	//   2: 0 → 6: expected 3 < 5, Fisher two-sided p = 0.028930 — rose (q = 0.043395).
	// BH over (8.6877e−6, 1, 0.028930): q = (2.6063e−5, 1, 0.043395).
	// JSD of mention shares (50, 30, 0)/80 vs (20, 30, 6)/56: 0.0905391 bits.
	got, err := CompareMentions([]int64{50, 30, 0}, []int64{20, 30, 6}, 100, 100, ShiftParams{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		p, q       float64
		method     PMethod
		rose, fell bool
	}{
		{8.6877117e-6, 2.6063135e-5, PChiSquare, false, true},
		{1, 1, PChiSquare, false, false},
		{0.0289303, 0.0433954, PFisher, true, false},
	}
	for i, w := range want {
		v := got.Values[i]
		if math.Abs(v.P/w.p-1) > 1e-6 || math.Abs(v.Q/w.q-1) > 1e-6 || v.Method != w.method || v.Rose != w.rose || v.Fell != w.fell {
			t.Errorf("value %d: got p %.7g q %.7g %s rose %v fell %v, want %.7g %.7g %s %v %v",
				i, v.P, v.Q, v.Method, v.Rose, v.Fell, w.p, w.q, w.method, w.rose, w.fell)
		}
	}
	if v := got.Values[0]; v.ShareA != 0.5 || v.ShareB != 0.2 {
		t.Errorf("shares: got %v %v, want 0.5 0.2", v.ShareA, v.ShareB)
	}
	if !near(got.JSD, 0.0905391, 1e-7) {
		t.Errorf("JSD: got %.7f, want 0.0905391", got.JSD)
	}
	if _, err := CompareMentions([]int64{5}, []int64{1}, 4, 10, ShiftParams{}); err == nil {
		t.Error("more mentions than sightings: got no error")
	}
}
