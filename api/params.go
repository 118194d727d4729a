package api

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uber/h3-go/v4"

	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// MaxCells is the most cells one heatmap or compare request may cover: the bbox's area
// divided by the average cell area at the requested resolution. Larger requests are
// refused with a 400 before any query runs.
const MaxCells = 50_000

// earliest is the default start of a period: ingest refuses anything older.
var earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// parseArea reads bbox (default: the whole world) and res (default: geo.DefaultRes of the
// bbox) and refuses areas over MaxCells.
func parseArea(c *gin.Context) (store.Area, error) {
	a, err := parseBBoxRes(c)
	if err != nil {
		return a, err
	}
	return a, checkCellCap(a)
}

// parseBBoxRes reads bbox and res without the cell cap (for answers not sized by cells).
func parseBBoxRes(c *gin.Context) (store.Area, error) {
	b := geo.BBox{West: -180, South: -90, East: 180, North: 90}
	if s, ok := c.GetQuery("bbox"); ok {
		var err error
		if b, err = geo.ParseBBox(s); err != nil {
			return store.Area{}, errs.E(errs.Invalid, "bbox", "%v", err)
		}
	}
	res := geo.DefaultRes(b)
	if s, ok := c.GetQuery("res"); ok {
		r, err := strconv.Atoi(s)
		if err != nil || r < 0 || r > 10 {
			return store.Area{}, errs.E(errs.Invalid, "res", "want an H3 resolution from 0 to 10, got %q", s)
		}
		res = r
	}
	return store.Area{Res: res, BBox: b}, nil
}

// checkCellCap refuses an area whose bbox holds more than MaxCells cells at its resolution,
// naming the coarsest resolution that fits.
func checkCellCap(a store.Area) error {
	b, res := a.BBox, a.Res
	if est := b.AreaKm2() / h3.HexagonAreaAvgKm2(res); est > MaxCells {
		fit := res
		for fit > 0 && b.AreaKm2()/h3.HexagonAreaAvgKm2(fit) > MaxCells {
			fit--
		}
		return &errs.Error{Kind: errs.Invalid, Param: "bbox",
			Message: "the bbox holds about " + strconv.FormatFloat(math.Round(est), 'f', 0, 64) + " cells at res " +
				strconv.Itoa(res) + ", over the limit of " + strconv.Itoa(MaxCells) + ": zoom in to a smaller bbox or use res " +
				strconv.Itoa(fit) + " or coarser",
			Details: gin.H{"estimated_cells": math.Round(est), "max_cells": MaxCells, "max_res_for_bbox": fit}}
	}
	return nil
}

// parseTime reads an RFC 3339 timestamp or a YYYY-MM-DD date (UTC midnight).
func parseTime(param, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, errs.E(errs.Invalid, param, "want an RFC 3339 time (2024-01-31T00:00:00Z) or a date (2024-01-31), got %q", s)
}

// parsePeriod reads the half-open period [fromKey, toKey). Defaults: from 1990-01-01; to
// the next UTC midnight after now, so an open period still uses the day rollups.
func parsePeriod(c *gin.Context, fromKey, toKey string, now time.Time) (store.Period, error) {
	p := store.Period{From: earliest, To: now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)}
	var err error
	if s, ok := c.GetQuery(fromKey); ok {
		if p.From, err = parseTime(fromKey, s); err != nil {
			return p, err
		}
	}
	if s, ok := c.GetQuery(toKey); ok {
		if p.To, err = parseTime(toKey, s); err != nil {
			return p, err
		}
	}
	if !p.From.Before(p.To) {
		return p, errs.E(errs.Invalid, fromKey, "%s (%s) must be before %s (%s)", fromKey, p.From.Format(time.RFC3339), toKey, p.To.Format(time.RFC3339))
	}
	return p, nil
}

// parseFilters reads mode, mo, nationality, source (comma-separated or repeated), route
// (repeated only: route labels may contain commas) and min_reliability; the caller's
// clearance always applies.
func parseFilters(c *gin.Context) (store.Filters, error) {
	f := store.Filters{
		Modes: list(c, "mode", true), MO: list(c, "mo", true), Nationalities: list(c, "nationality", true),
		Sources: list(c, "source", true), Routes: list(c, "route", false), MaxHandling: principal(c).Clearance,
	}
	for i, n := range f.Nationalities {
		n = strings.ToUpper(n)
		if len(n) != 2 || n[0] < 'A' || n[0] > 'Z' || n[1] < 'A' || n[1] > 'Z' {
			return f, errs.E(errs.Invalid, "nationality", "want ISO 3166-1 alpha-2 codes like SY, got %q", c.QueryArray("nationality"))
		}
		f.Nationalities[i] = n
	}
	if s, ok := c.GetQuery("min_reliability"); ok {
		s = strings.ToUpper(strings.TrimSpace(s))
		if len(s) != 1 || s[0] < 'A' || s[0] > 'F' {
			return f, errs.E(errs.Invalid, "min_reliability", "want a source reliability grade A to F, got %q", c.Query("min_reliability"))
		}
		f.MinReliability = s
	}
	return f, nil
}

func list(c *gin.Context, key string, commas bool) []string {
	var out []string
	for _, v := range c.QueryArray(key) {
		parts := []string{v}
		if commas {
			parts = strings.Split(v, ",")
		}
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// parseView reads what the map views share: the area (with the cell cap), the period
// from/to, and the filters with the caller's clearance.
func parseView(c *gin.Context) (store.Area, store.Period, store.Filters, error) {
	a, err := parseArea(c)
	if err != nil {
		return a, store.Period{}, store.Filters{}, err
	}
	p, err := parsePeriod(c, "from", "to", time.Now())
	if err != nil {
		return a, p, store.Filters{}, err
	}
	f, err := parseFilters(c)
	return a, p, f, err
}
