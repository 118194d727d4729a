package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"routewatch/errs"
	"routewatch/geo"
	"routewatch/geo/places"
	"routewatch/store"
)

// getCell answers GET /api/v1/cells/{h3}: the cell's weekly series, breakdowns by mode,
// modus operandi, nationality, source, reporting channel, reliability and route, and its neighbours' counts.
func (h *handlers) getCell(c *gin.Context) error {
	cell, err := geo.ParseCell(c.Param("h3"))
	if err != nil {
		return errs.E(errs.Invalid, "h3", "%v", err)
	}
	if cell.Resolution() > store.CellResolution {
		return errs.E(errs.Invalid, "h3", "cell %s has resolution %d; the finest stored is %d", c.Param("h3"), cell.Resolution(), store.CellResolution)
	}
	p, err := parsePeriod(c, "from", "to", time.Now())
	if err != nil {
		return err
	}
	f, err := parseFilters(c)
	if err != nil {
		return err
	}
	if h.notModified(c, p) {
		return nil
	}
	d, err := h.deps.Data.Cell(c.Request.Context(), cell, p, f)
	if err != nil {
		return err
	}
	ll := cell.LatLng()
	place, err := places.Describe(ll.Lng, ll.Lat)
	if err != nil {
		return err
	}
	setRows(c, 1)
	c.JSON(http.StatusOK, gin.H{"h3": geo.CellString(cell), "res": cell.Resolution(), "centre": []float64{ll.Lng, ll.Lat},
		"place": place, "from": p.From, "to": p.To, "detail": cellDetailOf(d)})
	return nil
}

// getVocabulary answers GET /api/v1/vocabulary: the filter values present in the data, with
// their sightings, for the web app's filter lists.
func (h *handlers) getVocabulary(c *gin.Context) error {
	v, err := h.deps.Data.FilterValues(c.Request.Context(), principal(c).Clearance)
	if err != nil {
		return err
	}
	n := 0
	for _, vs := range v {
		n += len(vs)
	}
	setRows(c, n)
	c.JSON(http.StatusOK, valueCountsOf(v))
	return nil
}
