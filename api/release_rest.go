package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// The corridor and flow endpoints as planners receive them (api/release.go).

// plannerRESTPeriod is the quarter of a REST request: from/to, or the latest with data.
// Dimension filters are refused.
func (h *handlers) plannerRESTPeriod(c *gin.Context) (domain.Period, error) {
	f, err := parseFilters(c)
	if err != nil {
		return domain.Period{}, err
	}
	if err := h.refuseFiltersForSuppressed(c, f); err != nil {
		return domain.Period{}, err
	}
	_, hasFrom := c.GetQuery("from")
	_, hasTo := c.GetQuery("to")
	p, err := parsePeriod(c, "from", "to", time.Now())
	if err != nil {
		return p, err
	}
	return h.plannerPeriod(c, "from", p, hasFrom || hasTo)
}

// plannerCorridors answers GET /api/v1/corridors for a planner.
func (h *handlers) plannerCorridors(c *gin.Context, q store.CorridorQuery, outline bool) error {
	p, err := h.plannerRESTPeriod(c)
	if err != nil {
		return err
	}
	rs, withheld, t, err := h.releasedCorridors(c, p, q.BBox, q.Status, q.MinVolume)
	if err != nil {
		return err
	}
	setRows(c, len(rs))
	writeFeatures(c, []member{{"suppressed_below", t.k}, {"release", t.note(withheld)}}, len(rs),
		func(i int) any { return rs[i].feature(outline) })
	return nil
}

// plannerCorridor answers GET /api/v1/corridors/{id} for a planner: the corridor, its
// released cells and released legs of the quarter; no monthly series (months are finer than
// the release period).
func (h *handlers) plannerCorridor(c *gin.Context, id int64) error {
	p, err := h.plannerRESTPeriod(c)
	if err != nil {
		return err
	}
	r, t, ok, err := h.releasedCorridorByID(c, id, p)
	if err == nil && !ok {
		err = errs.E(errs.NotFound, "id", "no corridor %d in the latest corridor run", id) // withheld looks like absent
	}
	if err != nil {
		return err
	}
	legs := make([]ogcFeature, 0, len(r.flows))
	for _, f := range r.flows {
		legs = append(legs, releasedFlowFeature(f))
	}
	setRows(c, 1)
	c.JSON(http.StatusOK, gin.H{"corridor": r.feature(true), "centerline": r.feature(false).Geometry,
		"cells": cellStrings(r.cells), "monthly": nil, "legs": legs, "release": t.note(r.withheldCells)})
	return nil
}

// plannerFlows answers GET /api/v1/flows for a planner: the quarter's released res-4 flows.
func (h *handlers) plannerFlows(c *gin.Context) error {
	if err := plannerRes(c); err != nil {
		return err
	}
	b := worldBBox
	if s, ok := c.GetQuery("bbox"); ok {
		var err error
		if b, err = geo.ParseBBox(s); err != nil {
			return errs.E(errs.Invalid, "bbox", "%v", err)
		}
	}
	p, err := h.plannerRESTPeriod(c)
	if err != nil {
		return err
	}
	t, err := h.release(c, p, true)
	if err != nil {
		return err
	}
	flows, withheld := t.flowsIn(b)
	setRows(c, len(flows))
	if c.Query("format") == "geojson" {
		writeFeatures(c, []member{{"release", t.note(withheld)}}, len(flows), func(i int) any { return releasedFlowFeature(flows[i]) })
		return nil
	}
	out := make([]gin.H, len(flows))
	for i, f := range flows {
		out[i] = gin.H{"from": geo.CellString(f.From), "to": geo.CellString(f.To), "legs": f.Legs, "persons": f.Persons}
	}
	c.JSON(http.StatusOK, gin.H{"res": releaseRes, "from": p.From, "to": p.To, "suppressed_below": t.k,
		"release": t.note(withheld), "flows": out})
	return nil
}
