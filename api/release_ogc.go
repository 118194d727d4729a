package api

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// The OGC collections as planners receive them (api/release.go): res-4 atoms of one
// calendar quarter, each page saying what it was released from and how much was withheld.

// plannerCellItems pages the quarter's released cells whose centre lies in the bbox.
func plannerCellItems(h *handlers, c *gin.Context, q ogcQuery) (ogcPage, error) {
	t, err := h.plannerOGCRelease(c, q, false)
	if err != nil {
		return ogcPage{}, err
	}
	cells, withheld := t.cellsIn(bboxOrWorld(q.BBox))
	page := pageOf(cells, func(cc store.CellCount) ogcFeature { return releasedCellFeature(cc, t.k) }, q)
	page.release = t.note(withheld)
	return page, nil
}

// plannerCellItem is one released res-4 cell of the quarter; any other cell, a withheld one
// and an empty one alike, is not found.
func plannerCellItem(h *handlers, c *gin.Context, id string, q ogcQuery) (*ogcFeature, error) {
	cell, err := geo.ParseCell(id)
	if err != nil || cell.Resolution() != releaseRes {
		return nil, errs.E(errs.NotFound, "featureId", "no feature %s in collection cells: planner outputs hold res-%d cells only",
			strconv.Quote(id), releaseRes)
	}
	t, err := h.plannerOGCRelease(c, q, false)
	if err != nil {
		return nil, err
	}
	cc, ok := t.cells[cell]
	if !ok {
		return nil, featureNotFound("cells", id)
	}
	f := releasedCellFeature(cc, t.k)
	return &f, nil
}

// plannerFlowItems pages the quarter's released flows that start or end in the bbox.
func plannerFlowItems(h *handlers, c *gin.Context, q ogcQuery) (ogcPage, error) {
	t, err := h.plannerOGCRelease(c, q, true)
	if err != nil {
		return ogcPage{}, err
	}
	flows, withheld := t.flowsIn(bboxOrWorld(q.BBox))
	page := pageOf(flows, releasedFlowFeature, q)
	page.release = t.note(withheld)
	return page, nil
}

// plannerFlowItem is one released flow of the quarter.
func plannerFlowItem(h *handlers, c *gin.Context, id string, q ogcQuery) (*ogcFeature, error) {
	fromS, toS, _ := strings.Cut(id, "-")
	from, err1 := geo.ParseCell(fromS)
	to, err2 := geo.ParseCell(toS)
	if err1 != nil || err2 != nil || from.Resolution() != releaseRes || to.Resolution() != releaseRes {
		return nil, errs.E(errs.NotFound, "featureId", "no feature %s in collection flows: planner outputs hold res-%d flows only",
			strconv.Quote(id), releaseRes)
	}
	t, err := h.plannerOGCRelease(c, q, true)
	if err != nil {
		return nil, err
	}
	f, ok := t.flows[[2]h3.Cell{from, to}]
	if !ok {
		return nil, featureNotFound("flows", id)
	}
	feat := releasedFlowFeature(f)
	return &feat, nil
}

// plannerCorridorItems pages the corridors released for the quarter.
func plannerCorridorItems(h *handlers, c *gin.Context, q ogcQuery, outline bool, status []string, minVolume int64) (ogcPage, error) {
	p, err := h.plannerOGCPeriod(c, q)
	if err != nil {
		return ogcPage{}, err
	}
	rs, withheld, t, err := h.releasedCorridors(c, p, q.BBox, status, minVolume)
	if err != nil {
		return ogcPage{}, err
	}
	page := pageOf(rs, func(r releasedCorridor) ogcFeature { return r.feature(outline) }, q)
	page.release = t.note(withheld)
	return page, nil
}

// plannerCorridorItem is one corridor released for the quarter.
func plannerCorridorItem(h *handlers, c *gin.Context, id int64, q ogcQuery, outline bool) (*ogcFeature, error) {
	p, err := h.plannerOGCPeriod(c, q)
	if err != nil {
		return nil, err
	}
	r, _, ok, err := h.releasedCorridorByID(c, id, p)
	if errs.KindOf(err) == errs.NotFound || (err == nil && !ok) {
		return nil, featureNotFound("corridors", strconv.FormatInt(id, 10)) // withheld looks like absent
	}
	if err != nil {
		return nil, err
	}
	f := r.feature(outline)
	return &f, nil
}

// plannerOGCPeriod is the quarter of an OGC request: datetime, or the latest with data.
func (h *handlers) plannerOGCPeriod(c *gin.Context, q ogcQuery) (domain.Period, error) {
	return h.plannerPeriod(c, "datetime", q.Period, q.HasTime)
}

// plannerOGCRelease checks a planner's cells or flows request (res 4, no dimension filter)
// and loads its quarter's release table.
func (h *handlers) plannerOGCRelease(c *gin.Context, q ogcQuery, withFlows bool) (*releaseTable, error) {
	if err := plannerRes(c); err != nil {
		return nil, err
	}
	f, err := parseFilters(c)
	if err != nil {
		return nil, err
	}
	if err := h.refuseFiltersForSuppressed(c, f); err != nil {
		return nil, err
	}
	p, err := h.plannerOGCPeriod(c, q)
	if err != nil {
		return nil, err
	}
	return h.release(c, p, withFlows)
}

func bboxOrWorld(b *geo.BBox) geo.BBox {
	if b == nil {
		return worldBBox
	}
	return *b
}

// planner reports whether the caller receives planner outputs (the release grid).
func (h *handlers) planner(c *gin.Context) bool { return h.suppressBelow(c) > 0 }
