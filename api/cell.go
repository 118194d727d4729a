package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// getCell answers GET /api/v1/cells/{h3}: the cell's weekly series, breakdowns by mode,
// modus operandi, nationality, source, reliability and route, and its neighbours' counts.
func (h *handlers) getCell(c *gin.Context) {
	cell, err := geo.ParseCell(c.Param("h3"))
	if err != nil {
		writeError(c, errs.E(errs.Invalid, "h3", "%v", err))
		return
	}
	if cell.Resolution() > store.CellResolution {
		writeError(c, errs.E(errs.Invalid, "h3", "cell %s has resolution %d; the finest stored is %d", c.Param("h3"), cell.Resolution(), store.CellResolution))
		return
	}
	p, err := parsePeriod(c, "from", "to", time.Now())
	if err != nil {
		writeError(c, err)
		return
	}
	f, err := parseFilters(c)
	if err != nil {
		writeError(c, err)
		return
	}
	if h.notModified(c, p) {
		return
	}
	d, err := h.deps.Data.Cell(c.Request.Context(), cell, p, f)
	if err != nil {
		writeError(c, err)
		return
	}
	ll := cell.LatLng()
	setRows(c, 1)
	c.JSON(http.StatusOK, gin.H{"h3": geo.CellString(cell), "res": cell.Resolution(), "centre": []float64{ll.Lng, ll.Lat},
		"from": p.From, "to": p.To, "detail": cellDetailOf(d)})
}

// getVocabulary answers GET /api/v1/vocabulary: the filter values present in the data, with
// their sightings, for the web app's filter lists.
func (h *handlers) getVocabulary(c *gin.Context) {
	v, err := h.deps.Data.FilterValues(c.Request.Context(), principal(c).Clearance)
	if err != nil {
		writeError(c, err)
		return
	}
	n := 0
	for _, vs := range v {
		n += len(vs)
	}
	setRows(c, n)
	c.JSON(http.StatusOK, valueCountsOf(v))
}
