package analytics

import (
	"slices"
	"testing"
)

func TestCorridorStatus(t *testing.T) {
	ratio := func(v float64) *float64 { return &v }
	tests := []struct {
		name       string
		cur, prev  int64
		days       float64
		prevDays   float64 // 0: days
		alpha      float64
		wantStatus string
		wantRatio  *float64 // nil: no ratio
	}{
		{name: "new", cur: 5, prev: 0, days: 90, wantStatus: CorridorNew},
		{name: "new needs the minimum", cur: 2, prev: 0, days: 90, wantStatus: CorridorStable}, // P(X ≥ 2 | 2, ½) = ¼
		// METHODS.md §2: P(X ≥ 10 | 12, ½) = 79/4096 = 0.0193.
		{name: "growing", cur: 10, prev: 2, days: 90, wantStatus: CorridorGrowing, wantRatio: ratio(5)},
		{name: "growing is not significant at alpha 0.01", cur: 10, prev: 2, days: 90, alpha: 0.01, wantStatus: CorridorStable, wantRatio: ratio(5)},
		{name: "declining", cur: 2, prev: 10, days: 90, wantStatus: CorridorDeclining, wantRatio: ratio(0.2)},
		{name: "stable", cur: 12, prev: 10, days: 90, wantStatus: CorridorStable, wantRatio: ratio(1.2)},
		{name: "gone: P(X ≤ 0 | 5, ½) = 1/32", cur: 0, prev: 5, days: 90, wantStatus: CorridorDeclining, wantRatio: ratio(0)},
		{name: "gone from too little to tell", cur: 0, prev: 4, days: 90, wantStatus: CorridorStable, wantRatio: ratio(0)}, // 1/16
		{name: "nothing either time", cur: 0, prev: 0, days: 90, wantStatus: CorridorStable},
		{name: "days 0 taken as 1", cur: 10, prev: 2, days: 0, wantStatus: CorridorGrowing, wantRatio: ratio(5)},
		// Rates, not counts: 10 in 30 days after 10 in 60 doubles the rate; the conditional
		// test is then P(X ≥ 10 | 20, 1/3) = 0.0919, not significant.
		{name: "unequal periods", cur: 10, prev: 10, days: 30, prevDays: 60, wantStatus: CorridorStable, wantRatio: ratio(2)},
		{name: "a year after a leap year", cur: 365, prev: 366, days: 365, prevDays: 366, wantStatus: CorridorStable, wantRatio: ratio(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prevDays := tt.prevDays
			if prevDays == 0 {
				prevDays = tt.days
			}
			status, r := CorridorStatus(tt.cur, tt.prev, prevDays, tt.days, tt.alpha)
			if status != tt.wantStatus {
				t.Errorf("got status %q, want %q", status, tt.wantStatus)
			}
			switch {
			case (r == nil) != (tt.wantRatio == nil):
				t.Errorf("got ratio %v, want %v", r, tt.wantRatio)
			case r != nil && !near(*r, *tt.wantRatio, 1e-12):
				t.Errorf("got ratio %v, want %v", *r, *tt.wantRatio)
			}
		})
	}
}

func TestCorridorStatuses(t *testing.T) {
	// Alone, 2 → 10 is growing (p = 0.0193). Among three corridors, the others at
	// p = P(X ≥ 10 | 20, ½) = 0.588, its BH q is 3 × 0.0193 = 0.058 ≥ 0.05.
	tests := []struct {
		name  string
		units []Counts
		want  []string
	}{
		{name: "one corridor", units: []Counts{{A: 2, B: 10}}, want: []string{CorridorGrowing}},
		{name: "three corridors", units: []Counts{{A: 2, B: 10}, {A: 10, B: 10}, {A: 10, B: 10}},
			want: []string{CorridorStable, CorridorStable, CorridorStable}},
		{name: "a strong change survives", units: []Counts{{A: 2, B: 30}, {A: 10, B: 10}, {A: 40, B: 5}},
			want: []string{CorridorGrowing, CorridorStable, CorridorDeclining}},
		{name: "new and empty", units: []Counts{{A: 0, B: 3}, {A: 0, B: 0}}, want: []string{CorridorNew, CorridorStable}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ratios := CorridorStatuses(tt.units, 30, 30, 0.05)
			if !slices.Equal(got, tt.want) || len(ratios) != len(tt.units) {
				t.Errorf("got %v (%d ratios), want %v", got, len(ratios), tt.want)
			}
		})
	}
}
