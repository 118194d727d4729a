package api

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// The planner release grid (docs/SECURITY.md, "What planners receive").
//
// Everything a planner receives is computed from one partition of the sightings its key may
// see: atoms (H3 res-4 cell, UTC calendar quarter) for sightings and persons, and (res-4
// edge, quarter) for flow legs. An atom is released when it holds at least k sightings (k
// legs); a withheld atom enters no number a planner receives. Cells and flows are atoms;
// corridors are sums of released atoms. Every answer, and so every sum or difference of
// answers, is a sum of released atoms, each at least k: no count below k can be derived
// from any set of planner answers. Other resolutions, other periods and dimension filters
// are refused for planners, because their atoms would overlap these.

// releaseRes is the one resolution of planner outputs: the corridor job's (jobs'
// defaultCorridorRes), so a corridor is a union of release cells.
const releaseRes = 4

// releaseNote tells a planner what an answer was released from and how much was withheld:
// the number of items (cells, flows, corridors, member cells) left out, never their counts.
type releaseNote struct {
	Res             int       `json:"res"`
	From            time.Time `json:"from"`
	To              time.Time `json:"to"` // exclusive
	SuppressedBelow int64     `json:"suppressed_below"`
	Withheld        int       `json:"withheld"`
}

// releaseTable is one quarter's atoms at one clearance level.
type releaseTable struct {
	period        domain.Period
	k             int64
	cells         map[h3.Cell]store.CellCount // released cell atoms
	withheld      map[h3.Cell]bool            // cells with 1..k-1 sightings
	flows         map[[2]h3.Cell]store.Flow   // released edge atoms
	withheldFlows [][2]h3.Cell
}

func (t *releaseTable) note(withheld int) *releaseNote {
	return &releaseNote{Res: releaseRes, From: t.period.From, To: t.period.To, SuppressedBelow: t.k, Withheld: withheld}
}

// quarterOf is the UTC calendar quarter holding t.
func quarterOf(t time.Time) domain.Period {
	t = t.UTC()
	from := time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	return domain.Period{From: from, To: from.AddDate(0, 3, 0)}
}

// releaseQuarter checks that p, read from param, is one whole UTC calendar quarter; an OGC
// closed interval ending at the quarter's last instant (its end plus 1 µs) is one too.
func releaseQuarter(param string, p domain.Period) (domain.Period, error) {
	q := quarterOf(p.From)
	if p.From.Equal(q.From) && (p.To.Equal(q.To) || p.To.Equal(q.To.Add(time.Microsecond))) {
		return q, nil
	}
	return q, errs.E(errs.Invalid, param, "planner outputs are released per whole UTC calendar quarter, so that no two "+
		"answers overlap: want one quarter such as %s to %s (exclusive), got %s to %s",
		q.From.Format(time.DateOnly), q.To.Format(time.DateOnly), p.From.UTC().Format(time.RFC3339), p.To.UTC().Format(time.RFC3339))
}

// plannerPeriod is the quarter a planner asked for (given: the period read from param), or
// by default the latest complete quarter with data the caller may see.
func (h *handlers) plannerPeriod(c *gin.Context, param string, p domain.Period, given bool) (domain.Period, error) {
	if given {
		return releaseQuarter(param, p)
	}
	last := quarterOf(time.Now()).From.AddDate(0, -3, 0) // the latest quarter that has ended
	if h.deps.Data != nil {
		m, ok, err := h.latestMonth(c)
		if err != nil {
			return domain.Period{}, err
		}
		if ok && m.Before(last) {
			last = m
		}
	}
	return quarterOf(last), nil
}

