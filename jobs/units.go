package jobs

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/store"
)

// What the emerging-routes, modus-operandi shift and displacement jobs share: the windows
// (a recent window of the last months before the reference time against a baseline of the
// months before it), the units (route labels and the corridors of the latest corridor run
// that saw no later data) and the coverage check of every finding.
const (
	monthDays       = 365.25 / 12 // a window month
	recentMonths    = 3           // the recent window (B)
	baselineMonths  = 12          // the baseline (A), just before the recent window
	seriesMonths    = 48          // monthly history: the emerging-routes job's expectation is fitted on it
	displaceMonths  = 24          // the last months of it that displacement correlations read
	minBaselineDays = 90          // shorter baselines (little history before the data) test nothing
	seasonDays      = 365         // a baseline this long spans a seasonal cycle: shorter ones only find new units
	coverageShift   = 2.0         // a source whose share of a unit changes this much is checked too
	coverageMinFrac = 0.05        // ... when it holds at least this share of the unit in A or B
)

// WindowMonths is how far back the windowed jobs (emerging routes, MO shifts) look: the
// baseline and the recent window together. The evaluation matches a finding to an event no
// older than this.
const WindowMonths = baselineMonths + recentMonths

// windows are the buckets of one run: seriesMonths months of monthDays ending at ref.
type windows struct {
	ref      time.Time
	bounds   []time.Time // seriesMonths+1 ascending bucket bounds, the last one ref
	dataFrom time.Time   // first observation before ref
	tA, tB   float64     // exposures in days: the baseline (clipped to dataFrom) and the recent window
}

// Bucket ranges of the baseline and the recent window.
const (
	recentFrom   = seriesMonths - recentMonths
	baselineFrom = recentFrom - baselineMonths
)

func (w windows) baseline() domain.Period {
	return domain.Period{From: maxTime(w.bounds[baselineFrom], w.dataFrom), To: w.bounds[recentFrom]}
}
func (w windows) recent() domain.Period {
	return domain.Period{From: w.bounds[recentFrom], To: w.ref}
}

// inA and inB say whether bucket b lies in the baseline or in the recent window.
func inA(b int) bool { return b >= baselineFrom && b < recentFrom }
func inB(b int) bool { return b >= recentFrom && b < seriesMonths }

// refTime is the instant a run looks back from: To, else AsOf, else now; never after AsOf.
func (r *Runner) refTime(p Params) time.Time {
	ref := r.now()
	if !p.To.IsZero() {
		ref = p.To
	} else if !p.AsOf.IsZero() {
		ref = p.AsOf
	}
	if !p.AsOf.IsZero() && ref.After(p.AsOf) {
		ref = p.AsOf
	}
	return ref.UTC()
}

// windows resolves the run's windows; ok is false when the baseline holds less than
// minBaselineDays of data.
func (r *Runner) windows(ctx context.Context, p Params) (w windows, ok bool, err error) {
	w.ref = r.refTime(p)
	for k := seriesMonths; k >= 0; k-- {
		w.bounds = append(w.bounds, w.ref.Add(-time.Duration(float64(k)*monthDays*24*float64(time.Hour))))
	}
	first, any, err := r.DB.FirstObservation(ctx, w.ref)
	if err != nil || !any {
		return w, false, err
	}
	w.dataFrom = first
	w.tA = w.baseline().Days()
	w.tB = w.recent().Days()
	return w, w.tA >= minBaselineDays, nil
}

// unit is one thing a job tests: a route label or a corridor.
type unit struct {
	Kind, Key, Label string
	Destination      string // route labels: the most frequent destination country
	Corridor         *store.Corridor
}

// loadUnits lists the route labels seen in the series' months and, per clearance level, the
// corridors of the latest corridor run that saw no data after AsOf (or ref).
func (r *Runner) loadUnits(ctx context.Context, w windows, p Params) (labels []unit, corridors [domain.Levels][]unit, err error) {
	ls, err := r.DB.RouteLabels(ctx, domain.Period{From: w.bounds[0], To: w.ref})
	if err != nil {
		return nil, corridors, err
	}
	for _, l := range ls {
		labels = append(labels, unit{Kind: "label", Key: l.Label, Label: l.Label, Destination: l.Destination})
	}
	asOf := p.AsOf
	if asOf.IsZero() && !p.To.IsZero() {
		asOf = w.ref
	}
	run, err := r.DB.LatestRunAsOf(ctx, string(domain.JobCorridors), asOf)
	if err != nil || run == 0 {
		return labels, corridors, err
	}
	for level := range domain.Levels {
		cs, _, err := r.DB.Corridors(ctx, store.CorridorQuery{RunID: run, MaxHandling: level})
		if err != nil {
			return nil, corridors, err
		}
		for i := range cs {
			c := &cs[i]
			corridors[level] = append(corridors[level], unit{Kind: "corridor", Key: fmt.Sprint(c.ID), Label: c.Label, Corridor: c})
		}
	}
	return labels, corridors, nil
}

