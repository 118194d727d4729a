import { describe, expect, it } from 'vitest';
import { largestParts, regionLabels, visibleLabels } from './labels';
import { SEA_REGIONS } from './regions';

describe('map labels', () => {
  it('name a country at its largest part', () => {
    const fc: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'France' },
      geometry: { type: 'MultiPolygon', coordinates: [
        [[[-5, 42], [8, 42], [8, 51], [-5, 51], [-5, 42]]], // metropolitan France
        [[[-54, 2], [-51, 2], [-51, 5], [-54, 5], [-54, 2]]], // French Guiana
      ] } }] };
    const parts = largestParts(fc);
    const [l] = regionLabels([{ name: 'France', group: 'Countries', bbox: { west: -54, south: 2, east: 8, north: 51 } }], parts);
    expect(l).toMatchObject({ name: 'France', lon: 1.5, lat: 46.5, widthDeg: 13, kind: 'country' });
  });

  it('show a name once its area is wide enough on screen', () => {
    const labels = regionLabels(SEA_REGIONS);
    const at = (zoom: number): string[] => visibleLabels(labels, zoom).map((l) => l.name);
    expect(at(2)).toContain('Mediterranean Sea');
    expect(at(2)).not.toContain('Strait of Gibraltar');
    expect(at(9)).toContain('Strait of Gibraltar');
    expect(at(1).length).toBeLessThan(at(5).length);
  });
});
