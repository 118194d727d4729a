package api

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uber/h3-go/v4"

	"routewatch/cql2"
	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// Paging bounds of the items resources.
const (
	ogcDefaultLimit = 100
	ogcMaxLimit     = 10_000 // larger limits are clamped to this, not refused
	ogcMaxOffset    = 1 << 30
)

// ogcQuery holds the parameters every items request shares, parsed and checked.
type ogcQuery struct {
	BBox    *geo.BBox     // nil: no bbox given
	Period  domain.Period // half-open; the whole time range when HasTime is false
	HasTime bool          // datetime was given
	Limit   int           // 1..ogcMaxLimit
	Offset  int
	Props   []string  // properties to output; nil: all
	Filter  cql2.Expr // filter= (api/ogc_filter.go); nil: none
}

var worldBBox = geo.BBox{West: -180, South: -90, East: 180, North: 90}

// parseOGCQuery reads bbox, datetime, limit, offset and properties for col.
func parseOGCQuery(c *gin.Context, col *ogcCollection, now time.Time) (ogcQuery, error) {
	q := ogcQuery{Limit: ogcDefaultLimit, Period: domain.Period{From: earliest, To: openEnd(now)}}
	var err error
	if s, ok := c.GetQuery("bbox"); ok {
		b, err := parseOGCBBox(s)
		if err != nil {
			return q, err
		}
		q.BBox = &b
	}
	if s, ok := c.GetQuery("datetime"); ok {
		if q.Period, err = parseDatetime(s, now); err != nil {
			return q, err
		}
		q.HasTime = true
	}
	if s, ok := c.GetQuery("limit"); ok {
		if q.Limit, err = parseLimit(s); err != nil {
			return q, err
		}
	}
	if s, ok := c.GetQuery("offset"); ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > ogcMaxOffset {
			return q, errs.E(errs.Invalid, "offset", "want an integer from 0 to %d, got %q", ogcMaxOffset, s)
		}
		q.Offset = n
	}
	if s, ok := c.GetQuery("properties"); ok {
		if q.Props, err = parseProperties(s, col.props); err != nil {
			return q, err
		}
	}
	q.Filter, err = parseOGCFilter(c, col)
	return q, err
}

// parseOGCBBox reads bbox as 4 numbers (minLon,minLat,maxLon,maxLat in CRS84; minLon > maxLon
// crosses the antimeridian) or 6 (minLon,minLat,minHeight,maxLon,maxLat,maxHeight): the
// heights must be numbers, low before high, and are then ignored, as the data has none.
func parseOGCBBox(s string) (geo.BBox, error) {
	parts := strings.Split(s, ",")
	switch len(parts) {
	case 4:
	case 6:
		lo, err1 := strconv.ParseFloat(strings.TrimSpace(parts[2]), 64)
		hi, err2 := strconv.ParseFloat(strings.TrimSpace(parts[5]), 64)
		if err1 != nil || err2 != nil || math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			return geo.BBox{}, errs.E(errs.Invalid, "bbox", "heights (3rd and 6th numbers) must be finite numbers, got %q and %q", parts[2], parts[5])
		}
		if lo > hi {
			return geo.BBox{}, errs.E(errs.Invalid, "bbox", "minHeight %v is above maxHeight %v", lo, hi)
		}
		parts = []string{parts[0], parts[1], parts[3], parts[4]}
	default:
		return geo.BBox{}, errs.E(errs.Invalid, "bbox", "want 4 comma-separated numbers minLon,minLat,maxLon,maxLat "+
			"(or 6: minLon,minLat,minHeight,maxLon,maxLat,maxHeight, heights ignored), got %d", len(parts))
	}
	b, err := geo.ParseBBox(strings.Join(parts, ","))
	if err != nil {
		return geo.BBox{}, errs.E(errs.Invalid, "bbox", "%s", strings.TrimPrefix(err.Error(), "bbox: "))
	}
	return b, nil
}

// parseDatetime reads the OGC datetime parameter as the half-open period routewatch queries
// with. An instant t is [t, t+1µs) (PostgreSQL keeps microseconds); a date is its whole UTC
// day. An interval a/b is closed, as the standard says: [a, b+1µs), or up to the end of b's
// day when b is a date. ".." or an empty string leaves an end open: from 1990-01-01, to the
// next UTC midnight after now.
func parseDatetime(s string, now time.Time) (domain.Period, error) {
	p := domain.Period{From: earliest, To: openEnd(now)}
	parts := strings.Split(s, "/")
	open := func(v string) bool { return v == ".." || v == "" }
	switch {
	case len(parts) == 1 && open(s):
		return p, errs.E(errs.Invalid, "datetime", "want an instant (2024-06-01T12:00:00Z or 2024-06-01) or an interval start/end with .. for an open end, got %q", s)
	case len(parts) == 1:
		t, day, err := parseInstant(s)
		if err != nil {
			return p, err
		}
		return domain.Period{From: t, To: closedEnd(t, day)}, nil
	case len(parts) > 2:
		return p, errs.E(errs.Invalid, "datetime", "want one instant or one interval start/end, got %q", s)
	}
	if !open(parts[0]) {
		t, _, err := parseInstant(parts[0])
		if err != nil {
			return p, err
		}
		p.From = t
	}
	if !open(parts[1]) {
		t, day, err := parseInstant(parts[1])
		if err != nil {
			return p, err
		}
		p.To = closedEnd(t, day)
	} else if !p.From.Before(p.To) { // an open end after a start in the future: an empty day
		p.To = p.From.Add(24 * time.Hour)
	}
	if !p.From.Before(p.To) {
		return p, errs.E(errs.Invalid, "datetime", "the interval's start %s is after its end %s", parts[0], parts[1])
	}
	return p, nil
}