// unitIndex finds the units of each clearance level a sighting belongs to: its route
// label's unit and every corridor of the level holding its cell. perLevel lists each
// level's units, labels first (the same indexes at every level), then its corridors.
type unitIndex struct {
	perLevel [domain.Levels][]unit
	labels   map[string]int
	nLabels  int // the route labels' units come first, at the same index at every level
	cells    [domain.Levels]map[h3.Cell][]int
}

func newUnitIndex(labels []unit, corridors [domain.Levels][]unit) *unitIndex {
	x := &unitIndex{labels: map[string]int{}, nLabels: len(labels)}
	for i, u := range labels {
		x.labels[u.Label] = i
	}
	for level := range domain.Levels {
		x.perLevel[level] = append(append([]unit(nil), labels...), corridors[level]...)
		x.cells[level] = map[h3.Cell][]int{}
		for j, u := range corridors[level] {
			for _, c := range u.Corridor.Cells {
				x.cells[level][c] = append(x.cells[level][c], len(labels)+j)
			}
		}
	}
	return x
}

// label is the index of the route label's unit (the same at every level).
func (x *unitIndex) label(label string) (int, bool) {
	i, ok := x.labels[label]
	return i, ok && label != ""
}

// each calls fn with every unit of level that a sighting with this route label and cell
// belongs to.
func (x *unitIndex) each(level int, label string, cell h3.Cell, fn func(i int)) {
	if i, ok := x.labels[label]; ok && label != "" {
		fn(i)
	}
	for _, i := range x.cells[level][cell] {
		fn(i)
	}
}

// bucketOf is the index of the bucket of bounds holding t, or −1.
func bucketOf(bounds []time.Time, t time.Time) int {
	i := sort.Search(len(bounds), func(i int) bool { return bounds[i].After(t) }) - 1
	if i < 0 || i >= len(bounds)-1 {
		return -1
	}
	return i
}

// corridorRes is the resolution of the corridors (the default when there are none).
func corridorRes(corridors [domain.Levels][]unit) int {
	for _, us := range corridors {
		for _, u := range us {
			return u.Corridor.Res
		}
	}
	return defaultCorridorRes
}

// coverage checks a finding on one unit (METHODS.md §9): CheckCoverage on the top source,
// then, when that does not explain it, every other source that started or stopped
// reporting anywhere, or whose share of the unit changed coverageShift-fold (holding at
// least coverageMinFrac of it in A or B). The finding is a coverage change when the test
// without one of them is no longer significant.
func coverage(perSource map[string]analytics.Counts, activeA, activeB map[string]bool, decrease bool,
	significantWithout func(source string) bool) store.FindingCoverage {
	cov := analytics.CheckCoverage(perSource, activeA, activeB, decrease, significantWithout)
	out := store.FindingCoverage{Sources: cov.Sources, TopSource: cov.TopSource, TopShare: cov.TopShare}
	if cov.CoverageChange {
		out.Note = sourceNote(cov.TopSource, cov.NewSource)
		return out
	}
	total := analytics.WithoutSource(perSource, "")
	names := make([]string, 0, len(perSource))
	for s := range perSource {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, s := range names {
		c := perSource[s]
		shareA, shareB := frac(c.A, total.A), frac(c.B, total.B)
		started, stopped := !activeA[s] && c.B > 0, !activeB[s] && c.A > 0
		shifted := math.Max(shareA, shareB) >= coverageMinFrac &&
			(shareB >= coverageShift*shareA || shareA >= coverageShift*shareB)
		if s == cov.TopSource || !(started || stopped || shifted) {
			continue
		}
		if !significantWithout(s) {
			out.Note = sourceNote(s, started || shareB > shareA)
			return out
		}
	}
	return out
}

func sourceNote(source string, started bool) string {
	if started {
		return source + " started reporting (or reports much more)"
	}
	return source + " stopped reporting (or reports much less)"
}

func frac(x, n int64) float64 {
	if n == 0 {
		return 0
	}
	return float64(x) / float64(n)
}

// activeAt lists the sources active at a clearance level from ActiveChannels' map.
func activeAt(active map[string]int, level int) map[string]bool {
	out := map[string]bool{}
	for s, h := range active {
		if h <= level {
			out[s] = true
		}
	}
	return out
}

// bhCut is the largest p-value whose BH q-value is below alpha (−1 when none is): a test
// re-run on changed data is significant at the run's level when its p does not exceed it.
func bhCut(p, q []float64) float64 { return bhCutAt(p, q, alpha) }

// bhCutAt is bhCut at level a.
func bhCutAt(p, q []float64, a float64) float64 {
	cut := -1.0
	for i := range p {
		if q[i] < a && p[i] > cut {
			cut = p[i]
		}
	}
	return cut
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
