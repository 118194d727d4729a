package api

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/errs"
	"routewatch/store"
)

// Ranking bounds.
const (
	rankingDefaultLimit = 20
	rankingMaxLimit     = 500
)

// rankedRow is one row of a ranking: a cell or a route label, its sightings (and, for cells,
// persons) in the period and the previous period of the same length, and the change between
// them tested like compare's (exact two-Poisson test, BH across every unit of the area).
type rankedRow struct {
	Rank int `json:"rank"`
	compareCell
	H3    string `json:"h3,omitempty"` // cells; shadows compareCell's, which is always written
	Route string `json:"route,omitempty"`
}

// getRanking answers GET /api/v1/ranking: the busiest cells (by=cell) or route labels
// (by=route) of the area in the period, each with the change from the previous period of the
// same length. The BH family is every unit with sightings in the area in either period, so
// the q-values do not depend on limit.
func (h *handlers) getRanking(c *gin.Context) error {
	by := c.DefaultQuery("by", "cell")
	if by != "cell" && by != "route" {
		return errs.E(errs.Invalid, "by", "want cell or route, got %q", by)
	}
	area, err := parseArea(c)
	if err != nil {
		return err
	}
	if c.Query("from") == "" || c.Query("to") == "" {
		return errs.E(errs.Invalid, "from", "a ranking needs its period: from and to")
	}
	p, err := parsePeriod(c, "from", "to", time.Now())
	if err != nil {
		return err
	}
	f, err := parseFilters(c)
	if err != nil {
		return err
	}
	limit := rankingDefaultLimit
	if s, ok := c.GetQuery("limit"); ok {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > rankingMaxLimit {
			return errs.E(errs.Invalid, "limit", "want a whole number from 1 to %d, got %q", rankingMaxLimit, s)
		}
	}
	params := analytics.CompareParams{Alpha: 0.05, MinCount: 3}
	prev := p.Previous()
	var rows []rankedRow
	if by == "cell" {
		rows, err = h.rankCells(c, store.Query{Area: area, Filters: f}, prev, p, params)
	} else {
		rows, err = h.rankRoutes(c, store.Query{Area: area, Filters: f}, prev, p, params)
	}
	if err != nil {
		return err
	}
	total := len(rows)
	slices.SortStableFunc(rows, func(x, y rankedRow) int {
		return cmp.Or(cmp.Compare(y.B, x.B), cmp.Compare(y.PersonsB, x.PersonsB), cmp.Compare(x.H3+x.Route, y.H3+y.Route))
	})
	rows = rows[:min(limit, len(rows))]
	for i := range rows {
		rows[i].Rank = i + 1
	}
	setRows(c, len(rows))
	c.JSON(http.StatusOK, gin.H{"by": by, "res": area.Res, "alpha": params.Alpha, "min_count": params.MinCount,
		"period":   gin.H{"from": p.From, "to": p.To, "days": p.Days()},
		"previous": gin.H{"from": prev.From, "to": prev.To, "days": prev.Days()},
		"units":    total, "rows": rows})
	return nil
}

// rankCells compares every cell of the area between prev and p.
func (h *handlers) rankCells(c *gin.Context, q store.Query, prev, p domain.Period, params analytics.CompareParams) ([]rankedRow, error) {
	ctx := c.Request.Context()
	q.Period = prev
	ca, _, err := h.deps.Data.Heatmap(ctx, q)
	if err != nil {
		return nil, err
	}
	q.Period = p
	cb, _, err := h.deps.Data.Heatmap(ctx, q)
	if err != nil {
		return nil, err
	}
	cells, counts := mergeCounts(ca, cb)
	changes := analytics.ComparePeriods(counts, prev.Days(), p.Days(), params)
	out := make([]rankedRow, len(cells))
	for i := range cells {
		cc := shapeChange(cells[i], changes[i])
		out[i] = rankedRow{compareCell: cc, H3: cc.H3}
	}
	return out, nil
}

// rankRoutes compares every route label seen in the area (res-4 cells by centre, as the
// modus-operandi shifts count) between prev and p; routes carry sightings, not persons.
func (h *handlers) rankRoutes(c *gin.Context, q store.Query, prev, p domain.Period, params analytics.CompareParams) ([]rankedRow, error) {
	ctx := c.Request.Context()
	byRoute := map[string]*analytics.Counts{}
	for i, period := range []domain.Period{prev, p} {
		q.Period = period
		dims, err := h.deps.Data.DimCounts(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, d := range dims {
			if d.Dim != "route" || d.Value == "" {
				continue
			}
			n := byRoute[d.Value]
			if n == nil {
				n = &analytics.Counts{}
				byRoute[d.Value] = n
			}
			if i == 0 {
				n.A = d.Sightings
			} else {
				n.B = d.Sightings
			}
		}
	}
	routes := make([]string, 0, len(byRoute))
	for r := range byRoute {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	counts := make([]analytics.Counts, len(routes))
	for i, r := range routes {
		counts[i] = *byRoute[r]
	}
	changes := analytics.ComparePeriods(counts, prev.Days(), p.Days(), params)
	out := make([]rankedRow, len(routes))
	for i, r := range routes {
		out[i] = rankedRow{compareCell: shapeChange(compareCellCounts{a: counts[i].A, b: counts[i].B}, changes[i]), Route: r}
	}
	return out, nil
}
