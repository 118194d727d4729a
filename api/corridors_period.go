package api

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// Corridors of any period: GET /api/v1/corridors with from and to answers the corridors of
// that period. The latest corridor run answers when its period is the one asked for; any
// other whole-month period is computed on request from the flow and dimension rollups, the
// way the job computes it (jobs.Runner.CorridorsFor), and kept in memory per period,
// clearance, data version and run.

// CorridorFinder finds the corridors of a whole-month period at one clearance level without
// storing them (jobs.Runner).
type CorridorFinder interface {
	CorridorsFor(ctx context.Context, p domain.Period, clearance int) ([]store.Corridor, error)
}

// periodCacheSize bounds the periods kept; a full cache forgets an arbitrary entry.
const periodCacheSize = 64

type periodCache struct {
	mu      sync.Mutex
	entries map[string][]store.Corridor
}

func (pc *periodCache) get(key string) ([]store.Corridor, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	cs, ok := pc.entries[key]
	return cs, ok
}

func (pc *periodCache) put(key string, cs []store.Corridor) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.entries == nil {
		pc.entries = map[string][]store.Corridor{}
	}
	if len(pc.entries) >= periodCacheSize {
		for k := range pc.entries {
			delete(pc.entries, k)
			break
		}
	}
	pc.entries[key] = cs
}

// corridorsOfPeriod answers the corridors of p under q's filters: the latest run's when it
// covers exactly p (computed false), else found on request (computed true).
func (h *handlers) corridorsOfPeriod(c *gin.Context, q store.CorridorQuery, p domain.Period) (cs []store.Corridor, computed bool, err error) {
	if !p.MonthAligned() {
		return nil, false, errs.E(errs.Invalid, "from", "corridors are found per whole UTC month: want from and to on the first of a month, got %s to %s",
			p.From.UTC().Format(time.RFC3339), p.To.UTC().Format(time.RFC3339))
	}
	ctx := c.Request.Context()
	stored, _, err := h.deps.Corridors.Corridors(ctx, store.CorridorQuery{MaxHandling: q.MaxHandling})
	if err != nil {
		return nil, false, err
	}
	if len(stored) > 0 && stored[0].Period.From.Equal(p.From) && stored[0].Period.To.Equal(p.To) {
		cs, _, err = h.deps.Corridors.Corridors(ctx, q)
		return cs, false, err
	}
	version, err := h.deps.Data.DataVersion(ctx)
	if err != nil {
		return nil, false, err
	}
	var run int64
	if len(stored) > 0 {
		run = stored[0].RunID
	}
	key := fmt.Sprintf("%d/%d/%d/%d/%d", version, run, q.MaxHandling, p.From.Unix(), p.To.Unix())
	all, ok := h.periodCorridors.get(key)
	if !ok {
		if all, err = h.deps.CorridorFinder.CorridorsFor(ctx, p, q.MaxHandling); err != nil {
			return nil, true, err
		}
		h.periodCorridors.put(key, all)
	}
	return filterCorridors(all, q), true, nil
}

// filterCorridors applies what store.Corridors applies in SQL to corridors found in Go:
// status, the volume floor, the bbox (the outline meets the box: a cell centre, an outline
// vertex in it, or a box corner in the outline), in the store's order.
func filterCorridors(all []store.Corridor, q store.CorridorQuery) []store.Corridor {
	volume := func(co store.Corridor) int64 { return max(co.Legs, co.Sightings) }
	var out []store.Corridor
	for _, co := range all {
		if volume(co) < q.MinVolume || co.Sightings < q.MinSightings ||
			(len(q.Status) > 0 && !slices.Contains(q.Status, co.Status)) || (q.BBox != nil && !corridorMeetsBox(co, *q.BBox)) {
			continue
		}
		out = append(out, co)
	}
	slices.SortStableFunc(out, func(x, y store.Corridor) int {
		return cmp.Or(cmp.Compare(volume(y), volume(x)), cmp.Compare(x.ID, y.ID))
	})
	return out
}

func corridorMeetsBox(co store.Corridor, b geo.BBox) bool {
	for _, part := range b.Split() {
		box := orb.Bound{Min: orb.Point{part.West, part.South}, Max: orb.Point{part.East, part.North}}
		for _, cell := range co.Cells {
			if ll := h3.CellToLatLng(cell); box.Contains(orb.Point{ll.Lng, ll.Lat}) {
				return true
			}
		}
		for _, poly := range co.Outline {
			for _, ring := range poly {
				for _, pt := range ring {
					if box.Contains(pt) {
						return true
					}
				}
			}
		}
		for _, corner := range []orb.Point{box.Min, box.Max, {box.Min[0], box.Max[1]}, {box.Max[0], box.Min[1]}} {
			if planar.MultiPolygonContains(co.Outline, corner) {
				return true
			}
		}
	}
	return false
}
