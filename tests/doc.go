// Package tests holds routewatch's black-box reliability tests, run against the real
// PostGIS (store/storetest) and, where a process matters, the real binary built from
// ./cmd/routewatch: the database going away while requests flow, clients that disconnect
// mid-query, SIGTERM during requests, an analytics job killed mid-run, and backup and
// restore with scripts/backup.sh. It holds no code outside its tests and imports nothing
// that imports it.
package tests
