package api

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// MaxCells is the most cells one heatmap, timeline, compare or OGC cells request may touch:
// geo.BBox.TouchedCells, the bbox's area and its edges' reach over the average cell at the
// requested resolution (a thin strip has little area but lies across many cells). Larger
// requests are refused with a 400 before any query runs.
const MaxCells = 50_000

// expertMaxRes is the finest resolution role expert may ask cells at. Experts see aggregates
// only (no /api/v1/cells/{h3}); res 6 is the finest resolution the rollups keep
// (store.RollupResolutions), the finest the system itself treats as an aggregate, with cells of
// 36 km² on average (h3.HexagonAreaAvgKm2(6)). A res-10 cell (0.015 km², about 130 m across)
// holds the reports of one spot: sighting-level detail.
const expertMaxRes = 6

// earliest is the default start of a period: ingest refuses anything older.
var earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// parseArea reads bbox (default: the whole world) and res (default: geo.DefaultRes of the
// bbox) and applies the caller's limits (cellArea).
func parseArea(c *gin.Context) (domain.Area, error) {
	b, err := parseBBox(c)
	if err != nil {
		return domain.Area{}, err
	}
	return cellArea(c, b)
}

// parseBBox reads bbox; default: the whole world.
func parseBBox(c *gin.Context) (geo.BBox, error) {
	s, ok := c.GetQuery("bbox")
	if !ok {
		return worldBBox, nil
	}
	b, err := geo.ParseBBox(s)
	if err != nil {
		return b, errs.E(errs.Invalid, "bbox", "%v", err)
	}
	return b, nil
}

// parseBBoxRes reads bbox and res without the cell cap (for answers not sized by cells).
func parseBBoxRes(c *gin.Context) (domain.Area, error) {
	b, err := parseBBox(c)
	if err != nil {
		return domain.Area{}, err
	}
	res := geo.DefaultRes(b)
	if s, ok := c.GetQuery("res"); ok {
		r, err := parseRes(s)
		if err != nil {
			return domain.Area{}, err
		}
		res = r
	}
	return domain.Area{Res: res, BBox: b}, nil
}

// parseRes reads an H3 resolution from 0 to the stored one (10).
func parseRes(s string) (int, error) {
	r, err := strconv.Atoi(s)
	if err != nil || r < 0 || r > store.CellResolution {
		return 0, errs.E(errs.Invalid, "res", "want an H3 resolution from 0 to %d, got %q", store.CellResolution, s)
	}
	return r, nil
}

// cellArea is the area of a request answered in cells of b (heatmap, timeline, compare, OGC
// cells) at the res parameter, within the caller's limits:
//   - role expert: res at most expertMaxRes, else a 400 naming res, the maximum
//     (details.max_res) and the finest resolution this request may use
//     (details.max_res_for_bbox, which the web app retries at);
//   - everyone: at most MaxCells touched cells (checkCellCap).
//
// Without res the resolution is geo.DefaultRes(b), brought within both limits instead of
// refused.
func cellArea(c *gin.Context, b geo.BBox) (domain.Area, error) {
	return cellAreaAt(c, b, geo.DefaultRes(b))
}

// cellAreaAt is cellArea with def as the resolution when the request names none.
func cellAreaAt(c *gin.Context, b geo.BBox, def int) (domain.Area, error) {
	most := maxRes(c)
	s, given := c.GetQuery("res")
	if !given {
		res := min(def, most)
		return domain.Area{Res: max(0, min(res, b.FinestResWithin(res, MaxCells))), BBox: b}, nil
	}
	res, err := parseRes(s)
	if err != nil {
		return domain.Area{}, err
	}
	if res > most {
		return domain.Area{}, &errs.Error{Kind: errs.Invalid, Param: "res",
			Message: "role " + principal(c).Role + " sees cells no finer than res " + strconv.Itoa(most) +
				" (aggregates of about " + strconv.FormatFloat(math.Round(h3.HexagonAreaAvgKm2(most)), 'f', 0, 64) +
				" km²), got res " + strconv.Itoa(res),
			Details: gin.H{"max_res": most, "max_res_for_bbox": max(0, b.FinestResWithin(most, MaxCells))}}
	}
	a := domain.Area{Res: res, BBox: b}
	return a, checkCellCap(a)
}

// maxRes is the finest resolution the caller may see cells at: expertMaxRes for role
// expert, the stored resolution for the other roles.
func maxRes(c *gin.Context) int {
	if principal(c).Role == roleExpert {
		return expertMaxRes
	}
	return store.CellResolution
}

// checkCellCap refuses an area whose bbox can touch more than MaxCells cells at its
// resolution (geo.BBox.TouchedCells), naming the finest resolution that fits.
func checkCellCap(a domain.Area) error {
	b, res := a.BBox, a.Res
	est := b.TouchedCells(res)
	if est <= MaxCells {
		return nil
	}
	fit := max(0, b.FinestResWithin(res, MaxCells))
	return &errs.Error{Kind: errs.Invalid, Param: "bbox",
		Message: "the bbox can touch about " + strconv.FormatFloat(math.Round(est), 'f', 0, 64) + " cells at res " +
			strconv.Itoa(res) + ", over the limit of " + strconv.Itoa(MaxCells) + ": use a smaller bbox or res " +
			strconv.Itoa(fit) + " or coarser",
		Details: gin.H{"estimated_cells": math.Round(est), "max_cells": MaxCells, "max_res_for_bbox": fit}}
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
func parsePeriod(c *gin.Context, fromKey, toKey string, now time.Time) (domain.Period, error) {
	p := domain.Period{From: earliest, To: now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)}
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

// parseFilters reads mode, mo, nationality, source, channel (comma-separated or repeated), route
// (repeated only: route labels may contain commas) and min_reliability; the caller's
// clearance always applies.
func parseFilters(c *gin.Context) (domain.Filters, error) {
	f := domain.Filters{
		Modes: list(c, "mode", true), MO: list(c, "mo", true), Nationalities: list(c, "nationality", true),
		Sources: list(c, "source", true), Channels: list(c, "channel", true), Routes: list(c, "route", false), MaxHandling: domain.Clearance(principal(c).Clearance),
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
func parseView(c *gin.Context) (domain.Area, domain.Period, domain.Filters, error) {
	a, err := parseArea(c)
	if err != nil {
		return a, domain.Period{}, domain.Filters{}, err
	}
	p, err := parsePeriod(c, "from", "to", time.Now())
	if err != nil {
		return a, p, domain.Filters{}, err
	}
	f, err := parseFilters(c)
	return a, p, f, err
}
