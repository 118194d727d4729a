package api

// OGC API - Features at /ogc: Part 1 Core with the GeoJSON and OpenAPI 3.0 conformance classes,
// and Part 3 filtering: each collection's queryables and CQL2 text filters (api/ogc_filter.go).
//
// Decisions (also written into the OpenAPI document at /ogc/api):
//   - limit: default 100, minimum 1, maximum 10,000. Larger values are clamped to 10,000 rather
//     than refused (Part 1, /req/core/fc-limit-response-1); next links carry the clamped value.
//   - bbox: 4 numbers (CRS84, west > east crosses the antimeridian) or the 6-number 3D form,
//     whose heights are checked and then ignored: the data has no heights.
//   - datetime: an RFC 3339 instant, a date, or an interval a/b with ".." (or "") for an open
//     end, closed at both ends as the standard says. A date-only end includes its whole day.
//     Cells and flows are aggregated over the interval; corridors are kept when their
//     [first_seen, last_seen] span meets it.
//   - Query parameters the API definition does not list are refused with a 400
//     (/req/core/query-param-unknown).

import (
	"context"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/store"
)

// CorridorData is what corridor endpoints ask of the store.
type CorridorData interface {
	Corridors(ctx context.Context, q store.CorridorQuery) ([]store.Corridor, int64 /* total matched */, error)
	Corridor(ctx context.Context, id int64, maxHandling int) (*store.Corridor, error) // errs.NotFound when absent
	Flows(ctx context.Context, a domain.Area, p domain.Period, f domain.Filters) ([]store.Flow, error)
	FlowEdges(ctx context.Context, res int, p domain.Period, maxHandling int) ([]store.Flow, error)
	CellsMonthly(ctx context.Context, res int, cells []h3.Cell, maxHandling int) ([]store.Bucket, error)
}

// Media types and link relations of the OGC API.
const (
	mediaJSON       = "application/json"
	mediaGeoJSON    = "application/geo+json"
	mediaOpenAPI    = "application/vnd.oai.openapi+json;version=3.0"
	mediaSchemaJSON = "application/schema+json"
	relQueryables   = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
	crs84           = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
)

// ogcConformsTo lists the conformance classes the /ogc endpoints pass.
var ogcConformsTo = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
}

func init() { ogcConformsTo = append(ogcConformsTo, ogcFilterConformance...) }

type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// mountOGC registers the OGC API Features routes under /ogc.
func mountOGC(r *gin.Engine, h *handlers) {
	g := r.Group("/ogc")
	g.GET("", handle(h.ogcLanding))
	g.GET("/conformance", handle(h.ogcConformance))
	g.GET("/api", handle(h.ogcAPI))
	g.GET("/collections", handle(h.ogcCollections))
	g.GET("/collections/:collectionId", handle(h.ogcCollection))
	g.GET("/collections/:collectionId/queryables", handle(h.ogcQueryables))
	g.GET("/collections/:collectionId/items", handle(h.ogcItems))
	g.GET("/collections/:collectionId/items/:featureId", handle(h.ogcItem))
}

// ogcLanding answers GET /ogc: the landing page.
func (h *handlers) ogcLanding(c *gin.Context) error {
	if err := ogcOnlyF(c); err != nil {
		return err
	}
	base := h.ogcBase(c)
	c.JSON(http.StatusOK, gin.H{
		"title":       "routewatch",
		"description": "Route corridors, flows between H3 cells and H3 heatmap cells of migrant-smuggling sightings, as OGC API Features.",
		"links": []ogcLink{
			{Href: base, Rel: "self", Type: mediaJSON, Title: "this document"},
			{Href: base + "/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
			{Href: base + "/conformance", Rel: "conformance", Type: mediaJSON, Title: "conformance classes implemented"},
			{Href: base + "/collections", Rel: "data", Type: mediaJSON, Title: "the feature collections"},
		},
	})
	return nil
}

// ogcConformance answers GET /ogc/conformance.
func (h *handlers) ogcConformance(c *gin.Context) error {
	if err := ogcOnlyF(c); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"conformsTo": ogcConformsTo})
	return nil
}

// ogcCollections answers GET /ogc/collections.
func (h *handlers) ogcCollections(c *gin.Context) error {
	if err := ogcOnlyF(c); err != nil {
		return err
	}
	base := h.ogcBase(c)
	list := make([]gin.H, 0, len(ogcCollectionList))
	for _, col := range ogcCollectionList {
		list = append(list, col.describe(base))
	}
	c.JSON(http.StatusOK, gin.H{
		"links":       []ogcLink{{Href: base + "/collections", Rel: "self", Type: mediaJSON, Title: "this document"}},
		"collections": list,
	})
	return nil
}

// ogcCollection answers GET /ogc/collections/{collectionId}.
func (h *handlers) ogcCollection(c *gin.Context) error {
	col, err := ogcLookup(c)
	if err == nil {
		err = ogcOnlyF(c)
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, col.describe(h.ogcBase(c)))
	return nil
}

// ogcQueryables answers GET /ogc/collections/{collectionId}/queryables (Part 3): a JSON Schema
// of the properties a CQL2 filter of the collection's items may name.
func (h *handlers) ogcQueryables(c *gin.Context) error {
	col, err := ogcLookup(c)
	if err == nil {
		err = ogcOnlyF(c)
	}
	if err != nil {
		return err
	}
	props, legacy := queryablesDoc(col.cql)
	c.Header("Content-Type", mediaSchemaJSON)
	c.JSON(http.StatusOK, gin.H{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  h.ogcBase(c) + "/collections/" + col.id + "/queryables",
		"type":                 "object",
		"title":                col.title,
		"description":          "The properties a CQL2 filter on " + col.id + " may name (filter=, filter-lang=cql2-text).",
		"properties":           props,
		"queryables":           legacy, // the Part 3 draft's list, which GDAL 3.6 reads
		"additionalProperties": false,
	})
	return nil
}