// latestMonth is the newest month with data at the caller's clearance, remembered per data
// version (the store scans the month rollups for it).
func (h *handlers) latestMonth(c *gin.Context) (time.Time, bool, error) {
	ctx := c.Request.Context()
	v, err := h.deps.Data.DataVersion(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	key := [2]int64{int64(principal(c).Clearance), v}
	h.releases.mu.Lock()
	m, ok := h.releases.latest[key]
	h.releases.mu.Unlock()
	if ok {
		return m, !m.IsZero(), nil
	}
	m, found, err := h.deps.Data.LatestMonth(ctx, principal(c).Clearance)
	if err != nil {
		return time.Time{}, false, err
	}
	h.releases.mu.Lock()
	defer h.releases.mu.Unlock()
	if h.releases.latest == nil || len(h.releases.latest) >= releaseCacheSize {
		h.releases.latest = map[[2]int64]time.Time{}
	}
	h.releases.latest[key] = m // zero when nothing is found
	return m, found, nil
}

// plannerRes refuses any resolution but releaseRes for planners.
func plannerRes(c *gin.Context) error {
	if s, ok := c.GetQuery("res"); ok && s != "4" {
		return errs.E(errs.Invalid, "res", "planner outputs are released at H3 resolution %d only (so that no cell's count "+
			"nests in another's), got %q", releaseRes, s)
	}
	return nil
}

// releaseCache keeps recent release tables by clearance, k, quarter and data version, and
// the newest month with data.
type releaseCache struct {
	mu     sync.Mutex
	m      map[releaseKey]*releaseTable
	latest map[[2]int64]time.Time // newest month with data by clearance and data version
}

type releaseKey struct {
	clearance int
	k         int64
	from      time.Time
	version   int64
	flows     bool
}

const releaseCacheSize = 32

// release loads (or recalls) the release table of quarter p for the caller; withFlows adds
// the flow atoms (from CorridorData).
func (h *handlers) release(c *gin.Context, p domain.Period, withFlows bool) (*releaseTable, error) {
	ctx := c.Request.Context()
	if h.deps.Data == nil || (withFlows && h.deps.Corridors == nil) {
		return nil, errs.E(errs.Unavailable, "", "planner outputs have no data source configured")
	}
	v, err := h.deps.Data.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	key := releaseKey{clearance: principal(c).Clearance, k: int64(h.suppressBelow(c)), from: p.From, version: v, flows: withFlows}
	h.releases.mu.Lock()
	t := h.releases.m[key]
	h.releases.mu.Unlock()
	if t != nil {
		return t, nil
	}
	if t, err = h.loadRelease(ctx, key, p); err != nil {
		return nil, err
	}
	h.releases.mu.Lock()
	defer h.releases.mu.Unlock()
	if h.releases.m == nil || len(h.releases.m) >= releaseCacheSize {
		h.releases.m = map[releaseKey]*releaseTable{}
	}
	h.releases.m[key] = t
	return t, nil
}

func (h *handlers) loadRelease(ctx context.Context, key releaseKey, p domain.Period) (*releaseTable, error) {
	t := &releaseTable{period: p, k: key.k, cells: map[h3.Cell]store.CellCount{}, withheld: map[h3.Cell]bool{}, flows: map[[2]h3.Cell]store.Flow{}}
	cells, _, err := h.deps.Data.Heatmap(ctx, store.Query{Area: domain.Area{Res: releaseRes, BBox: worldBBox}, Period: p, Filters: domain.Filters{MaxHandling: domain.Clearance(key.clearance)}})
	if err != nil {
		return nil, err
	}
	for _, cc := range cells {
		if cc.Sightings >= t.k {
			t.cells[cc.Cell] = cc
		} else if cc.Sightings > 0 {
			t.withheld[cc.Cell] = true
		}
	}
	if !key.flows {
		return t, nil
	}
	flows, err := h.deps.Corridors.FlowEdges(ctx, releaseRes, p, key.clearance)
	if err != nil {
		return nil, err
	}
	for _, f := range flows {
		if f.Legs >= t.k {
			t.flows[[2]h3.Cell{f.From, f.To}] = f
		} else if f.Legs > 0 {
			t.withheldFlows = append(t.withheldFlows, [2]h3.Cell{f.From, f.To})
		}
	}
	return t, nil
}

// cellsIn are the released cells whose centre lies in b, by cell id, and the number of
// withheld cells there.
func (t *releaseTable) cellsIn(b geo.BBox) ([]store.CellCount, int) {
	var out []store.CellCount
	for cell, cc := range t.cells {
		if centreIn(cell, b) {
			out = append(out, cc)
		}
	}
	slices.SortFunc(out, func(x, y store.CellCount) int { return cmp.Compare(x.Cell, y.Cell) })
	withheld := 0
	for c := range t.withheld {
		if centreIn(c, b) {
			withheld++
		}
	}
	return out, withheld
}

// flowsIn are the released flows whose start or end cell centre lies in b, by legs
// descending, then cells, and the number of withheld flows there.
func (t *releaseTable) flowsIn(b geo.BBox) ([]store.Flow, int) {
	var out []store.Flow
	for e, f := range t.flows {
		if centreIn(e[0], b) || centreIn(e[1], b) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, compareFlows)
	withheld := 0
	for _, e := range t.withheldFlows {
		if centreIn(e[0], b) || centreIn(e[1], b) {
			withheld++
		}
	}
	return out, withheld
}

func compareFlows(x, y store.Flow) int {
	return cmp.Or(cmp.Compare(y.Legs, x.Legs), cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To))
}

func centreIn(c h3.Cell, b geo.BBox) bool {
	ll := c.LatLng()
	return b.Contains(ll.Lat, ll.Lng)
}

// releasedModes names the cell's most frequent transport modes with at least k sightings
// each, most first: names only, so no count below the cell's own is released.
func releasedModes(modes []store.ModeCount, k int64) []string {
	out := []string{}
	for _, m := range modes {
		if m.Sightings >= k && len(out) < topModes {
			out = append(out, m.Mode)
		}
	}
	return out
}

// releasedCellFeature is a released cell atom as an OGC feature.
func releasedCellFeature(cc store.CellCount, k int64) ogcFeature {
	id := geo.CellString(cc.Cell)
	return newFeature(id, geo.CellGeometry(cc.Cell), map[string]any{
		"h3": id, "sightings": cc.Sightings, "persons": cc.Persons, "top_modes": releasedModes(cc.Modes, k), "place": cellPlace(cc.Cell)})
}

// releasedFlowFeature is a released flow atom: legs and persons, no journeys (distinct
// journeys do not add up over atoms).
func releasedFlowFeature(f store.Flow) ogcFeature {
	feat := flowFeature(f)
	delete(feat.Properties, "journeys")
	return feat
}
