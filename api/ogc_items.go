package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"routewatch/errs"
)

// ogcFeature is one GeoJSON feature as the OGC API writes it.
type ogcFeature struct {
	Type       string            `json:"type"`
	ID         any               `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties map[string]any    `json:"properties"`
	Links      []ogcLink         `json:"links,omitempty"`
}

func newFeature(id any, g orb.Geometry, props map[string]any) ogcFeature {
	f := ogcFeature{Type: "Feature", ID: id, Properties: props}
	if g != nil {
		f.Geometry = geojson.NewGeometry(g)
	}
	return f
}

// ogcPage is one page of a collection's items and the number of items matched in all.
type ogcPage struct {
	features []ogcFeature
	matched  int64
	release  *releaseNote // planner answers: what the page was released from, what was withheld
}

// window returns the page of s that starts at offset and holds at most limit elements.
func window[T any](s []T, offset, limit int) []T {
	if offset >= len(s) {
		return nil
	}
	return s[offset:min(len(s), offset+limit)]
}

// ogcItems answers GET /ogc/collections/{collectionId}/items: a GeoJSON FeatureCollection page
// with numberMatched, numberReturned, timeStamp and self, collection, prev and next links.
func (h *handlers) ogcItems(c *gin.Context) error {
	col, err := ogcLookup(c)
	if err != nil {
		return err
	}
	if err := ogcCheckParams(c, append(append([]string{}, ogcListParams...), col.listParams...), []string{"json", "geojson"}); err != nil {
		return err
	}
	q, err := parseOGCQuery(c, col, time.Now())
	if err != nil {
		return err
	}
	if err := h.ogcHasData(c, col); err != nil {
		return err
	}
	page, err := col.items(h, c, q)
	if err != nil {
		return err
	}
	setRows(c, len(page.features))
	links := pageLinks(h.ogcBase(c), c, col, q, len(page.features), page.matched)
	members := []member{{"timeStamp", time.Now().UTC().Format(time.RFC3339)}, {"numberMatched", page.matched},
		{"numberReturned", len(page.features)}, {"links", links}}
	if page.release != nil {
		members = append(members, member{"release", page.release})
	}
	writeFeatures(c, members, len(page.features), func(i int) any { return selectProps(page.features[i], q.Props) })
	return nil
}

// pageLinks are the links of one page of returned features out of matched: self, collection,
// and prev and next where there are such pages.
func pageLinks(base string, c *gin.Context, col *ogcCollection, q ogcQuery, returned int, matched int64) []ogcLink {
	links := []ogcLink{
		{Href: pageURL(base, c, q.Offset, q.Limit, false), Rel: "self", Type: mediaGeoJSON, Title: "this page"},
		{Href: base + "/collections/" + col.id, Rel: "collection", Type: mediaJSON, Title: col.title},
	}
	if q.Offset > 0 {
		links = append(links, ogcLink{Href: pageURL(base, c, max(0, q.Offset-q.Limit), q.Limit, true), Rel: "prev", Type: mediaGeoJSON, Title: "previous page"})
	}
	if returned > 0 && int64(q.Offset+returned) < matched {
		links = append(links, ogcLink{Href: pageURL(base, c, q.Offset+returned, q.Limit, true), Rel: "next", Type: mediaGeoJSON, Title: "next page"})
	}
	return links
}

// ogcItem answers GET /ogc/collections/{collectionId}/items/{featureId}: one GeoJSON feature
// with self and collection links, or a 404.
func (h *handlers) ogcItem(c *gin.Context) error {
	col, err := ogcLookup(c)
	if err != nil {
		return err
	}
	if err := ogcCheckParams(c, append([]string{"f", "properties"}, col.itemParams...), []string{"json", "geojson"}); err != nil {
		return err
	}
	q, err := parseOGCQuery(c, col, time.Now())
	if err != nil {
		return err
	}
	if err := h.ogcHasData(c, col); err != nil {
		return err
	}
	f, err := col.item(h, c, c.Param("featureId"), q)
	if err != nil {
		return err
	}
	setRows(c, 1)
	out := selectProps(*f, q.Props)
	base := h.ogcBase(c)
	out.Links = []ogcLink{
		{Href: base + "/collections/" + col.id + "/items/" + url.PathEscape(c.Param("featureId")), Rel: "self", Type: mediaGeoJSON, Title: "this feature"},
		{Href: base + "/collections/" + col.id, Rel: "collection", Type: mediaJSON, Title: col.title},
	}
	c.Header("Content-Type", mediaGeoJSON)
	s := startJSON(c, http.StatusOK)
	defer s.close()
	s.value(out)
	return nil
}

// ogcHasData is a 503 when the collection's data source is not wired (a deployment fault,
// not the caller's).
func (h *handlers) ogcHasData(c *gin.Context, col *ogcCollection) error {
	if (col.id == "cells" && h.deps.Data == nil) || (col.id != "cells" && h.deps.Corridors == nil) {
		return errs.E(errs.Unavailable, "", "the %s collection has no data source configured", col.id)
	}
	return nil
}

// featureNotFound is the 404 of an unknown feature id.
func featureNotFound(col, id string) error {
	return errs.E(errs.NotFound, "featureId", "no feature %s in collection %s", strconv.Quote(id), col)
}

// pageURL is the request's URL with offset and limit set (when set is true: next and prev
// links carry the clamped limit) and every other parameter kept.
func pageURL(base string, c *gin.Context, offset, limit int, set bool) string {
	q := c.Request.URL.Query()
	if set {
		q.Set("limit", strconv.Itoa(limit))
		if offset > 0 {
			q.Set("offset", strconv.Itoa(offset))
		} else {
			q.Del("offset")
		}
	}
	u := base + c.Request.URL.Path[len("/ogc"):]
	if enc := q.Encode(); enc != "" {
		u += "?" + enc
	}
	return u
}

// selectProps returns f with only the chosen properties (all when props is nil).
func selectProps(f ogcFeature, props []string) ogcFeature {
	if props == nil {
		return f
	}
	kept := make(map[string]any, len(props))
	for _, p := range props {
		if v, ok := f.Properties[p]; ok {
			kept[p] = v
		}
	}
	f.Properties = kept
	return f
}
