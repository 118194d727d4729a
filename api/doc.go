// Package api is routewatch's HTTP layer: the gin router, handlers, middleware and the
// mapping of error kinds to status codes.
//
// Handlers parse, validate, call a small interface, shape and write; they never build SQL.
// api may import store, analytics, geo and errs; nothing imports api but cmd.
package api
