package store

import (
	"context"
	"fmt"
	"routewatch/domain"
	"time"
)

// LatestMonth is the newest UTC month holding a sighting that clearance maxHandling sees,
// from the month rollups; ok is false when that level sees no sighting at all. Planner
// outputs default to the last calendar quarter with data (api/release.go).
func (db *DB) LatestMonth(ctx context.Context, maxHandling int) (month time.Time, ok bool, err error) {
	var m *time.Time
	if err := db.x.GetContext(ctx, &m, `SELECT max(month) FROM cell_months WHERE res = 4 AND n[$1] > 0`,
		rollupSlot(domain.Clearance(maxHandling), "")); err != nil {
		return time.Time{}, false, fmt.Errorf("latest month: %w", err)
	}
	if m == nil {
		return time.Time{}, false, nil
	}
	return time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC), true, nil
}
