package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// Data is what the read endpoints ask of the store.
type Data interface {
	Heatmap(ctx context.Context, q store.Query) ([]store.CellCount, store.Plan, error)
	Timeline(ctx context.Context, q store.Query) ([]store.Bucket, store.Plan, error)
	Cell(ctx context.Context, c h3.Cell, p domain.Period, f domain.Filters) (*store.CellDetail, error)
	FilterValues(ctx context.Context, maxHandling int) (map[string][]store.ValueCount, error)
	DimCounts(ctx context.Context, q store.Query) ([]store.DimCount, error)
	DataVersion(ctx context.Context) (int64, error)
	LatestMonth(ctx context.Context, maxHandling int) (time.Time, bool, error)
}

// topModes is how many transport modes a heatmap cell lists.
const topModes = 3

type heatCell struct {
	H3        string      `json:"h3"`
	Sightings int64       `json:"sightings"`
	Persons   int64       `json:"persons"`
	TopModes  []modeCount `json:"top_modes"`
	Place     any         `json:"place,omitempty"` // the nearest town in words (cellPlace); absent when none lies within 150 km
}

func shapeCell(c store.CellCount) heatCell {
	top := c.Modes
	if len(top) > topModes {
		top = top[:topModes]
	}
	return heatCell{H3: geo.CellString(c.Cell), Sightings: c.Sightings, Persons: c.Persons, TopModes: mapWire(top, modeCountOf),
		Place: cellPlace(c.Cell)}
}

// getHeatmap answers GET /api/v1/heatmap: cells with sightings, persons and top modes, as
// JSON (default) or as a GeoJSON FeatureCollection of cell polygons (format=geojson).
func (h *handlers) getHeatmap(c *gin.Context) error {
	a, p, f, err := parseView(c)
	if err != nil {
		return err
	}
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "geojson" {
		return errs.E(errs.Invalid, "format", "want json or geojson, got %q", format)
	}
	if h.notModified(c, p) {
		return nil
	}
	cells, plan, err := h.deps.Data.Heatmap(c.Request.Context(), store.Query{Area: a, Period: p, Filters: f})
	if err != nil {
		return err
	}
	c.Header("X-Routewatch-Plan", string(plan))
	setRows(c, len(cells))
	if format == "geojson" {
		writeCellFeatures(c, cells)
		return nil
	}
	var sightings, persons int64
	for _, cc := range cells {
		sightings += cc.Sightings
		persons += cc.Persons
	}
	s := startJSON(c, http.StatusOK)
	defer s.close()
	s.raw(`{"res":`)
	s.value(a.Res)
	s.raw(`,"bbox":`)
	s.value([]float64{a.BBox.West, a.BBox.South, a.BBox.East, a.BBox.North})
	s.raw(`,"from":`)
	s.value(p.From)
	s.raw(`,"to":`)
	s.value(p.To)
	s.raw(`,"totals":`)
	s.value(gin.H{"cells": len(cells), "sightings": sightings, "persons": persons})
	s.raw(`,"cells":[`)
	for i, cc := range cells {
		if i > 0 {
			s.raw(",")
		}
		s.value(shapeCell(cc))
	}
	s.raw("]}\n")
	return nil
}

// writeCellFeatures streams cells as GeoJSON polygons (split at the antimeridian).
func writeCellFeatures(c *gin.Context, cells []store.CellCount) {
	c.Header("Content-Type", "application/geo+json")
	s := startJSON(c, http.StatusOK)
	defer s.close()
	s.raw(`{"type":"FeatureCollection","features":[`)
	for i, cc := range cells {
		if i > 0 {
			s.raw(",")
		}
		f := geojson.NewFeature(geo.CellGeometry(cc.Cell))
		hc := shapeCell(cc)
		f.ID = hc.H3
		f.Properties = geojson.Properties{"h3": hc.H3, "sightings": hc.Sightings, "persons": hc.Persons, "top_modes": hc.TopModes,
			"place": hc.Place}
		s.value(f)
	}
	s.raw("]}\n")
}

// notModified sets ETag and Cache-Control for answers over periods that lie wholly in the
// past (they change only when data is loaded) and answers 304 when the client has it. The
// answer depends on who asks, so the tag covers the caller's role and clearance (two keys
// of the same role and clearance get the same answer and may share it) and the caching is
// private; answerHeaders adds Vary: Authorization, Cookie.
func (h *handlers) notModified(c *gin.Context, p domain.Period) bool {
	if !p.To.Before(time.Now()) {
		c.Header("Cache-Control", "private, no-store")
		return false
	}
	v, err := h.deps.Data.DataVersion(c.Request.Context())
	if err != nil {
		return false
	}
	tag := etag(v, callerTag(principal(c)), c.Request.URL.RawQuery, c.GetHeader("Accept-Encoding"))
	c.Header("ETag", tag)
	c.Header("Cache-Control", "private, max-age=300")
	addVary(c.Writer.Header(), "Accept-Encoding") // as the 200 would (startJSON), also on a 304
	if c.GetHeader("If-None-Match") == tag {
		c.Status(http.StatusNotModified)
		c.Abort()
		return true
	}
	return false
}
