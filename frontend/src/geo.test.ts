import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { API_MAX_CELLS, bboxAreaKm2, bboxParam, cellAt, estimateCells, heatmapRes, normalizeBounds, widthDeg, wrapLon, zoomRes } from './geo';

/** The bbox a web-mercator map shows at a zoom, centred at (lon, lat), for a viewport in pixels. */
function viewBBox(lon: number, lat: number, zoom: number, w: number, h: number) {
  const world = 256 * 2 ** zoom;
  const y = (lat: number): number => (1 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / Math.PI) / 2 * world;
  const lat2 = (py: number): number => (Math.atan(Math.sinh(Math.PI * (1 - (2 * py) / world))) * 180) / Math.PI;
  const dLon = (w / world) * 360;
  const cy = y(lat);
  return normalizeBounds(lon - dLon / 2, lat2(cy + h / 2), lon + dLon / 2, lat2(cy - h / 2));
}

describe('bbox', () => {
  it('wraps longitudes and marks antimeridian crossings with west > east', () => {
    expect(wrapLon(190)).toBe(-170);
    expect(wrapLon(-190)).toBe(170);
    expect(wrapLon(180)).toBe(180);
    expect(normalizeBounds(170, -10, 190, 10)).toEqual({ west: 170, south: -10, east: -170, north: 10 });
    expect(normalizeBounds(-400, -95, 400, 95)).toEqual({ west: -180, south: -90, east: 180, north: 90 });
    expect(widthDeg({ west: 170, south: 0, east: -170, north: 1 })).toBe(20);
    expect(bboxParam({ west: 170, south: -10.123456, east: -170, north: 10 })).toBe('170,-10.1235,-170,10');
  });

  it('computes the area as the API does (the whole sphere for the world)', () => {
    const world = bboxAreaKm2({ west: -180, south: -90, east: 180, north: 90 });
    expect(world / 1e6).toBeCloseTo(510.07, 1);
  });
});

describe('heatmap resolution', () => {
  it('follows the zoom: clamp(round(zoom·0.9) − 1, 2, 8)', () => {
    expect([1, 3, 4, 5, 6, 7, 8, 9, 10, 12].map(zoomRes)).toEqual([2, 2, 3, 4, 4, 5, 6, 7, 8, 8]);
  });

  it('stays under the API limit of 50,000 cells for common screens at every zoom', () => {
    for (const [w, h] of [[1280, 800], [1920, 1080], [2560, 1440], [3840, 2160]]) {
      for (let z = 1; z <= 12; z += 0.5) {
        for (const lat of [0, 35, 60]) {
          const b = viewBBox(15, lat, z, w!, h!);
          const res = heatmapRes(z, b);
          expect(estimateCells(b, res)).toBeLessThanOrEqual(API_MAX_CELLS);
        }
      }
    }
  });

  it('the zoom formula alone fits a 1280×800 screen up to zoom 9.5; beyond, the budget coarsens', () => {
    for (let z = 1; z <= 9.5; z += 0.5) {
      const b = viewBBox(15, 35, z, 1280, 800);
      expect(estimateCells(b, zoomRes(z))).toBeLessThanOrEqual(API_MAX_CELLS);
    }
    const b = viewBBox(15, 0, 10, 3840, 2160);
    expect(estimateCells(b, zoomRes(10))).toBeGreaterThan(API_MAX_CELLS);
    expect(heatmapRes(10, b)).toBeLessThan(zoomRes(10));
  });
});

describe('cellAt', () => {
  it('picks the loaded cell holding the point, or none', () => {
    const h3 = latLngToCell(35.5, 12.6, 4);
    expect(cellAt(35.5, 12.6, 4, [{ h3: 'x' }, { h3 }])).toBe(h3);
    expect(cellAt(35.5, 12.6, 5, [{ h3 }])).toBeNull(); // another resolution's cell
    expect(cellAt(0, 0, 4, [{ h3 }])).toBeNull();
  });
});
