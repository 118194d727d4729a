// basemap.ts: a local basemap — land and country borders from Natural Earth (the world-atlas
// package, 1:50m), bundled as an asset of the build. No tiles, fonts or sprites are fetched
// from anywhere: the style has no symbol layers, so it needs no glyphs.

import type { Map as MapLibre, StyleSpecification } from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlasUrl from 'world-atlas/countries-50m.json?url';

export const COLORS = { ocean: '#0d1620', land: '#1f2b36', coast: '#3d4d5c', border: '#5b6b7a' } as const;

/** style is the basemap's starting style: the ocean; basemap() adds land and borders. */
export const style: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'ocean', type: 'background', paint: { 'background-color': COLORS.ocean } }],
};

type Atlas = Topology<{ countries: GeometryCollection; land: GeometryCollection }>;

/** basemap loads the bundled atlas and adds land, coastlines and borders under deck's layers. */
export async function basemap(map: MapLibre): Promise<void> {
  const topo = (await (await fetch(atlasUrl)).json()) as Atlas;
  const land = feature(topo, topo.objects.countries);
  const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b);
  map.addSource('land', { type: 'geojson', data: land, tolerance: 0.5 });
  map.addSource('borders', { type: 'geojson', data: { type: 'Feature', geometry: borders, properties: {} }, tolerance: 0.5 });
  map.addLayer({ id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': COLORS.land } });
  map.addLayer({ id: 'coast', type: 'line', source: 'land', paint: { 'line-color': COLORS.coast, 'line-width': 0.6 } });
  map.addLayer({
    id: 'borders', type: 'line', source: 'borders',
    paint: { 'line-color': COLORS.border, 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.4, 8, 1.2] },
  });
}
