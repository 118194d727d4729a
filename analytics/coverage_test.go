package analytics

import "testing"

func TestCheckCoverage(t *testing.T) {
	// The finding's test: a significant increase (or decrease) by the exact rate test,
	// equal 30-day periods, at p < 0.05.
	surge := func(c Counts) bool { return CompareRates(c.A, c.B, 30, 30).PUp < 0.05 }
	decline := func(c Counts) bool { return CompareRates(c.A, c.B, 30, 30).PDown < 0.05 }
	both := map[string]bool{"iom": true, "frontex": true}
	cases := []struct {
		name                 string
		perSource            map[string]Counts
		activeB, activeW     map[string]bool
		decrease             bool
		test                 func(Counts) bool
		wantChange, wantCall bool
		wantTop              string
		wantShare            float64
		wantSources          int
	}{
		// A new NGO feed brings 30 of the 42 window sightings. 10 → 42 is a surge
		// (P(X ≥ 42 | 52, ½) ≈ 4e−6); without the NGO 10 → 12 is not (P(X ≥ 12 | 22, ½) =
		// 0.416): a coverage change.
		{"new source explains the surge", map[string]Counts{"ngo": {0, 30}, "iom": {10, 12}, "unused": {0, 0}},
			both, map[string]bool{"iom": true, "ngo": true}, false, surge, true, true, "ngo", 30.0 / 42, 2},
		// Same new source, but IOM alone goes 10 → 40 (P(X ≥ 40 | 50, ½) ≈ 1e−5): a real surge.
		{"real surge despite a new source", map[string]Counts{"ngo": {0, 45}, "iom": {10, 40}},
			both, map[string]bool{"iom": true, "ngo": true}, false, surge, false, true, "ngo", 45.0 / 85, 2},
		// The top source reported in both periods: the test is not re-run.
		{"steady top source", map[string]Counts{"iom": {10, 40}, "frontex": {5, 6}},
			both, both, false, surge, false, false, "iom", 40.0 / 46, 2},
		// A decline: Frontex (80% of the baseline, 40 of 50) stopped reporting in the
		// window; IOM alone goes 10 → 9 (P(X ≤ 9 | 19, ½) = 0.5): a coverage change.
		{"stopped source explains the decline", map[string]Counts{"frontex": {40, 0}, "iom": {10, 9}},
			both, map[string]bool{"iom": true}, true, decline, true, true, "frontex", 0.8, 2},
		{"no sightings", map[string]Counts{"iom": {0, 0}}, both, both, false, surge, false, false, "", 0, 0},
	}
	for _, c := range cases {
		called := false
		without := func(source string) bool {
			called = true
			return c.test(WithoutSource(c.perSource, source))
		}
		got := CheckCoverage(c.perSource, c.activeB, c.activeW, c.decrease, without)
		if got.CoverageChange != c.wantChange || called != c.wantCall || got.TopSource != c.wantTop ||
			!near(got.TopShare, c.wantShare, 1e-12) || got.Sources != c.wantSources {
			t.Errorf("%s: got %+v (test run %v), want change %v run %v top %q share %.3f sources %d",
				c.name, got, called, c.wantChange, c.wantCall, c.wantTop, c.wantShare, c.wantSources)
		}
	}
	// The surge test itself must see the totals the comments state.
	if !surge(Counts{10, 42}) || surge(Counts{10, 12}) || !surge(Counts{10, 40}) || decline(Counts{10, 9}) {
		t.Error("the rate tests behind the cases disagree with their comments")
	}
}
