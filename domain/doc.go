// Package domain names routewatch's shared vocabulary: the query types (Area, Period,
// Filters), the clearance levels, the job kinds and run statuses, and the modus-operandi
// dimensions. It is pure (no I/O, no SQL) and imports only geo and the standard library, so
// api, store and jobs can all share it.
package domain
