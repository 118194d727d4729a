package api

import (
	"github.com/gin-gonic/gin"

	"routewatch/domain"
	"routewatch/errs"
)

// defaultSuppressBelow is the k of small-count suppression: the threshold used for
// published counter-trafficking data.
const defaultSuppressBelow = 11

// suppressBelow is the smallest count a caller may see, or 0 when nothing is withheld.
// Planner outputs (corridor summaries, flows, OGC collections) withhold anything built from
// fewer than k sightings: it is left out entirely, so no total in the same response counts it.
func (h *handlers) suppressBelow(c *gin.Context) int {
	if principal(c).Role != rolePlanner {
		return 0
	}
	if h.cfg.SuppressBelow > 0 {
		return h.cfg.SuppressBelow
	}
	return defaultSuppressBelow
}

// refuseFiltersForSuppressed stops planners from filtering aggregates by a dimension: the
// difference between a filtered and an unfiltered count would reveal a small count that
// suppression withholds.
func (h *handlers) refuseFiltersForSuppressed(c *gin.Context, f domain.Filters) error {
	if h.suppressBelow(c) == 0 {
		return nil
	}
	if len(f.Modes)+len(f.MO)+len(f.Nationalities)+len(f.Routes)+len(f.Sources)+len(f.Channels) > 0 || f.MinReliability != "" {
		return errs.E(errs.Forbidden, "filters", "planner outputs take no mode, modus operandi, nationality, route, source, channel or reliability filters: differences between filtered counts could reveal counts below the suppression threshold")
	}
	return nil
}
