// Package analytics holds routewatch's statistics and detection methods as pure functions
// over plain Go values: series, counts, tables. It does no I/O and imports neither the store
// nor the API (nor database/sql or gin); distributions come from gonum's stat/distuv.
// ../shared/METHODS.md writes out every formula; the tests pin each on worked examples.
package analytics
