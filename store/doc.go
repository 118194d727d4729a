// Package store is routewatch's only access to PostgreSQL/PostGIS: embedded migrations,
// sqlx queries, bulk COPY ingest and rollups.
//
// All SQL lives here, every value passed as a $n parameter. store knows nothing of HTTP:
// it must not import gin or the api package. It returns errors of the kinds in package
// errs so callers can map them without parsing driver messages.
package store
