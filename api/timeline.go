package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"routewatch/errs"
	"routewatch/store"
)

// getTimeline answers GET /api/v1/timeline: sightings and persons per day, week or month
// for the same area, period and filters as the heatmap.
func (h *handlers) getTimeline(c *gin.Context) error {
	bucket := c.DefaultQuery("bucket", "week")
	if !store.Buckets[bucket] {
		return errs.E(errs.Invalid, "bucket", "want day, week or month, got %q", bucket)
	}
	a, p, f, err := parseView(c)
	if err != nil {
		return err
	}
	if h.notModified(c, p) {
		return nil
	}
	buckets, plan, err := h.deps.Data.Timeline(c.Request.Context(), store.Query{Area: a, Period: p, Filters: f, Bucket: bucket})
	if err != nil {
		return err
	}
	if buckets == nil {
		buckets = []store.Bucket{}
	}
	var sightings, persons int64
	for _, b := range buckets {
		sightings += b.Sightings
		persons += b.Persons
	}
	c.Header("X-Routewatch-Plan", string(plan))
	setRows(c, len(buckets))
	c.JSON(http.StatusOK, gin.H{"bucket": bucket, "res": a.Res, "from": p.From, "to": p.To,
		"totals": gin.H{"sightings": sightings, "persons": persons}, "buckets": mapWire(buckets, bucketOf)})
	return nil
}
