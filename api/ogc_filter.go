package api

import (
	"slices"

	"github.com/gin-gonic/gin"

	"routewatch/cql2"
	"routewatch/errs"
)

// CQL2 filtering of the items resources (OGC API Features Part 3, OGC 21-065r2): filter=
// holds a CQL2 text expression over the collection's queryables (cql2.Schema), filter-lang
// names its language (cql2-text; GDAL 3.6 and older send the draft's name cql-text, which
// means the same here) and filter-crs its CRS (CRS84 only). Reader corridors are filtered in
// SQL (store.CorridorQuery.Filter, compiled by cql2.SQL over store.CorridorColumns); cells,
// flows and every planner answer are aggregates computed per request and are filtered in Go
// (cql2.Eval) before paging; both follow SQL's three-valued logic.

// ogcFilterParams are the query parameters of filtering, on every items resource.
var ogcFilterParams = []string{"filter", "filter-lang", "filter-crs"}

// ogcFilterConformance are the conformance classes of filtering (ogcConformsTo).
var ogcFilterConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
}

// The queryables of each collection: properties of its features (the geometry as
// "geometry").
var (
	corridorSchema = cql2.Schema{"id": cql2.Number, "kind": cql2.String, "label": cql2.String, "res": cql2.Number,
		"legs": cql2.Number, "journeys": cql2.Number, "persons": cql2.Number, "sightings": cql2.Number,
		"first_seen": cql2.Timestamp, "last_seen": cql2.Timestamp, "trend": cql2.Number, "status": cql2.String,
		"geometry": cql2.Geometry}
	flowSchema = cql2.Schema{"from": cql2.String, "to": cql2.String, "res": cql2.Number, "legs": cql2.Number,
		"journeys": cql2.Number, "persons": cql2.Number, "geometry": cql2.Geometry}
	cellSchema = cql2.Schema{"h3": cql2.String, "sightings": cql2.Number, "persons": cql2.Number, "place": cql2.String, "geometry": cql2.Geometry}
)

// parseOGCFilter reads filter, filter-lang and filter-crs for col: nil without a filter.
func parseOGCFilter(c *gin.Context, col *ogcCollection) (cql2.Expr, error) {
	if lang, ok := c.GetQuery("filter-lang"); ok && lang != "cql2-text" && lang != "cql-text" {
		return nil, errs.E(errs.Invalid, "filter-lang", "want cql2-text (cql2-json is not supported), got %q", lang)
	}
	if crs, ok := c.GetQuery("filter-crs"); ok && crs != crs84 {
		return nil, errs.E(errs.Invalid, "filter-crs", "filters are in %s only, got %q", crs84, crs)
	}
	text, ok := c.GetQuery("filter")
	if !ok {
		return nil, nil
	}
	e, err := cql2.Check(text, col.cql)
	if err != nil {
		return nil, errs.E(errs.Invalid, "filter", "%v", err)
	}
	return e, nil
}

// featureMatches reports whether f passes e (nil passes everything).
func featureMatches(e cql2.Expr, f ogcFeature) bool {
	if e == nil {
		return true
	}
	props := make(map[string]any, len(f.Properties)+1)
	for k, v := range f.Properties {
		props[k] = v
	}
	if f.Geometry != nil {
		props["geometry"] = f.Geometry.Geometry()
	}
	return cql2.Eval(e, props)
}

// pageOf is the page of items (in order) whose features pass q.Filter, as
// feature shapes them; numberMatched counts the items that pass.
func pageOf[T any](items []T, feature func(T) ogcFeature, q ogcQuery) ogcPage {
	if q.Filter == nil {
		page := ogcPage{matched: int64(len(items))}
		for _, it := range window(items, q.Offset, q.Limit) {
			page.features = append(page.features, feature(it))
		}
		return page
	}
	var kept []ogcFeature
	for _, it := range items {
		if f := feature(it); featureMatches(q.Filter, f) {
			kept = append(kept, f)
		}
	}
	return ogcPage{matched: int64(len(kept)), features: slices.Clip(window(kept, q.Offset, q.Limit))}
}

// queryablesDoc is the properties of a collection's queryables as JSON Schema (Part 3), and
// the same names in the draft's "queryables" list that GDAL 3.6 reads to decide which
// attribute filters it sends to the server.
func queryablesDoc(s cql2.Schema) (gin.H, []gin.H) {
	props := gin.H{}
	var legacy []gin.H
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		var schema gin.H
		switch s[n] {
		case cql2.String:
			schema = gin.H{"type": "string"}
		case cql2.Number:
			schema = gin.H{"type": "number"}
		case cql2.Boolean:
			schema = gin.H{"type": "boolean"}
		case cql2.Timestamp:
			schema = gin.H{"type": "string", "format": "date-time"}
		case cql2.Geometry:
			schema = gin.H{"type": "object", "format": "geometry-any", "description": "the feature's geometry (S_INTERSECTS with BBOX or POINT)"}
		}
		schema["title"] = n
		props[n] = schema
		legacy = append(legacy, gin.H{"id": n, "type": s[n].String()})
	}
	return props, legacy
}
