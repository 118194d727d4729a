// basemap.ts: a local basemap — land and country borders from Natural Earth (the world-atlas
// package, 1:50m), bundled as an asset of the build. No tiles, fonts or sprites are fetched
// from anywhere: the style has no symbol layers, so it needs no glyphs.

import type { Map as MapLibre, StyleSpecification } from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlasUrl from 'world-atlas/countries-50m.json?url';

export const COLORS = { ocean: '#0c1621', land: '#2a3947', coast: '#4d6072', border: '#6b7e90' } as const;

/** style is the basemap's starting style: the ocean; basemap() adds land and borders. */
export const style: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'ocean', type: 'background', paint: { 'background-color': COLORS.ocean } }],
};

type Atlas = Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
type Ring = GeoJSON.Position[];

/** signedArea is a ring's planar area, positive when counter-clockwise. */
function signedArea(r: Ring): number {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j]![0]! - r[i]![0]!) * (r[j]![1]! + r[i]![1]!);
  return a / 2;
}

/** rewind orients rings as RFC 7946 wants (outer counter-clockwise, holes clockwise):
 * topojson writes them the other way round (d3's spherical convention), which MapLibre's
 * tiler mistakes for holes where a tile cuts a large polygon. */
export function rewind<G extends GeoJSON.Polygon | GeoJSON.MultiPolygon>(g: G): G {
  const fix = (rings: Ring[]): Ring[] => rings.map((r, i) => ((signedArea(r) > 0) === (i === 0) ? r : [...r].reverse()));
  if (g.type === 'Polygon') return { ...g, coordinates: fix(g.coordinates) };
  return { ...g, coordinates: (g as GeoJSON.MultiPolygon).coordinates.map(fix) };
}

let atlasLoad: Promise<Atlas> | null = null;
/** atlas is the bundled Natural Earth atlas, fetched once. */
function atlas(): Promise<Atlas> {
  atlasLoad ??= fetch(atlasUrl).then((r) => r.json() as Promise<Atlas>);
  return atlasLoad;
}

/** countries are the atlas's countries with their names (properties.name). */
export async function countries(): Promise<GeoJSON.FeatureCollection> {
  const topo = await atlas();
  return feature(topo, topo.objects.countries) as GeoJSON.FeatureCollection;
}

/** basemap loads the bundled atlas and adds land, coastlines and borders under deck's layers.
 * Land is filled country by country: MapLibre's tiler drops parts of the one huge
 * Eurasia–Africa polygon of the 'land' object at some zooms. */
export async function basemap(map: MapLibre): Promise<void> {
  const topo = await atlas();
  const countries = feature(topo, topo.objects.countries);
  const land: GeoJSON.FeatureCollection = {
    type: 'FeatureCollection',
    features: countries.features.flatMap((f) => (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon'
      ? [{ type: 'Feature' as const, properties: {}, geometry: rewind(f.geometry) }] : [])),
  };
  const line = (g: GeoJSON.MultiLineString): GeoJSON.Feature => ({ type: 'Feature', geometry: g, properties: {} });
  const coast = mesh(topo, topo.objects.countries, (a, b) => a === b);
  const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b);
  map.addSource('land', { type: 'geojson', data: land, tolerance: 0.5 });
  map.addSource('coast', { type: 'geojson', data: line(coast), tolerance: 0.5 });
  map.addSource('borders', { type: 'geojson', data: line(borders), tolerance: 0.5 });
  map.addLayer({ id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': COLORS.land } });
  map.addLayer({ id: 'coast', type: 'line', source: 'coast', paint: { 'line-color': COLORS.coast, 'line-width': 0.6 } });
  map.addLayer({
    id: 'borders', type: 'line', source: 'borders',
    paint: { 'line-color': COLORS.border, 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.4, 8, 1.2] },
  });
}
