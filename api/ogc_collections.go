package api

import (
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"

	"routewatch/cql2"
	"routewatch/store"
)

// ogcCollection describes one feature collection and how its features are fetched.
type ogcCollection struct {
	id, title, description string
	geometry               string      // the GeoJSON geometry types of its features, for the API definition
	props                  []string    // output property names, for properties=
	listParams             []string    // query parameters of items beyond the common ones
	itemParams             []string    // query parameters of items/{featureId} beyond f and properties
	cql                    cql2.Schema // the queryables of filter= (api/ogc_filter.go)
	items                  func(h *handlers, c *gin.Context, q ogcQuery) (ogcPage, error)
	item                   func(h *handlers, c *gin.Context, id string, q ogcQuery) (*ogcFeature, error)
}

// ogcParam is a filter query parameter of a collection, described as a JSON Schema.
type ogcParam struct {
	name   string
	schema gin.H
}

// ogcListParams are the query parameters every items resource accepts.
var ogcListParams = append([]string{"f", "bbox", "datetime", "limit", "offset", "properties"}, ogcFilterParams...)

// sightingFilters are the heatmap filters (parseFilters) that cells accept.
var sightingFilters = []string{"mode", "mo", "nationality", "route", "source", "min_reliability"}

// ogcCollectionList is every collection, in the order /collections lists them.
var ogcCollectionList []*ogcCollection

func init() {
	ogcCollectionList = []*ogcCollection{
		{
			id: "corridors", title: "Route corridors",
			description: "Route corridors of the latest completed corridor run: connected chains of strong flows between H3 cells, " +
				"or the cells of one route label. Geometry: the centreline (LineString), or the outline (MultiPolygon) with geometry=outline. " +
				"bbox keeps corridors whose outline meets it; datetime keeps corridors whose first_seen..last_seen span meets it. " +
				plannerNote,
			geometry:   "LineString or MultiPolygon",
			props:      corridorProps,
			listParams: []string{"status", "min_volume", "geometry"},
			itemParams: []string{"geometry", "datetime"},
			cql:        corridorSchema,
			items:      corridorItems, item: corridorItem,
		},
		{
			id: "flows", title: "Flows between H3 cells",
			description: "Movement between neighbouring H3 cells (consecutive sightings of journeys) at resolution res (3, 4 or 5; " +
				"default from the bbox) over the whole months of datetime. Geometry: a LineString from the centre of one cell to the other. " +
				"bbox keeps flows whose start or end cell centre lies in it. " + plannerNote,
			geometry:   "LineString",
			props:      []string{"from", "to", "res", "legs", "journeys", "persons"},
			listParams: []string{"res"},
			itemParams: []string{"datetime"},
			cql:        flowSchema,
			items:      flowItems, item: flowItem,
		},
		{
			id: "cells", title: "Heatmap cells",
			description: "H3 cells with their sightings and persons over datetime (default: all time), at resolution res " +
				"(default from the bbox; the world at res 2 without one), with the heatmap's filters. At most 50,000 cells per bbox and res. " +
				"bbox keeps cells whose centre lies in it. Geometry: the cell's polygon, split in two at the antimeridian. " + plannerNote,
			geometry:   "Polygon or MultiPolygon",
			props:      []string{"h3", "sightings", "persons", "top_modes", "place"},
			listParams: append([]string{"res"}, sightingFilters...),
			itemParams: append([]string{"datetime"}, sightingFilters...),
			cql:        cellSchema,
			items:      cellItems, item: cellItem,
		},
	}
}

// plannerNote closes every collection's description: what planner keys receive instead.
const plannerNote = "Planner keys receive the release grid (docs/SECURITY.md): res 4 and one whole UTC calendar quarter only " +
	"(datetime, default the latest ended quarter with data), no dimension filters, every count a sum of res-4 cells or edges " +
	"holding at least the suppression threshold in that quarter, and a release member saying how many items were withheld."

var corridorStatuses = []string{"new", "growing", "stable", "declining"}

// cellFilterParams are the heatmap's filters as query parameters of cells (they select
// sightings before counting, so they are not queryables of the counted cells).
var cellFilterParams = []ogcParam{
	{"res", gin.H{"title": "res", "type": "integer", "minimum": 0, "maximum": store.CellResolution, "description": "the H3 resolution of the cells"}},
	{"mode", gin.H{"title": "mode", "type": "string", "description": "transport mode of the sightings counted (comma-separated or repeated: any)"}},
	{"mo", gin.H{"title": "mo", "type": "string", "description": "modus operandi tag of the sightings counted (comma-separated or repeated: any)"}},
	{"nationality", gin.H{"title": "nationality", "type": "string", "pattern": "^[A-Za-z]{2}(,[A-Za-z]{2})*$",
		"description": "ISO 3166-1 alpha-2 nationality among the sightings' nationalities (comma-separated or repeated: any)"}},
	{"route", gin.H{"title": "route", "type": "string", "description": "route label of the sightings counted (repeat for several)"}},
	{"source", gin.H{"title": "source", "type": "string", "description": "source (agency) code of the sightings counted (comma-separated or repeated: any)"}},
	{"min_reliability", gin.H{"title": "min_reliability", "type": "string", "enum": []string{"A", "B", "C", "D", "E", "F"},
		"description": "keep sightings of this source reliability grade or better"}},
}

// corridorField is one JSON field of corridor (wire_corridors.go): a property of corridor features.
type corridorField struct {
	name      string
	index     int
	omitEmpty bool
}

// corridorFields are corridor's JSON fields, read once so features follow the wire type's
// tags without encoding every corridor twice.
var corridorFields = func() []corridorField {
	var out []corridorField
	t := reflect.TypeFor[corridor]()
	for i := range t.NumField() {
		name, opts, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && t.Field(i).IsExported() {
			out = append(out, corridorField{name: name, index: i, omitEmpty: strings.Contains(opts, "omitempty")})
		}
	}
	return out
}()

// corridorProps are the corridor features' properties: the JSON fields, the entry and exit
// cells and the places of the centreline's ends.
var corridorProps = func() []string {
	var names []string
	for _, f := range corridorFields {
		names = append(names, f.name)
	}
	return append(names, "entry", "exit", "from_place", "to_place")
}()
