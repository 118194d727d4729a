package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// member is one top-level member of a FeatureCollection, written before its features.
type member struct {
	name  string
	value any
}

// writeFeatures streams a GeoJSON FeatureCollection with status 200: "type", the members in
// order, then the n features feature(0) … feature(n-1), each encoded as it is written.
func writeFeatures(c *gin.Context, members []member, n int, feature func(i int) any) {
	c.Header("Content-Type", mediaGeoJSON)
	s := startJSON(c, http.StatusOK)
	defer s.close()
	s.raw(`{"type":"FeatureCollection"`)
	for _, m := range members {
		s.raw(`,"` + m.name + `":`)
		s.value(m.value)
	}
	s.raw(`,"features":[`)
	for i := range n {
		if i > 0 {
			s.raw(",")
		}
		s.value(feature(i))
	}
	s.raw("]}\n")
}
