package analytics

// Pattern is an emerging hot spot category, named as ArcGIS Pro names it.
type Pattern string

// Emerging hot spot categories (METHODS.md §5).
const (
	NewHotSpot          Pattern = "New Hot Spot"
	ConsecutiveHotSpot  Pattern = "Consecutive Hot Spot"
	IntensifyingHotSpot Pattern = "Intensifying Hot Spot"
	PersistentHotSpot   Pattern = "Persistent Hot Spot"
	DiminishingHotSpot  Pattern = "Diminishing Hot Spot"
	SporadicHotSpot     Pattern = "Sporadic Hot Spot"
	OscillatingHotSpot  Pattern = "Oscillating Hot Spot"
	HistoricalHotSpot   Pattern = "Historical Hot Spot"

	NewColdSpot          Pattern = "New Cold Spot"
	ConsecutiveColdSpot  Pattern = "Consecutive Cold Spot"
	IntensifyingColdSpot Pattern = "Intensifying Cold Spot"
	PersistentColdSpot   Pattern = "Persistent Cold Spot"
	DiminishingColdSpot  Pattern = "Diminishing Cold Spot"
	SporadicColdSpot     Pattern = "Sporadic Cold Spot"
	OscillatingColdSpot  Pattern = "Oscillating Cold Spot"
	HistoricalColdSpot   Pattern = "Historical Cold Spot"

	NoPattern Pattern = "No Pattern Detected"
)

// history summarises one cell's series of bins from the point of view of one kind of spot
// (hot, or cold for the mirrored rules).
type history struct {
	ninety    bool // the kind in at least 90% of the steps
	final     bool // the kind in the final step
	run       int  // length of the unbroken run of the kind ending in the final step
	beforeRun bool // the kind somewhere before that run (or anywhere, when final is false)
	opposite  bool // the opposite kind in some step
	trend     int  // +1 intensifying (z moving away from 0 in this kind's direction), −1 diminishing, 0 none
}

func newHistory(spots []Spot, kind Spot, mkTrend int) history {
	n := len(spots)
	h := history{trend: mkTrend * int(kind)}
	count := 0
	for _, s := range spots {
		switch s {
		case kind:
			count++
		case -kind:
			h.opposite = true
		}
	}
	h.ninety = 10*count >= 9*n // integer form of count/n ≥ 0.9: 9 of 10 qualifies
	h.final = spots[n-1] == kind
	for i := n - 1; i >= 0 && spots[i] == kind; i-- {
		h.run++
	}
	h.beforeRun = count > h.run
	return h
}

// rules are METHODS.md §5's table, in its order; the first matching row wins.
var rules = []struct {
	hot, cold Pattern
	match     func(h history) bool
}{
	{NewHotSpot, NewColdSpot, func(h history) bool { return h.final && h.run == 1 && !h.beforeRun }},
	{ConsecutiveHotSpot, ConsecutiveColdSpot, func(h history) bool { return h.final && h.run >= 2 && !h.beforeRun && !h.ninety }},
	{IntensifyingHotSpot, IntensifyingColdSpot, func(h history) bool { return h.ninety && h.final && h.trend > 0 }},
	{PersistentHotSpot, PersistentColdSpot, func(h history) bool { return h.ninety && h.final && h.trend == 0 }},
	{DiminishingHotSpot, DiminishingColdSpot, func(h history) bool { return h.ninety && h.final && h.trend < 0 }},
	{SporadicHotSpot, SporadicColdSpot, func(h history) bool { return h.final && h.beforeRun && !h.ninety && !h.opposite }},
	{OscillatingHotSpot, OscillatingColdSpot, func(h history) bool { return h.final && h.opposite && !h.ninety }},
	{HistoricalHotSpot, HistoricalColdSpot, func(h history) bool { return !h.final && h.ninety }},
}

// EmergingPattern gives a cell's emerging hot spot category (ArcGIS Pro's definitions,
// METHODS.md §5) from its bins' classes and its Gi* z-series, both in time order and of
// one length. The trend is the Mann–Kendall test of z at level alpha (0 means 0.05); for
// the cold mirrors a downward trend intensifies and an upward one diminishes. Rows are tried in the table's
// order, the hot rule before its cold mirror, so a cold spot earlier does not stop a New or
// Consecutive hot spot. Persistent, like Intensifying and Diminishing, needs the final step
// hot: ArcGIS defines Historical as exactly "≥ 90% hot, but not in the most recent step",
// which the table order would otherwise make reachable only with a significant trend.
func EmergingPattern(spots []Spot, z []float64, alpha float64) Pattern {
	if len(spots) == 0 {
		return NoPattern
	}
	if alpha == 0 {
		alpha = 0.05
	}
	trend := MannKendall(z).Trend(alpha)
	hot, cold := newHistory(spots, HotSpot, trend), newHistory(spots, ColdSpot, trend)
	for _, r := range rules {
		if r.match(hot) {
			return r.hot
		}
		if r.match(cold) {
			return r.cold
		}
	}
	return NoPattern
}

// EmergingHotSpots runs the emerging hot spot analysis over a cube: SpaceTimeHotSpots
// (Gi*, BH across all bins), then EmergingPattern per cell on its bins and z-series.
// Patterns are per cell, in cell order.
func EmergingHotSpots(cube Cube, neighbors [][]int, timeSteps int, alpha float64) ([]Pattern, HotSpots, error) {
	if alpha == 0 {
		alpha = 0.05
	}
	h, err := SpaceTimeHotSpots(cube, neighbors, timeSteps, alpha)
	if err != nil {
		return nil, HotSpots{}, err
	}
	return patterns(h, cube.Cells, cube.Steps, alpha), h, nil
}

// patterns is EmergingPattern of every cell of a cube's hot spot analysis, in cell order.
func patterns(h HotSpots, cells, T int, alpha float64) []Pattern {
	out := make([]Pattern, cells)
	for c := range out {
		out[c] = EmergingPattern(h.Spots[c*T:(c+1)*T], h.Z[c*T:(c+1)*T], alpha)
	}
	return out
}
