import { describe, expect, it } from 'vitest';
import { rewind } from './basemap';

const area = (r: number[][]): number => {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j]![0]! - r[i]![0]!) * (r[j]![1]! + r[i]![1]!);
  return a / 2;
};

describe('rewind (RFC 7946 winding for MapLibre)', () => {
  it('turns outer rings counter-clockwise and holes clockwise', () => {
    const cwOuter = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]];
    const ccwHole = [[2, 2], [8, 2], [8, 8], [2, 8], [2, 2]];
    const g = rewind({ type: 'Polygon', coordinates: [cwOuter, ccwHole] });
    expect(area(g.coordinates[0]!)).toBeGreaterThan(0);
    expect(area(g.coordinates[1]!)).toBeLessThan(0);
    const m = rewind({ type: 'MultiPolygon', coordinates: [[cwOuter], [g.coordinates[0]!]] });
    for (const p of m.coordinates) expect(area(p[0]!)).toBeGreaterThan(0);
  });
});
