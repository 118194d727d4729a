package store

import (
	"routewatch/domain"
	"slices"
)

// Plan names how a query was answered: "rollup" (cell_months), "rollup+raw" (cell_months
// for the whole months, sightings for the partial ones), "cell_dims" (dimension counts from
// cell_dims) or "raw" (GROUP BY over sightings).
type Plan string

// Plans.
const (
	PlanRollup Plan = "rollup"
	PlanRaw    Plan = "raw"
	// PlanMixed answers the whole months of a period from the rollup and its partial first
	// and last months from the raw table.
	PlanMixed Plan = "rollup+raw"
	// PlanCellDims answers dimension counts (DimCounts, CellDims) from cell_dims.
	PlanCellDims Plan = "cell_dims"
)

// Query describes one read: the area (cells by centre in the bbox, at a resolution), the
// period, the filters and, for a timeline, the bucket ("day", "week" or "month"; "" for
// none). A zero Period means all time, which is whole months.
type Query struct {
	Area    domain.Area
	Period  domain.Period
	Filters domain.Filters
	Bucket  string
}

// measure is what a query counts, which decides the rollups that may answer it.
type measure int

const (
	cellCounts measure = iota // sightings and persons per cell, mode or bucket
	dimCounts                 // sightings (and persons) per sighting_dims value
)

// rollup is what one rollup table answers exactly.
type rollup struct {
	plan    Plan
	measure measure
	// resolutions are the H3 resolutions the table keeps, ascending; a coarser resolution
	// groups the next finer kept one to its parents, a finer one is not answered.
	resolutions []int
	// edges: a period that is not whole months but holds at least one reads its whole
	// months here and its partial first and last months from sightings (PlanMixed).
	// Otherwise only whole-month periods are answered.
	edges bool
	// filters are the filter dimensions the table holds (Filters.dims); the caller's
	// clearance is always held.
	filters []string
	// buckets are the timeline buckets it answers; a query without a bucket always is.
	buckets []string
}

// rollups is the one table of what each rollup answers, in order of preference. See
// docs/ARCHITECTURE.md, "Rollups: what they answer".
var rollups = []rollup{
	{plan: PlanRollup, measure: cellCounts, resolutions: RollupResolutions, edges: true,
		filters: []string{"mode", "min_reliability"}, buckets: []string{"month"}},
	{plan: PlanCellDims, measure: dimCounts, resolutions: []int{cellDimsRes}},
}

// ChoosePlan says which plan answers q's counts of sightings and persons (Heatmap, Timeline,
// CellsMonthly) exactly.
func ChoosePlan(q Query) Plan { return choosePlan(q, cellCounts) }

// choosePlan is the plan answering q's measure m: the first rollup that answers it (wholly,
// or with raw edges), else PlanRaw.
func choosePlan(q Query, m measure) Plan {
	for _, r := range rollups {
		if r.measure != m || r.from(q.Area.Res) < 0 || !r.holds(q.Filters) ||
			(q.Bucket != "" && !slices.Contains(r.buckets, q.Bucket)) {
			continue
		}
		if q.Period.MonthAligned() {
			return r.plan
		}
		if _, _, _, ok := splitMonths(q.Period); ok && r.edges {
			return PlanMixed
		}
	}
	return PlanRaw
}

// from is the kept resolution that answers queries at res, or -1 when none does.
func (r rollup) from(res int) int {
	for _, k := range r.resolutions {
		if k >= res {
			return k
		}
	}
	return -1
}

// holds reports whether the table holds every filter dimension f uses.
func (r rollup) holds(f domain.Filters) bool {
	for _, d := range filterDims(f) {
		if !slices.Contains(r.filters, d) {
			return false
		}
	}
	return true
}

// rollupRes is the cell_months resolution that answers queries at res, or -1 when none does.
func rollupRes(res int) int { return rollups[0].from(res) }
