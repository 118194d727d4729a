package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"routewatch/store"
)

// ogcAPI answers GET /ogc/api: the OpenAPI 3.0 definition of the /ogc endpoints.
func (h *handlers) ogcAPI(c *gin.Context) error {
	if err := ogcOnlyF(c); err != nil {
		return err
	}
	body, err := json.Marshal(ogcOpenAPI(h.ogcBase(c)))
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, mediaOpenAPI, body)
	return nil
}

// ogcOpenAPI builds the OpenAPI 3.0 document of the /ogc endpoints served at base.
func ogcOpenAPI(base string) gin.H {
	ref := func(kind, name string) gin.H { return gin.H{"$ref": "#/components/" + kind + "/" + name} }
	params := func(names ...string) []gin.H {
		out := make([]gin.H, len(names))
		for i, n := range names {
			out[i] = ref("parameters", n)
		}
		return out
	}
	jsonResp := func(desc, media, schema string) gin.H {
		return gin.H{"description": desc, "content": gin.H{media: gin.H{"schema": ref("schemas", schema)}}}
	}
	errors := gin.H{
		"400": ref("responses", "BadRequest"), "404": ref("responses", "NotFound"),
		"500": ref("responses", "ServerError"), "503": ref("responses", "Unavailable"),
	}
	op := func(id, summary, desc string, ps []gin.H, ok gin.H) gin.H {
		responses := gin.H{"200": ok}
		for k, v := range errors {
			responses[k] = v
		}
		return gin.H{"get": gin.H{"operationId": id, "summary": summary, "description": desc, "parameters": ps, "responses": responses}}
	}
	return gin.H{
		"openapi": "3.0.3",
		"info": gin.H{
			"title":   "routewatch OGC API - Features",
			"version": "1.0.0",
			"description": "Route corridors, flows and H3 heatmap cells as OGC API Features (Part 1: Core, GeoJSON, OpenAPI 3.0). " +
				"Query parameters not listed for an operation are refused with a 400. Errors are " +
				`{"error": {"code", "message", "details"}}.`,
		},
		"servers": []gin.H{{"url": base}},
		"paths": ogcOpenAPIPaths(op, params, jsonResp, gin.H{
			"/": op("getLandingPage", "landing page", "Links to the API definition, the conformance classes and the collections.",
				params("f"), jsonResp("the landing page", mediaJSON, "LandingPage")),
			"/conformance": op("getConformance", "conformance classes", "The conformance classes this API implements.",
				params("f"), jsonResp("the conformance declaration", mediaJSON, "Conformance")),
			"/api": op("getAPI", "API definition", "This document.",
				params("f"), gin.H{"description": "the OpenAPI 3.0 definition", "content": gin.H{mediaOpenAPI: gin.H{"schema": gin.H{"type": "object"}}}}),
			"/collections": op("getCollections", "feature collections", "The collections: corridors, flows and cells.",
				params("f"), jsonResp("the collections", mediaJSON, "Collections")),
			"/collections/{collectionId}": op("describeCollection", "one collection", "A collection's metadata and links.",
				params("collectionId", "f"), jsonResp("the collection", mediaJSON, "Collection")),
			"/collections/{collectionId}/queryables": op("getQueryables", "queryables (Part 3)",
				"A JSON Schema of the properties a CQL2 filter (filter=) of the collection's items may name.",
				params("collectionId", "f"), jsonResp("the queryables", mediaSchemaJSON, "Queryables")),
		}),
		"components": gin.H{
			"parameters": ogcOpenAPIParams(),
			"schemas":    ogcOpenAPISchemas(),
			"responses": gin.H{
				"BadRequest":  jsonResp("a query parameter is unknown or has an invalid value; the message names it", mediaJSON, "Error"),
				"NotFound":    jsonResp("no such collection or feature", mediaJSON, "Error"),
				"ServerError": jsonResp("a server error", mediaJSON, "Error"),
				"Unavailable": jsonResp("the data store is unavailable; try again later", mediaJSON, "Error"),
			},
		},
	}
}

