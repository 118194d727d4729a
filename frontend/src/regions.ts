// regions.ts: named analysis areas — the sea basins and border regions the routes cross, and
// every country of the basemap's Natural Earth atlas — each a box an analyst picks by name.

import { fitRes, type BBox } from './geo';
import { areaFromView, type Area } from './state';

export interface Region { name: string; group: 'Seas and border regions' | 'Countries'; bbox: BBox }

const box = (west: number, south: number, east: number, north: number): BBox => ({ west, south, east, north });

/** SEA_REGIONS are boxes drawn around the basins, straits and border regions of the routes
 * (by hand, to whole tenths of a degree, around the water or border the name says; Natural
 * Earth's marine polygons of the same names are not bundled). Boxes may overlap: each is an
 * analysis area, not a partition. */
export const SEA_REGIONS: Region[] = ([
  ['Mediterranean Sea', box(-5.6, 30.0, 36.5, 46.0)],
  ['Alboran Sea', box(-5.6, 35.0, -1.2, 36.9)],
  ['Strait of Gibraltar', box(-6.1, 35.7, -5.2, 36.3)],
  ['Balearic Sea', box(0.0, 38.5, 4.5, 41.5)],
  ['Tyrrhenian Sea', box(9.5, 37.8, 16.2, 43.2)],
  ['Central Mediterranean (Libya, Tunisia to Italy, Malta)', box(10.0, 30.0, 20.0, 38.5)],
  ['Strait of Sicily', box(10.5, 35.0, 15.5, 38.0)],
  ['Ionian Sea', box(15.5, 36.0, 22.5, 40.5)],
  ['Adriatic Sea', box(12.0, 40.0, 20.0, 45.8)],
  ['Aegean Sea', box(22.5, 35.0, 28.5, 41.0)],
  ['Levantine Sea', box(28.0, 31.0, 36.5, 37.0)],
  ['Evros / Meriç (Greece–Türkiye border)', box(25.8, 40.7, 26.7, 41.8)],
  ['Western Balkans', box(13.5, 39.5, 23.0, 46.9)],
  ['Belarus–Poland–Lithuania border', box(22.5, 51.0, 26.0, 55.0)],
  ['English Channel', box(-5.7, 48.5, 2.0, 51.2)],
  ['Strait of Dover', box(0.8, 50.5, 2.4, 51.3)],
  ['Atlantic route (West Africa to the Canary Islands)', box(-20.0, 12.0, -12.0, 30.0)],
  ['Canary Islands', box(-18.5, 27.5, -13.3, 29.5)],
  ['Central Sahara (Niger–Libya)', box(6.0, 16.0, 15.0, 27.0)],
  ['Red Sea', box(32.5, 12.5, 43.5, 30.0)],
  ['Gulf of Aden', box(43.0, 10.5, 51.5, 15.0)],
  ['Bay of Bengal', box(80.0, 5.0, 95.0, 22.5)],
  ['Andaman Sea', box(92.0, 5.0, 99.0, 17.0)],
  ['Strait of Malacca', box(95.0, 1.0, 104.0, 7.0)],
  ['Darién Gap (Colombia–Panama)', box(-79.5, 7.0, -76.5, 9.5)],
  ['Mexico–United States border', box(-117.5, 25.5, -97.0, 33.0)],
] as const).map(([name, bbox]) => ({ name, group: 'Seas and border regions', bbox }));

/** countryRegions are the countries of a Natural Earth FeatureCollection (properties.name) by
 * their bounding boxes; countries whose parts straddle the antimeridian (wider than 180°) are
 * left out, as no box names them. */
export function countryRegions(countries: GeoJSON.FeatureCollection): Region[] {
  const out: Region[] = [];
  for (const f of countries.features) {
    const name = (f.properties as { name?: string } | null)?.name;
    if (!name || !f.geometry || (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon')) continue;
    const rings = f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat();
    let west = 180, south = 90, east = -180, north = -90;
    for (const r of rings) for (const [x, y] of r as [number, number][]) {
      west = Math.min(west, x); east = Math.max(east, x); south = Math.min(south, y); north = Math.max(north, y);
    }
    if (east - west > 180 || east < west) continue;
    out.push({ name, group: 'Countries', bbox: box(west, south, east, north) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/** regionArea is the region as an analysis area: its box as a link holds it, at the finest
 * resolution whose cells fit the budget the map's views use. */
export function regionArea(r: Region): Area {
  return areaFromView(r.bbox, fitRes(r.bbox));
}

/** regionOf names the region whose box an area is (as the link holds it), if any. */
export function regionOf(a: Area, regions: Region[]): Region | undefined {
  const same = (x: BBox, y: BBox): boolean => x.west === y.west && x.south === y.south && x.east === y.east && x.north === y.north;
  return regions.find((r) => same(regionArea(r).bbox, a.bbox));
}
