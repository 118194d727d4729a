package store

import (
	"github.com/lib/pq"

	"routewatch/domain"
)

// SetLegChunk changes how many legs one cursor fetch reads, for tests; it returns the undo.
func SetLegChunk(n int) func() {
	old := legChunk
	legChunk = n
	return func() { legChunk = old }
}

// HeatmapSQL returns the statement and arguments the heatmap answers q with under plan.
func HeatmapSQL(q Query, plan Plan) (string, []any) {
	if plan == PlanRaw {
		return rawCellsQuery(q.Area, q.Period, q.Filters)
	}
	return rollupCellsQuery(q.Area, q.Period, q.Filters)
}

// RegionCover returns the regions a read of area a names ("" cover: none).
func RegionCover(a domain.Area) []int64 {
	var ps params
	if regionCond(&ps, "region", a) == "" {
		return nil
	}
	return []int64(*ps.args[0].(*pq.Int64Array))
}