// ogcOpenAPIPaths adds each collection's items and item paths to paths, with exactly the query
// parameters the collection accepts: concrete paths, so clients (GDAL among them) see per
// collection which parameters filter it.
func ogcOpenAPIPaths(op func(id, summary, desc string, ps []gin.H, ok gin.H) gin.H, params func(...string) []gin.H,
	jsonResp func(desc, media, schema string) gin.H, paths gin.H) gin.H {
	for _, col := range ogcCollectionList {
		names := append(append([]string{}, ogcListParams...), col.listParams...)
		for i, n := range names {
			names[i] = ogcParamKey(col.id, n)
		}
		paths["/collections/"+col.id+"/items"] = op("getFeatures_"+col.id, col.title,
			col.description+" A page of features (GeoJSON FeatureCollection) with numberMatched, numberReturned, timeStamp "+
				"and self, collection, prev and next links.",
			params(names...), jsonResp("a page of features ("+col.geometry+")", mediaGeoJSON, "FeatureCollection"))
		names = append([]string{col.id + "FeatureId", "f", "properties"}, col.itemParams...)
		for i, n := range names[1:] {
			names[i+1] = ogcParamKey(col.id, n)
		}
		paths["/collections/"+col.id+"/items/{featureId}"] = op("getFeature_"+col.id, "one feature of "+col.id,
			"One feature with self and collection links, or a 404.",
			params(names...), jsonResp("the feature ("+col.geometry+")", mediaGeoJSON, "Feature"))
	}
	return paths
}

// ogcParamKey names the components/parameters entry of a collection's query parameter.
func ogcParamKey(collection, name string) string {
	switch name {
	case "res":
		return collection + "Res"
	case "f":
		return "fFeatures"
	}
	return name
}

func ogcOpenAPIParams() gin.H {
	query := func(name, desc string, schema gin.H) gin.H {
		return gin.H{"name": name, "in": "query", "required": false, "description": desc, "schema": schema, "style": "form", "explode": false}
	}
	repeated := func(name, desc string) gin.H {
		return gin.H{"name": name, "in": "query", "required": false, "description": desc,
			"schema": gin.H{"type": "array", "items": gin.H{"type": "string"}}, "style": "form", "explode": true}
	}
	path := func(name, desc string, schema gin.H) gin.H {
		return gin.H{"name": name, "in": "path", "required": true, "description": desc, "schema": schema}
	}
	str := gin.H{"type": "string"}
	ps := gin.H{
		"collectionId": gin.H{"name": "collectionId", "in": "path", "required": true, "description": "the collection",
			"schema": gin.H{"type": "string", "enum": ogcCollectionIDs()}},
		"f":         query("f", "the output format: JSON only", gin.H{"type": "string", "enum": []string{"json"}}),
		"fFeatures": query("f", "the output format: GeoJSON only (json and geojson both name it)", gin.H{"type": "string", "enum": []string{"json", "geojson"}}),
		"bbox": query("bbox", "Only features that meet the box: minLon,minLat,maxLon,maxLat in CRS84 degrees (minLon > maxLon crosses the antimeridian), "+
			"or the 3D form minLon,minLat,minHeight,maxLon,maxLat,maxHeight whose heights are checked and ignored (the data has none). "+
			"Corridors: the outline meets the box; flows: the start or end cell centre lies in it; cells: the cell centre lies in it.",
			gin.H{"type": "array", "minItems": 4, "maxItems": 6, "items": gin.H{"type": "number"}}),
		"datetime": query("datetime", "An RFC 3339 date-time with offset or a date, or an interval start/end with .. (or empty) for an open end, "+
			"e.g. 2024-01-01/2024-03-31, 2024-06-01T00:00:00Z/.., ../2024-06-30. Intervals are closed; a date-only end includes its whole day. "+
			"Cells and flows are aggregated over the interval (flows over its whole months); corridors are kept when first_seen..last_seen meets it. Default: all time.", str),
		"limit": query("limit", "The most features in the response: default "+strconv.Itoa(ogcDefaultLimit)+", maximum "+strconv.Itoa(ogcMaxLimit)+
			". Larger values are clamped to "+strconv.Itoa(ogcMaxLimit)+" (not refused); next links carry the clamped value.",
			gin.H{"type": "integer", "minimum": 1, "maximum": ogcMaxLimit, "default": ogcDefaultLimit}),
		"offset": query("offset", "Features to skip (paging; next links set it).",
			gin.H{"type": "integer", "minimum": 0, "maximum": ogcMaxOffset, "default": 0}),
		"properties": query("properties", "Comma-separated property names to output (empty: none); unknown names are a 400. Default: all.",
			gin.H{"type": "array", "items": str}),
		"cellsRes": query("res", "the H3 resolution of the cells, 0 to 10; default from the bbox (the world: 2). A bbox holding more than "+
			strconv.Itoa(MaxCells)+" cells at res is refused.", gin.H{"type": "integer", "minimum": 0, "maximum": 10}),
		"flowsRes": query("res", "the H3 resolution of the flows, 3, 4 or 5; default from the bbox (the world: 3).",
			gin.H{"type": "integer", "enum": store.FlowResolutions}),
		"corridorsFeatureId": path("featureId", "the corridor's integer id", gin.H{"type": "integer", "minimum": 0}),
		"flowsFeatureId":     path("featureId", "<from>-<to>: the flow's two H3 cells in hex", str),
		"cellsFeatureId":     path("featureId", "the cell's H3 index in hex", str),
		"status":             repeated("status", "corridors: keep corridors of these statuses (new, growing, stable, declining); comma-separated or repeated"),
		"min_volume": query("min_volume", "corridors: the least legs (flow corridors) or sightings (label corridors)",
			gin.H{"type": "integer", "minimum": 0}),
		"geometry": query("geometry", "corridors: centerline (LineString, default) or outline (MultiPolygon)",
			gin.H{"type": "string", "enum": []string{"centerline", "outline"}, "default": "centerline"}),
		"filter": query("filter", "A CQL2 text filter (OGC 21-065r2) over the collection's queryables (/collections/{collectionId}/queryables): "+
			"comparisons (= <> < <= > >=), AND, OR, NOT, IS [NOT] NULL, [NOT] LIKE, [NOT] BETWEEN, [NOT] IN, TRUE/FALSE, "+
			"DATE('…') and TIMESTAMP('…'), S_INTERSECTS(geometry, BBOX(w, s, e, n) | POINT(x y)) and T_INTERSECTS(a, b) with "+
			"instants, properties or INTERVAL(start, end) ('..' open). A null makes a comparison unknown, and unknown selects nothing. "+
			"A filter that cannot be read or names no queryable is a 400 saying where.", str),
		"filter-lang": query("filter-lang", "The filter's language: cql2-text (default); cql-text, the draft's name that GDAL 3.6 sends, means the same.",
			gin.H{"type": "string", "enum": []string{"cql2-text", "cql-text"}, "default": "cql2-text"}),
		"filter-crs": query("filter-crs", "The CRS of the filter's coordinates: CRS84 only.",
			gin.H{"type": "string", "enum": []string{crs84}, "default": crs84}),
		"min_reliability": query("min_reliability", "cells: count sightings of this source reliability grade or better",
			gin.H{"type": "string", "enum": []string{"A", "B", "C", "D", "E", "F"}}),
	}
	for _, q := range cellFilterParams {
		if _, done := ps[q.name]; !done && q.name != "res" {
			ps[q.name] = repeated(q.name, "cells: "+q.schema["description"].(string))
		}
	}
	return ps
}

