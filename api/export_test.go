package api

// Exported for the black-box tests of package api_test.
var (
	RouteRoles  = func() map[string][]string { return routeRoles }
	IsProtected = isProtected
)
