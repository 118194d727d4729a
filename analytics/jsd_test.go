package analytics

import (
	"math"
	"testing"
)

func TestJensenShannon(t *testing.T) {
	cases := []struct {
		name string
		p, q []float64
		want float64
	}{
		{"identical", []float64{1, 2, 3}, []float64{1, 2, 3}, 0},
		{"proportional counts", []float64{1, 2, 3}, []float64{10, 20, 30}, 0},
		{"disjoint", []float64{5, 0}, []float64{0, 7}, 1},
		// By hand: P = (1, 0), Q = (½, ½), M = (¾, ¼).
		// KL(P‖M) = log2(4/3) = 0.415037; KL(Q‖M) = ½ log2(2/3) + ½ log2 2 = 0.207519;
		// JSD = ½ (0.415037 + 0.207519) = 0.311278.
		{"point vs uniform", []float64{1, 0}, []float64{1, 1}, 0.5*math.Log2(4.0/3) + 0.25*math.Log2(2.0/3) + 0.25},
	}
	for _, c := range cases {
		if got := JensenShannon(c.p, c.q); !near(got, c.want, 1e-12) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	if got := JensenShannon([]float64{0, 0}, []float64{1, 1}); !math.IsNaN(got) {
		t.Errorf("empty P: got %v, want NaN", got)
	}
	if !near(0.5*math.Log2(4.0/3)+0.25*math.Log2(2.0/3)+0.25, 0.311278, 1e-6) {
		t.Error("hand value of the point-vs-uniform case is off")
	}
}
