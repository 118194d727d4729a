package api

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// getCorridors answers GET /api/v1/corridors: the latest corridor run's corridors as a GeoJSON
// FeatureCollection (centerlines, or outlines with geometry=outline), filtered by bbox,
// status and min_volume; with from and to, the corridors of that whole-month period
// (api/corridors_period.go). Without a CorridorFinder (handler tests), from/to keep the
// corridors whose first–last seen span meets the period.
func (h *handlers) getCorridors(c *gin.Context) error {
	q, err := parseCorridorQuery(c)
	if err != nil {
		return err
	}
	if s, ok := c.GetQuery("bbox"); ok {
		b, err := geo.ParseBBox(s)
		if err != nil {
			return errs.E(errs.Invalid, "bbox", "%v", err)
		}
		q.BBox = &b
	}
	outline, err := corridorGeometry(c)
	if err != nil {
		return err
	}
	if h.planner(c) {
		return h.plannerCorridors(c, q, outline)
	}
	cs, members, err := h.readerCorridors(c, q)
	if err != nil {
		return err
	}
	setRows(c, len(cs))
	writeFeatures(c, members, len(cs), func(i int) any { return corridorFeature(cs[i], outline) })
	return nil
}

// parseCorridorQuery reads status and min_volume, with the caller's clearance.
func parseCorridorQuery(c *gin.Context) (store.CorridorQuery, error) {
	q := store.CorridorQuery{MaxHandling: principal(c).Clearance}
	for _, s := range list(c, "status", true) {
		if !slices.Contains(corridorStatuses, s) {
			return q, errs.E(errs.Invalid, "status", "want one of %v, got %q", corridorStatuses, s)
		}
		q.Status = append(q.Status, s)
	}
	if s, ok := c.GetQuery("min_volume"); ok {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return q, errs.E(errs.Invalid, "min_volume", "want a whole number of legs or sightings, got %q", s)
		}
		q.MinVolume = n
	}
	return q, nil
}

// readerCorridors are the corridors of q for a caller who is not a planner: the latest
// run's, or with from and to those of that whole-month period (api/corridors_period.go),
// with the members a FeatureCollection of them carries.
func (h *handlers) readerCorridors(c *gin.Context, q store.CorridorQuery) ([]store.Corridor, []member, error) {
	_, hasFrom := c.GetQuery("from")
	_, hasTo := c.GetQuery("to")
	p, err := parsePeriod(c, "from", "to", time.Now())
	if err != nil {
		return nil, nil, err
	}
	if (hasFrom || hasTo) && h.deps.CorridorFinder != nil {
		cs, computed, err := h.corridorsOfPeriod(c, q, p)
		if err != nil {
			return nil, nil, err
		}
		return cs, []member{{"suppressed_below", 0}, {"period", gin.H{"from": p.From, "to": p.To}}, {"computed_on_request", computed}}, nil
	}
	cs, _, err := h.deps.Corridors.Corridors(c.Request.Context(), q)
	if err != nil {
		return nil, nil, err
	}
	if hasFrom || hasTo {
		cs = slices.DeleteFunc(cs, func(co store.Corridor) bool { return !corridorMeets(co, p) })
	}
	return cs, []member{{"suppressed_below", 0}}, nil
}

// getCorridor answers GET /api/v1/corridors/{id}: one corridor with its monthly series, its
// cells and its flow edges (legs) in the run's period.
func (h *handlers) getCorridor(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 0 {
		return errs.E(errs.NotFound, "id", "no corridor %q", c.Param("id"))
	}
	if h.planner(c) {
		return h.plannerCorridor(c, id)
	}
	p := principal(c)
	co, err := h.deps.Corridors.Corridor(c.Request.Context(), id, p.Clearance)
	if err != nil {
		return err
	}
	series, err := h.deps.Corridors.CellsMonthly(c.Request.Context(), co.Res, co.Cells, p.Clearance)
	if err != nil {
		return err
	}
	flows, err := h.deps.Corridors.FlowEdges(c.Request.Context(), co.Res, co.Period, p.Clearance)
	if err != nil {
		return err
	}
	in := map[string]bool{}
	for _, s := range cellStrings(co.Cells) {
		in[s] = true
	}
	legs := []ogcFeature{}
	for _, f := range flows {
		if in[geo.CellString(f.From)] && in[geo.CellString(f.To)] {
			legs = append(legs, flowFeature(f))
		}
	}
	setRows(c, 1)
	c.JSON(http.StatusOK, gin.H{"corridor": corridorFeature(*co, true), "centerline": corridorFeature(*co, false).Geometry,
		"cells": cellStrings(co.Cells), "monthly": mapWire(series, bucketOf), "legs": legs})
	return nil
}

// getFlows answers GET /api/v1/flows: weighted edges between neighbouring cells at res 3–5
// (default 4) in whole months of the period, for flow maps; format=geojson for lines.
func (h *handlers) getFlows(c *gin.Context) error {
	if h.planner(c) {
		return h.plannerFlows(c)
	}
	a, err := parseBBoxRes(c)
	if err != nil {
		return err
	}
	if _, ok := c.GetQuery("res"); !ok {
		a.Res = 4
	}
	p, err := parsePeriod(c, "from", "to", time.Now())
	if err != nil {
		return err
	}
	flows, err := h.deps.Corridors.Flows(c.Request.Context(), a, p, domain.Filters{MaxHandling: domain.Clearance(principal(c).Clearance)})
	if err != nil {
		return err
	}
	setRows(c, len(flows))
	if c.Query("format") == "geojson" {
		writeFeatures(c, nil, len(flows), func(i int) any { return flowFeature(flows[i]) })
		return nil
	}
	out := make([]gin.H, len(flows))
	for i, f := range flows {
		out[i] = gin.H{"from": geo.CellString(f.From), "to": geo.CellString(f.To), "legs": f.Legs, "journeys": f.Journeys, "persons": f.Persons}
	}
	c.JSON(http.StatusOK, gin.H{"res": a.Res, "from": p.From, "to": p.To, "suppressed_below": 0, "flows": out})
	return nil
}
