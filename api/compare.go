package api

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// compareCell is one cell of a period comparison.
type compareCell struct {
	H3         string   `json:"h3"`
	A          int64    `json:"a"`
	B          int64    `json:"b"`
	PersonsA   int64    `json:"persons_a"`
	PersonsB   int64    `json:"persons_b"`
	RateA      float64  `json:"rate_a_per_day"`
	RateB      float64  `json:"rate_b_per_day"`
	RateRatio  *float64 `json:"rate_ratio"` // null when undefined (both 0) or infinite (new)
	Difference float64  `json:"difference_per_day"`
	PUp        float64  `json:"p_up"`
	PDown      float64  `json:"p_down"`
	QUp        float64  `json:"q_up"`
	QDown      float64  `json:"q_down"`
	Status     string   `json:"status"`
	Place      any      `json:"place,omitempty"` // cells: the nearest town in words (cellPlace), absent when none lies within 150 km
}

// getCompare answers GET /api/v1/compare: per cell counts in periods A and B, daily rates,
// rate ratio, difference, the exact one-sided tests with BH q-values across cells, and the
// status new / vanished / up / down / unchanged; plus the totals compared the same way.
func (h *handlers) getCompare(c *gin.Context) error {
	area, err := parseArea(c)
	if err != nil {
		return err
	}
	pa, pb, f, params, err := compareQuery(c)
	if err != nil {
		return err
	}
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "geojson" {
		return errs.E(errs.Invalid, "format", "want json or geojson, got %q", format)
	}
	ctx := c.Request.Context()
	ca, _, err := h.deps.Data.Heatmap(ctx, store.Query{Area: area, Period: pa, Filters: f})
	if err != nil {
		return err
	}
	cb, _, err := h.deps.Data.Heatmap(ctx, store.Query{Area: area, Period: pb, Filters: f})
	if err != nil {
		return err
	}
	cells, counts := mergeCounts(ca, cb)
	changes := analytics.ComparePeriods(counts, pa.Days(), pb.Days(), params)
	var totA, totB int64
	out := make([]compareCell, len(cells))
	for i, cell := range cells {
		out[i] = shapeChange(cell, changes[i])
		totA += out[i].A
		totB += out[i].B
	}
	setRows(c, len(out))
	total := shapeChange(compareCellCounts{a: totA, b: totB}, analytics.ComparePeriods([]analytics.Counts{{A: totA, B: totB}}, pa.Days(), pb.Days(), params)[0])
	if format == "geojson" {
		c.Header("Content-Type", "application/geo+json")
		s := startJSON(c, http.StatusOK)
		defer s.close()
		s.raw(`{"type":"FeatureCollection","features":[`)
		for i, cc := range out {
			if i > 0 {
				s.raw(",")
			}
			feat := geojson.NewFeature(geo.CellGeometry(cells[i].Cell))
			feat.ID = cc.H3
			feat.Properties = geojson.Properties{"h3": cc.H3, "a": cc.A, "b": cc.B, "rate_ratio": cc.RateRatio,
				"q_up": cc.QUp, "q_down": cc.QDown, "status": cc.Status}
			s.value(feat)
		}
		s.raw("]}\n")
		return nil
	}
	c.JSON(http.StatusOK, gin.H{"res": area.Res, "a": gin.H{"from": pa.From, "to": pa.To, "days": pa.Days()},
		"b": gin.H{"from": pb.From, "to": pb.To, "days": pb.Days()}, "alpha": params.Alpha, "min_count": params.MinCount,
		"totals": total, "cells": out})
	return nil
}

// compareQuery reads what both comparisons take besides the area: the two periods, the
// filters and the test parameters; the first error found is returned.
func compareQuery(c *gin.Context) (pa, pb domain.Period, f domain.Filters, params analytics.CompareParams, err error) {
	if pa, pb, err = comparePeriods(c); err != nil {
		return
	}
	if f, err = parseFilters(c); err != nil {
		return
	}
	params, err = compareParams(c)
	return
}

// comparePeriods reads periods A and B (a_from, a_to, b_from, b_to), all four required.
func comparePeriods(c *gin.Context) (pa, pb domain.Period, err error) {
	now := time.Now()
	for _, k := range []string{"a_from", "a_to", "b_from", "b_to"} {
		if c.Query(k) == "" {
			return pa, pb, errs.E(errs.Invalid, k, "compare needs both periods: a_from, a_to, b_from and b_to")
		}
	}
	if pa, err = parsePeriod(c, "a_from", "a_to", now); err != nil {
		return pa, pb, err
	}
	pb, err = parsePeriod(c, "b_from", "b_to", now)
	return pa, pb, err
}

func compareParams(c *gin.Context) (analytics.CompareParams, error) {
	p := analytics.CompareParams{Alpha: 0.05, MinCount: 3}
	if s, ok := c.GetQuery("alpha"); ok {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v > 0 && v < 1) {
			return p, errs.E(errs.Invalid, "alpha", "want a significance level between 0 and 1, got %q", s)
		}
		p.Alpha = v
	}
	if s, ok := c.GetQuery("min_count"); ok {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 1 {
			return p, errs.E(errs.Invalid, "min_count", "want a whole number >= 1, got %q", s)
		}
		p.MinCount = v
	}
	return p, nil
}

// mergeCounts lines up the cells of two heatmaps (sorted by cell) into one list with the
// sightings of each period.
func mergeCounts(a, b []store.CellCount) ([]compareCellCounts, []analytics.Counts) {
	byCell := map[h3.Cell]*compareCellCounts{}
	for _, x := range a {
		byCell[x.Cell] = &compareCellCounts{CellCount: store.CellCount{Cell: x.Cell}, a: x.Sightings, pa: x.Persons}
	}
	for _, x := range b {
		m := byCell[x.Cell]
		if m == nil {
			m = &compareCellCounts{CellCount: store.CellCount{Cell: x.Cell}}
			byCell[x.Cell] = m
		}
		m.b, m.pb = x.Sightings, x.Persons
	}
	keys := make([]h3.Cell, 0, len(byCell))
	for k := range byCell {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	cells := make([]compareCellCounts, len(keys))
	counts := make([]analytics.Counts, len(keys))
	for i, k := range keys {
		cells[i] = *byCell[k]
		counts[i] = analytics.Counts{A: cells[i].a, B: cells[i].b}
	}
	return cells, counts
}

type compareCellCounts struct {
	store.CellCount
	a, b, pa, pb int64
}

func shapeChange(cell compareCellCounts, ch analytics.Change) compareCell {
	out := compareCell{A: cell.a, B: cell.b, PersonsA: cell.pa, PersonsB: cell.pb,
		RateA: ch.RateA, RateB: ch.RateB, Difference: ch.Difference,
		PUp: ch.PUp, PDown: ch.PDown, QUp: nanToOne(ch.QUp), QDown: nanToOne(ch.QDown), Status: string(ch.Status)}
	if cell.Cell != 0 {
		out.H3, out.Place = geo.CellString(cell.Cell), cellPlace(cell.Cell)
	}
	if !math.IsNaN(ch.RateRatio) && !math.IsInf(ch.RateRatio, 0) {
		rr := ch.RateRatio
		out.RateRatio = &rr
	}
	return out
}

func nanToOne(v float64) float64 {
	if math.IsNaN(v) {
		return 1
	}
	return v
}
