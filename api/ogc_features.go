package api

import (
	"cmp"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"routewatch/cql2"
	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// cellItems pages the heatmap cells of the request's area and period.
func cellItems(h *handlers, c *gin.Context, q ogcQuery) (ogcPage, error) {
	if h.planner(c) {
		return plannerCellItems(h, c, q)
	}
	a, err := ogcCellArea(c, q.BBox)
	if err != nil {
		return ogcPage{}, err
	}
	f, err := parseFilters(c)
	if err != nil {
		return ogcPage{}, err
	}
	if err := h.refuseFiltersForSuppressed(c, f); err != nil {
		return ogcPage{}, err
	}
	cells, _, err := h.deps.Data.Heatmap(c.Request.Context(), store.Query{Area: a, Period: q.Period, Filters: f})
	if err != nil {
		return ogcPage{}, err
	}
	slices.SortFunc(cells, func(x, y store.CellCount) int { return cmp.Compare(x.Cell, y.Cell) })
	return pageOf(cells, cellFeature, q), nil
}

// cellItem is one cell with sightings in the period: id is its H3 index in hex.
func cellItem(h *handlers, c *gin.Context, id string, q ogcQuery) (*ogcFeature, error) {
	if h.planner(c) {
		return plannerCellItem(h, c, id, q)
	}
	cell, err := geo.ParseCell(id)
	if err != nil || cell.Resolution() > min(store.CellResolution, maxRes(c)) { // experts: aggregates only
		return nil, featureNotFound("cells", id)
	}
	f, err := parseFilters(c)
	if err != nil {
		return nil, err
	}
	a := domain.Area{Res: cell.Resolution(), BBox: pointBox(cell.LatLng())}
	cells, _, err := h.deps.Data.Heatmap(c.Request.Context(), store.Query{Area: a, Period: q.Period, Filters: f})
	if err != nil {
		return nil, err
	}
	for _, cc := range cells {
		if cc.Cell == cell {
			feat := cellFeature(cc)
			return &feat, nil
		}
	}
	return nil, featureNotFound("cells", id)
}

func cellFeature(cc store.CellCount) ogcFeature {
	hc := shapeCell(cc)
	return newFeature(hc.H3, geo.CellGeometry(cc.Cell), map[string]any{
		"h3": hc.H3, "sightings": hc.Sightings, "persons": hc.Persons, "top_modes": hc.TopModes, "place": hc.Place})
}

// flowItems pages the flows of the request's area and period, in the store's order (legs
// descending, then cells).
func flowItems(h *handlers, c *gin.Context, q ogcQuery) (ogcPage, error) {
	if h.planner(c) {
		return plannerFlowItems(h, c, q)
	}
	a, err := ogcFlowArea(c, q.BBox)
	if err != nil {
		return ogcPage{}, err
	}
	flows, err := h.deps.Corridors.Flows(c.Request.Context(), a, q.Period, domain.Filters{MaxHandling: domain.Clearance(principal(c).Clearance)})
	if err != nil {
		return ogcPage{}, err
	}
	return pageOf(flows, flowFeature, q), nil
}

// flowItem is one flow: id is "<from>-<to>", both H3 indexes in hex at one flow resolution.
func flowItem(h *handlers, c *gin.Context, id string, q ogcQuery) (*ogcFeature, error) {
	if h.planner(c) {
		return plannerFlowItem(h, c, id, q)
	}
	fromS, toS, ok := strings.Cut(id, "-")
	from, err1 := geo.ParseCell(fromS)
	to, err2 := geo.ParseCell(toS)
	if !ok || err1 != nil || err2 != nil || from.Resolution() != to.Resolution() ||
		!slices.Contains(store.FlowResolutions, from.Resolution()) {
		return nil, featureNotFound("flows", id)
	}
	a := domain.Area{Res: from.Resolution(), BBox: pointBox(from.LatLng())}
	flows, err := h.deps.Corridors.Flows(c.Request.Context(), a, q.Period, domain.Filters{MaxHandling: domain.Clearance(principal(c).Clearance)})
	if err != nil {
		return nil, err
	}
	for _, fl := range flows {
		if fl.From == from && fl.To == to {
			feat := flowFeature(fl)
			return &feat, nil
		}
	}
	return nil, featureNotFound("flows", id)
}

// flowFeature draws a flow from the centre of From to the centre of To. When the two lie on
// either side of the antimeridian, To's longitude is unwrapped (taken ±360) so the line is
// the short way across it; such lines have longitudes beyond ±180.
func flowFeature(fl store.Flow) ogcFeature {
	a, b := fl.From.LatLng(), fl.To.LatLng()
	lng := b.Lng
	switch {
	case lng-a.Lng > 180:
		lng -= 360
	case lng-a.Lng < -180:
		lng += 360
	}
	from, to := geo.CellString(fl.From), geo.CellString(fl.To)
	return newFeature(from+"-"+to, orb.LineString{{a.Lng, a.Lat}, {lng, b.Lat}}, map[string]any{
		"from": from, "to": to, "res": fl.Res, "legs": fl.Legs, "journeys": fl.Journeys, "persons": fl.Persons})
}

// corridorItems pages the corridors that match the request. Without datetime the store pages;
// with it, every corridor matching the rest is fetched and kept when its span meets the period.
func corridorItems(h *handlers, c *gin.Context, q ogcQuery) (ogcPage, error) {
	outline, err := corridorGeometry(c)
	if err != nil {
		return ogcPage{}, err
	}
	cq, err := parseCorridorQuery(c)
	if err != nil {
		return ogcPage{}, err
	}
	cq.BBox, cq.Limit, cq.Offset = q.BBox, q.Limit, q.Offset
	if q.Filter != nil && !h.planner(c) {
		cols := maps.Clone(store.CorridorColumns)
		cols["geometry"] = "centerline"
		if outline {
			cols["geometry"] = "outline"
		}
		sql, args, err := cql2.SQL(q.Filter, corridorSchema, cols)
		if err != nil {
			return ogcPage{}, errs.E(errs.Invalid, "filter", "%v", err)
		}
		cq.Filter = &store.Filter{SQL: sql, Args: args}
	}
	if h.planner(c) {
		return plannerCorridorItems(h, c, q, outline, cq.Status, cq.MinVolume)
	}
	if q.HasTime {
		cq.Limit, cq.Offset = 0, 0
	}
	cs, total, err := h.deps.Corridors.Corridors(c.Request.Context(), cq)
	if err != nil {
		return ogcPage{}, err
	}
	if q.HasTime {
		cs = slices.DeleteFunc(cs, func(co store.Corridor) bool { return !corridorMeets(co, q.Period) })
		total = int64(len(cs))
		cs = window(cs, q.Offset, q.Limit)
	}
	page := ogcPage{matched: total}
	for _, co := range cs {
		page.features = append(page.features, corridorFeature(co, outline))
	}
	return page, nil
}

// corridorItem is one corridor of the latest run: id is its (stable) integer id; with
// datetime, only when its first_seen..last_seen span meets it (planners: the quarter's release).
func corridorItem(h *handlers, c *gin.Context, id string, q ogcQuery) (*ogcFeature, error) {
	outline, err := corridorGeometry(c)
	if err != nil {
		return nil, err
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < 0 {
		return nil, featureNotFound("corridors", id)
	}
	if h.planner(c) {
		return plannerCorridorItem(h, c, n, q, outline)
	}
	co, err := h.deps.Corridors.Corridor(c.Request.Context(), n, principal(c).Clearance)
	if errs.KindOf(err) == errs.NotFound || (err == nil && q.HasTime && !corridorMeets(*co, q.Period)) {
		return nil, featureNotFound("corridors", id)
	}
	if err != nil {
		return nil, err
	}
	f := corridorFeature(*co, outline)
	return &f, nil
}

// corridorGeometry reads geometry=centerline|outline; true means outline.
func corridorGeometry(c *gin.Context) (bool, error) {
	switch g := c.DefaultQuery("geometry", "centerline"); g {
	case "centerline":
		return false, nil
	case "outline":
		return true, nil
	default:
		return false, errs.E(errs.Invalid, "geometry", "want centerline or outline, got %q", g)
	}
}

// corridorMeets reports whether the corridor's [first_seen, last_seen] span (its run's period
// where unknown) meets the half-open period p.
func corridorMeets(co store.Corridor, p domain.Period) bool {
	from, to := co.FirstSeen, co.LastSeen
	if from.IsZero() {
		from = co.Period.From
	}
	if to.IsZero() {
		to = co.Period.To
	}
	return !from.IsZero() && !to.IsZero() && from.Before(p.To) && !to.Before(p.From)
}

// corridorFeature shapes a corridor: its JSON fields as properties (unknown first/last seen
// as null), entry and exit cells in hex, and the centreline or outline as geometry.
func corridorFeature(co store.Corridor, outline bool) ogcFeature {
	v := reflect.ValueOf(corridorOf(co))
	props := make(map[string]any, len(corridorFields)+4)
	for _, f := range corridorFields {
		fv := v.Field(f.index)
		if f.omitEmpty && fv.IsZero() {
			continue
		}
		props[f.name] = fv.Interface()
	}
	if co.FirstSeen.IsZero() {
		props["first_seen"] = nil
	}
	if co.LastSeen.IsZero() {
		props["last_seen"] = nil
	}
	props["entry"], props["exit"] = cellStrings(co.Entry), cellStrings(co.Exit)
	props["from_place"], props["to_place"] = endPlaces(co.Centerline)
	var g orb.Geometry
	switch {
	case outline && len(co.Outline) > 0:
		g = co.Outline
	case !outline && len(co.Centerline) > 0:
		g = co.Centerline
	}
	return newFeature(co.ID, g, props)
}

func cellStrings(cells []h3.Cell) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = geo.CellString(c)
	}
	return out
}
