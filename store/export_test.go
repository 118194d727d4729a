package store

import (
	"context"

	"github.com/lib/pq"

	"routewatch/domain"
)

// SetLegChunk changes how many legs one cursor fetch reads, for tests; it returns the undo.
func SetLegChunk(n int) func() {
	old := legChunk
	legChunk = n
	return func() { legChunk = old }
}

// HeatmapSQL returns the statement and arguments db's heatmap answers q with under plan.
func (db *DB) HeatmapSQL(ctx context.Context, q Query, plan Plan) (string, []any) {
	ps := db.params(ctx)
	if plan == PlanRaw {
		return rawCellsQuery(&ps, q.Area, q.Period, q.Filters)
	}
	return rollupCellsQuery(&ps, q.Area, q.Period, q.Filters)
}

// RegionCover returns the regions db's reads of area a name (nil: none).
func (db *DB) RegionCover(ctx context.Context, a domain.Area) []int64 {
	ps := db.params(ctx)
	if regionCond(&ps, "region", a) == "" {
		return nil
	}
	return []int64(*ps.args[0].(*pq.Int64Array))
}
