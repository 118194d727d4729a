package analytics

import "sort"

// Coverage is the coverage-change check of one finding (METHODS.md §9).
type Coverage struct {
	Sources            int     // distinct sources with a sighting of the unit in baseline or window
	TopSource          string  // largest share of the unit's sightings in the window (baseline for a decrease)
	TopShare           float64 // TopSource's share of that period's sightings of the unit; 0 when it has none
	NewSource          bool    // TopSource reported nothing anywhere during the baseline
	StoppedSource      bool    // TopSource reported nothing anywhere during the window
	SignificantWithout bool    // the finding's test without TopSource (run only when new or stopped)
	CoverageChange     bool    // new or stopped, and no longer significant without it
}

// CheckCoverage decides whether a finding on a unit is a coverage change rather than an
// emergence, surge, decline or shift. perSource holds the unit's sightings by source
// (A = baseline, B = window); activeBaseline and activeWindow are the sources that reported
// anything anywhere in each period; decrease says the finding is a decline, so the top
// source is taken from the baseline. significantWithout re-runs the finding's test without
// one source's sightings and says whether it is still significant (see WithoutSource); it
// is called only when the top source is new or stopped. Ties for the top source go to the
// name that sorts first.
func CheckCoverage(perSource map[string]Counts, activeBaseline, activeWindow map[string]bool,
	decrease bool, significantWithout func(source string) bool) Coverage {
	names := make([]string, 0, len(perSource))
	for s := range perSource {
		names = append(names, s)
	}
	sort.Strings(names)
	var cov Coverage
	var total, top int64
	for _, s := range names {
		c := perSource[s]
		if c.A > 0 || c.B > 0 {
			cov.Sources++
		}
		n := c.B
		if decrease {
			n = c.A
		}
		total += n
		if n > top {
			top, cov.TopSource = n, s
		}
	}
	if top == 0 {
		return cov
	}
	cov.TopShare = float64(top) / float64(total)
	cov.NewSource = !activeBaseline[cov.TopSource]
	cov.StoppedSource = !activeWindow[cov.TopSource]
	if cov.NewSource || cov.StoppedSource {
		cov.SignificantWithout = significantWithout(cov.TopSource)
		cov.CoverageChange = !cov.SignificantWithout
	}
	return cov
}

// WithoutSource returns the unit's total counts over every source but the one left out.
func WithoutSource(perSource map[string]Counts, source string) Counts {
	var c Counts
	for s, v := range perSource {
		if s != source {
			c.A += v.A
			c.B += v.B
		}
	}
	return c
}
