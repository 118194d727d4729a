import { describe, expect, it } from 'vitest';
import { countryRegions, regionArea, regionOf, SEA_REGIONS } from './regions';
import { decodeArea, encodeArea } from './state';

describe('named regions', () => {
  it('are valid boxes with distinct names', () => {
    const names = new Set(SEA_REGIONS.map((r) => r.name));
    expect(names.size).toBe(SEA_REGIONS.length);
    for (const r of SEA_REGIONS) {
      expect(r.bbox.west).toBeLessThan(r.bbox.east);
      expect(r.bbox.south).toBeLessThan(r.bbox.north);
    }
  });

  it('hold the places they are named for', () => {
    const at = (name: string, lon: number, lat: number): void => {
      const b = SEA_REGIONS.find((r) => r.name === name)!.bbox;
      expect(lon >= b.west && lon <= b.east && lat >= b.south && lat <= b.north, `${name} holds ${lon},${lat}`).toBe(true);
    };
    at('Strait of Sicily', 12.6, 35.5); // Lampedusa
    at('Aegean Sea', 26.55, 39.1); // Lesbos
    at('Strait of Dover', 1.85, 50.95); // Calais
    at('Canary Islands', -15.4, 28.1); // Las Palmas
    at('Darién Gap (Colombia–Panama)', -77.6, 8.5);
  });

  it('survive the link: the area of a region is named again after encoding', () => {
    for (const r of SEA_REGIONS) {
      const a = regionArea(r);
      const back = decodeArea(encodeArea(a).area, encodeArea(a).res)!;
      expect(regionOf(back, SEA_REGIONS)?.name).toBe(r.name);
    }
    expect(regionOf({ bbox: { west: 1, south: 2, east: 3, north: 4 }, res: 4 }, SEA_REGIONS)).toBeUndefined();
  });

  it('box each country, leaving out those across the antimeridian', () => {
    const fc: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { name: 'Libya' }, geometry: { type: 'Polygon', coordinates: [[[9.3, 19.5], [25.2, 19.5], [25.2, 33.2], [9.3, 33.2], [9.3, 19.5]]] } },
      { type: 'Feature', properties: { name: 'Fiji' }, geometry: { type: 'MultiPolygon', coordinates: [[[[177, -18], [180, -18], [180, -16], [177, -18]]], [[[-180, -17], [-179, -17], [-179, -16], [-180, -17]]]] } },
    ] };
    expect(countryRegions(fc)).toEqual([{ name: 'Libya', group: 'Countries', bbox: { west: 9.3, south: 19.5, east: 25.2, north: 33.2 } }]);
  });
});