func ogcOpenAPISchemas() gin.H {
	str := gin.H{"type": "string"}
	link := gin.H{"type": "object", "required": []string{"href", "rel"}, "properties": gin.H{
		"href": str, "rel": str, "type": str, "title": str}}
	links := gin.H{"type": "array", "items": gin.H{"$ref": "#/components/schemas/Link"}}
	feature := gin.H{"type": "object", "required": []string{"type", "geometry", "properties"}, "properties": gin.H{
		"type": gin.H{"type": "string", "enum": []string{"Feature"}}, "id": gin.H{"oneOf": []gin.H{str, {"type": "integer"}}},
		"geometry": gin.H{"type": "object", "nullable": true}, "properties": gin.H{"type": "object", "nullable": true}, "links": links}}
	return gin.H{
		"Link": link,
		"LandingPage": gin.H{"type": "object", "required": []string{"links"}, "properties": gin.H{
			"title": str, "description": str, "links": links}},
		"Conformance": gin.H{"type": "object", "required": []string{"conformsTo"}, "properties": gin.H{
			"conformsTo": gin.H{"type": "array", "items": str}}},
		"Collection": gin.H{"type": "object", "required": []string{"id", "links"}, "properties": gin.H{
			"id": str, "title": str, "description": str, "links": links, "itemType": str,
			"crs": gin.H{"type": "array", "items": str}, "extent": gin.H{"type": "object"}}},
		"Collections": gin.H{"type": "object", "required": []string{"links", "collections"}, "properties": gin.H{
			"links": links, "collections": gin.H{"type": "array", "items": gin.H{"$ref": "#/components/schemas/Collection"}}}},
		"Queryables": gin.H{"type": "object", "properties": gin.H{
			"$schema": str, "$id": str, "type": str, "title": str, "properties": gin.H{"type": "object"}}},
		"Feature": feature,
		"FeatureCollection": gin.H{"type": "object", "required": []string{"type", "features"}, "properties": gin.H{
			"type":           gin.H{"type": "string", "enum": []string{"FeatureCollection"}},
			"features":       gin.H{"type": "array", "items": gin.H{"$ref": "#/components/schemas/Feature"}},
			"links":          links,
			"timeStamp":      gin.H{"type": "string", "format": "date-time"},
			"numberMatched":  gin.H{"type": "integer", "minimum": 0},
			"numberReturned": gin.H{"type": "integer", "minimum": 0}}},
		"Error": gin.H{"type": "object", "required": []string{"error"}, "properties": gin.H{
			"error": gin.H{"type": "object", "required": []string{"code", "message"}, "properties": gin.H{
				"code": str, "message": str, "details": gin.H{}}}}},
	}
}
