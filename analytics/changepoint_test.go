package analytics

import (
	"math"
	"math/rand/v2"
	"testing"
)

func repeat(row []int64, months int) [][]int64 {
	out := make([][]int64, months)
	for i := range out {
		out[i] = row
	}
	return out
}

func TestChangePoints(t *testing.T) {
	cases := []struct {
		name   string
		counts [][]int64
		want   []ChangePoint // Gain checked only when non-zero
	}{
		// By hand: three months (10, 0) then three (0, 10). Each half is pure, L = 0; the
		// whole pools to (30, 30), L = 60 ln ½. Gain = 60 ln 2 = 41.589; penalty ln 60 = 4.09.
		// With MinSegment 3 the only candidate is τ = 3, so the range is [3, 3].
		{"pure halves", append(repeat([]int64{10, 0}, 3), repeat([]int64{0, 10}, 3)...),
			[]ChangePoint{{Tau: 3, From: 3, To: 3, Gain: 60 * math.Ln2}}},
		// A clean shift at month 7 (index 6) of 12: (40, 40, 20) → (10, 60, 30) per month.
		// 2 × gain by τ = 3..9: 45.1, 69.2, 102.4, 151.9, 112.1, 80.6, 55.0; penalty
		// 2 ln 1200 = 14.18, so only τ = 6 is within the penalty of the best.
		{"shift at month 7", append(repeat([]int64{40, 40, 20}, 6), repeat([]int64{10, 60, 30}, 6)...),
			[]ChangePoint{{Tau: 6, From: 6, To: 6}}},
		{"stationary", repeat([]int64{30, 20, 10}, 24), nil},
		// Two shifts, months 7 and 13. The first split is τ = 12 (2 × gain 175.8), the left
		// part then splits at 6 (2 × gain 151.9); the right part is one segment.
		{"two shifts", append(append(repeat([]int64{40, 40, 20}, 6), repeat([]int64{10, 60, 30}, 6)...), repeat([]int64{30, 20, 50}, 6)...),
			[]ChangePoint{{Tau: 6, From: 6, To: 6}, {Tau: 12, From: 12, To: 12}}},
		// A weak shift, (22, 18) → (16, 24): 2 × gain by τ = 3..9 is 3.61, 5.42, 7.75, 10.87,
		// 7.77, 5.44, 3.63; penalty ln 480 = 6.17, so τ = 6 with range 4..8 (≥ 4.70).
		{"weak shift with a range", append(repeat([]int64{22, 18}, 6), repeat([]int64{16, 24}, 6)...),
			[]ChangePoint{{Tau: 6, From: 4, To: 8}}},
		{"one category", repeat([]int64{5, 0}, 12), nil},
	}
	for _, c := range cases {
		got, err := ChangePoints(c.counts, ChangePointParams{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
			continue
		}
		for i, w := range c.want {
			g := got[i]
			if g.Tau != w.Tau || g.From != w.From || g.To != w.To || w.Gain != 0 && !near(g.Gain, w.Gain, 1e-9) {
				t.Errorf("%s: change %d got %+v, want %+v", c.name, i, g, w)
			}
		}
	}
}

func TestChangePointsNoisyStationary(t *testing.T) {
	// 24 months of 60 sightings drawn from one mix (½, 0.3, 0.2): sampling noise alone
	// must not pass the BIC penalty 2 ln 1440 = 14.5.
	seed := uint64(2024)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 9))
	counts := make([][]int64, 24)
	for m := range counts {
		counts[m] = make([]int64, 3)
		for range 60 {
			switch u := rng.Float64(); {
			case u < 0.5:
				counts[m][0]++
			case u < 0.8:
				counts[m][1]++
			default:
				counts[m][2]++
			}
		}
	}
	got, err := ChangePoints(counts, ChangePointParams{})
	if err != nil || len(got) != 0 {
		t.Errorf("got %+v, %v, want no change", got, err)
	}
}

func TestChangePointsMinSegment(t *testing.T) {
	// A shift two months before the end (τ = 10 of 12): MinSegment 3 keeps three months on
	// the right, so the best it can do is τ = 9; MinSegment 2 dates it exactly.
	counts := append(repeat([]int64{40, 10}, 10), repeat([]int64{10, 40}, 2)...)
	if got, _ := ChangePoints(counts, ChangePointParams{}); len(got) != 1 || got[0].Tau != 9 {
		t.Errorf("MinSegment 3: got %+v, want τ = 9", got)
	}
	if got, _ := ChangePoints(counts, ChangePointParams{MinSegment: 2}); len(got) != 1 || got[0].Tau != 10 {
		t.Errorf("MinSegment 2: got %+v, want τ = 10", got)
	}
	if _, err := ChangePoints([][]int64{{1, 2}, {1}}, ChangePointParams{}); err == nil {
		t.Error("ragged rows: got no error")
	}
}
