// Package geo holds routewatch's H3 and geometry helpers: indexing points into
// cells, parsing cells and bounding boxes from the wire, cell boundaries as
// GeoJSON-ready orb geometries (split at the antimeridian), the cells covering a
// bounding box, outlines of cell sets, grid paths for corridor legs and k-rings.
//
// Conventions: angles are WGS 84 degrees; orb.Point is [lon, lat] (x, y), while
// function parameters that take a bare coordinate pair take (lat, lon), matching
// h3.LatLng. Areas are square kilometres on a sphere of the Earth's mean radius.
// Rings are closed and counter-clockwise in the lon/lat plane (holes clockwise),
// as RFC 7946 recommends.
//
// geo is pure: it does no I/O and imports neither gin, database/sql nor any other
// routewatch package, so api, store, analytics and ingest can all depend on it.
package geo