// parseInstant reads an RFC 3339 date-time (with offset) or a date; day reports a date.
// It also reads the forms GDAL 3.6 writes for dates and partial times in attribute filters
// (2024-06-01T, 2024-06-01T12Z, 2024-06-01T12:30Z).
func parseInstant(s string) (t time.Time, day bool, err error) {
	u := strings.ToUpper(s) // RFC 3339 allows t and z
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15Z07:00", "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, u); err == nil {
			return t.UTC(), false, nil
		}
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02T"} {
		if t, err := time.Parse(layout, u); err == nil {
			return t, true, nil
		}
	}
	return time.Time{}, false, errs.E(errs.Invalid, "datetime", "%q is not an RFC 3339 date-time with offset (2024-06-01T12:00:00Z) or a date (2024-06-01)", s)
}

// closedEnd is the exclusive end that makes t an inclusive one.
func closedEnd(t time.Time, day bool) time.Time {
	if day {
		return t.AddDate(0, 0, 1)
	}
	return t.Add(time.Microsecond)
}

// openEnd is the end of an open period: the next UTC midnight after now (as parsePeriod).
func openEnd(now time.Time) time.Time {
	return now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
}

// parseLimit reads limit: an integer of at least 1; values over ogcMaxLimit are clamped.
func parseLimit(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(strings.TrimSpace(s), "-") {
		return ogcMaxLimit, nil
	}
	if err != nil || n < 1 {
		return 0, errs.E(errs.Invalid, "limit", "want an integer of at least 1 (values over %d are clamped to %d), got %q", ogcMaxLimit, ogcMaxLimit, s)
	}
	return min(n, ogcMaxLimit), nil
}

// parseProperties reads a comma-separated list of the collection's property names; an empty
// value selects none. Unknown names are a 400 listing the known ones.
func parseProperties(s string, known []string) ([]string, error) {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !slices.Contains(known, p) {
			return nil, &errs.Error{Kind: errs.Invalid, Param: "properties",
				Message: "no property " + strconv.Quote(p) + " here; the properties are " + strings.Join(known, ", "),
				Details: gin.H{"properties": known}}
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// ogcCellArea is the area of a cells request: the bbox (the world when none) at res (default
// geo.DefaultRes of the bbox, so the world is res 2), within the caller's limits like the
// heatmap's (cellArea: the cell cap, and res 6 at most for role expert).
func ogcCellArea(c *gin.Context, bbox *geo.BBox) (domain.Area, error) {
	b := worldBBox
	if bbox != nil {
		b = *bbox
	}
	return cellArea(c, b)
}

// ogcFlowArea is the area of a flows request: the bbox (the world when none) at res, one of
// store.FlowResolutions (default: geo.DefaultRes of the bbox, brought into their range).
func ogcFlowArea(c *gin.Context, bbox *geo.BBox) (domain.Area, error) {
	b := worldBBox
	if bbox != nil {
		b = *bbox
	}
	lo, hi := slices.Min(store.FlowResolutions), slices.Max(store.FlowResolutions)
	res := min(max(geo.DefaultRes(b), lo), hi)
	if s, ok := c.GetQuery("res"); ok {
		r, err := strconv.Atoi(s)
		if err != nil || !slices.Contains(store.FlowResolutions, r) {
			return domain.Area{}, errs.E(errs.Invalid, "res", "flows exist at H3 resolutions %v, got %q", store.FlowResolutions, s)
		}
		res = r
	}
	return domain.Area{Res: res, BBox: b}, nil
}

// pointBox is a tiny box around a point, crossing the antimeridian when the point is on it.
func pointBox(ll h3.LatLng) geo.BBox {
	const eps = 1e-6 // degrees: ~0.1 m, far below the spacing of res-10 cell centres
	b := geo.BBox{West: ll.Lng - eps, South: max(-90, ll.Lat-eps), East: ll.Lng + eps, North: min(90, ll.Lat+eps)}
	if b.West < -180 {
		b.West += 360
	}
	if b.East > 180 {
		b.East -= 360
	}
	return b
}
