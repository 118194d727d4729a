package api

import "strings"

// Role names.
const (
	roleAdmin   = "admin"
	roleAnalyst = "analyst"
	roleExpert  = "expert"
	rolePlanner = "planner"
)

var (
	allRoles  = []string{roleAdmin, roleAnalyst, roleExpert, rolePlanner}
	readers   = []string{roleAdmin, roleAnalyst, roleExpert} // aggregates, compare, analytics results
	adminOnly = []string{roleAdmin}                          // keys, ingest, jobs
)

// routeRoles is the one table of who may call what, keyed by "METHOD route-template". Every
// route under /api and /ogc must be listed: a missing route is denied to every role, and
// TestEveryRouteHasRoles fails. Planners get corridor summaries, flows and the OGC
// collections only; experts and analysts get the aggregates and analytics results;
// analysts also sighting-level detail (cell breakdowns); admins everything.
var routeRoles = map[string][]string{
	"POST /api/v1/ingest":                                 adminOnly,
	"GET /api/v1/heatmap":                                 readers,
	"GET /api/v1/timeline":                                readers,
	"GET /api/v1/compare":                                 readers,
	"GET /api/v1/compare/mo-shifts":                       readers,
	"GET /api/v1/ranking":                                 readers,
	"GET /api/v1/cells/:h3":                               {roleAdmin, roleAnalyst},
	"GET /api/v1/vocabulary":                              readers,
	"GET /api/v1/corridors":                               allRoles,
	"GET /api/v1/corridors/:id":                           allRoles,
	"GET /api/v1/flows":                                   allRoles,
	"GET /api/v1/tiles/:layer":                            allRoles, // planners: the release grid's cells and corridors
	"GET /api/v1/tiles/:layer/:z/:x/:y":                   allRoles,
	"GET /api/v1/hotspots":                                readers,
	"GET /api/v1/emerging":                                readers,
	"GET /api/v1/mo-shifts":                               readers,
	"GET /api/v1/displacements":                           readers,
	"GET /api/v1/forecasts":                               readers,
	"GET /api/v1/jobs":                                    readers,
	"POST /api/v1/jobs/:name/run":                         adminOnly,
	"DELETE /api/v1/session":                              allRoles,
	"GET /api/v1/session":                                 allRoles,
	"GET /ogc":                                            allRoles,
	"GET /ogc/conformance":                                allRoles,
	"GET /ogc/api":                                        allRoles,
	"GET /ogc/collections":                                allRoles,
	"GET /ogc/collections/:collectionId":                  allRoles,
	"GET /ogc/collections/:collectionId/queryables":       allRoles,
	"GET /ogc/collections/:collectionId/items":            allRoles,
	"GET /ogc/collections/:collectionId/items/:featureId": allRoles,
}

// publicRoutes need no key: health, readiness, signing in, and the web app's static files
// (which carry no data).
var publicRoutes = map[string]bool{
	"GET /healthz":          true,
	"GET /readyz":           true,
	"POST /api/v1/session":  true,
	"GET /api/openapi.json": true, // the API's description; no data
}

// isProtected reports whether a route needs a key: everything under /api and /ogc but the
// public routes. Unmatched paths (404s) have an empty template and carry no data.
func isProtected(method, template string) bool {
	if publicRoutes[method+" "+template] {
		return false
	}
	return strings.HasPrefix(template, "/api/") || template == "/ogc" || strings.HasPrefix(template, "/ogc/")
}

// allowed reports whether role may call the route.
func allowed(role, method, template string) bool {
	for _, r := range routeRoles[method+" "+template] {
		if r == role {
			return true
		}
	}
	return false
}