// describe is the collection's entry in /collections and its own document.
func (col *ogcCollection) describe(base string) gin.H {
	href := base + "/collections/" + col.id
	return gin.H{
		"id":          col.id,
		"title":       col.title,
		"description": col.description,
		"itemType":    "feature",
		"crs":         []string{crs84},
		"extent": gin.H{
			"spatial":  gin.H{"bbox": [][]float64{{-180, -90, 180, 90}}, "crs": crs84},
			"temporal": gin.H{"interval": [][]any{{nil, nil}}, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"},
		},
		"links": []ogcLink{
			{Href: href, Rel: "self", Type: mediaJSON, Title: "this document"},
			{Href: href + "/items", Rel: "items", Type: mediaGeoJSON, Title: col.title + " (GeoJSON)"},
			{Href: href + "/queryables", Rel: relQueryables, Type: mediaSchemaJSON, Title: "properties that filter " + col.id},
		},
	}
}

// ogcLookup finds the path's collection, a 404 when there is none.
func ogcLookup(c *gin.Context) (*ogcCollection, error) {
	id := c.Param("collectionId")
	for _, col := range ogcCollectionList {
		if col.id == id {
			return col, nil
		}
	}
	return nil, &errs.Error{Kind: errs.NotFound, Param: "collectionId",
		Message: "no collection " + strings.TrimSpace(id) + "; the collections are " + strings.Join(ogcCollectionIDs(), ", ")}
}

func ogcCollectionIDs() []string {
	ids := make([]string, len(ogcCollectionList))
	for i, col := range ogcCollectionList {
		ids[i] = col.id
	}
	return ids
}

// ogcOnlyF refuses any query parameter but f=json on the metadata resources.
func ogcOnlyF(c *gin.Context) error {
	return ogcCheckParams(c, []string{"f"}, []string{"json"})
}

// ogcCheckParams refuses query parameters outside allowed (400, /req/core/query-param-unknown),
// repeated single-valued ones, and an f other than formats.
func ogcCheckParams(c *gin.Context, allowed, formats []string) error {
	q := c.Request.URL.Query()
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains(allowed, k) {
			return &errs.Error{Kind: errs.Invalid, Param: k, Message: "unknown query parameter here; this resource accepts " +
				strings.Join(allowed, ", "), Details: gin.H{"accepted": allowed}}
		}
		if len(q[k]) > 1 && !ogcRepeatable[k] {
			return errs.E(errs.Invalid, k, "give %s once, got %d values", k, len(q[k]))
		}
	}
	if f, ok := c.GetQuery("f"); ok && !slices.Contains(formats, f) {
		return errs.E(errs.Invalid, "f", "want %s (this API answers JSON only), got %q", strings.Join(formats, " or "), f)
	}
	return nil
}

// ogcRepeatable are the parameters that may be repeated (filter lists, as elsewhere in the API).
var ogcRepeatable = map[string]bool{"mode": true, "mo": true, "nationality": true, "route": true, "source": true, "status": true}

// ogcBase is the absolute URL of /ogc (publicBase).
func (h *handlers) ogcBase(c *gin.Context) string { return h.publicBase(c) + "/ogc" }

// publicBase is the absolute URL of the server's root, for links clients follow (OGC links,
// TileJSON tile templates). Links are absolute: GDAL resolves a link starting with "/"
// against the dataset URL (which already ends in /ogc). The base is, first match:
//   - Config.PublicURL (--public-url), the address operators say clients use;
//   - from a trusted proxy (Config.TrustedProxies), X-Forwarded-Proto and X-Forwarded-Host;
//   - the local address the connection arrived on (the listener's, with the scheme of the
//     connection).
//
// Never the Host header: any client sets it, and links built from it would send GDAL, QGIS
// or a cache that stores the answer to a host of the sender's choosing.
func (h *handlers) publicBase(c *gin.Context) string {
	if h.cfg.PublicURL != "" {
		return strings.TrimRight(h.cfg.PublicURL, "/")
	}
	scheme, host := "http", ""
	if c.Request.TLS != nil {
		scheme = "https"
	}
	if a, ok := c.Request.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		host = a.String()
	}
	if h.fromTrustedProxy(c) {
		if p := c.GetHeader("X-Forwarded-Proto"); p == "http" || p == "https" {
			scheme = p
		}
		if fh, _, _ := strings.Cut(c.GetHeader("X-Forwarded-Host"), ","); validHost(strings.TrimSpace(fh)) {
			host = strings.TrimSpace(fh)
		}
	}
	if host == "" { // no connection (a handler called without a server): links relative to the root
		return ""
	}
	return scheme + "://" + host
}

// validHost accepts a host[:port] as it may stand in a URL: letters, digits, dots, hyphens
// and colons, or a bracketed IPv6 address; nothing that could end the authority (/ ? # @)
// or break out of a link.
func validHost(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-:[]", r)
		if !ok {
			return false
		}
	}
	return true
}

func (h *handlers) fromTrustedProxy(c *gin.Context) bool { return trustedPeer(c, h.cfg.TrustedProxies) }
