import { cellArea, cellToBoundary, getPentagons, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { hexMesh, vertexColors } from './hexmesh';

/** area of a mesh's triangles in square degrees (planar, shoelace per triangle). */
function triangleArea(pos: Float64Array, idx: Uint32Array, from: number, to: number): number {
  let a = 0;
  for (let t = from; t < to; t += 3) {
    const [i, j, k] = [idx[t]!, idx[t + 1]!, idx[t + 2]!];
    a += Math.abs((pos[2 * j]! - pos[2 * i]!) * (pos[2 * k + 1]! - pos[2 * i + 1]!) - (pos[2 * k]! - pos[2 * i]!) * (pos[2 * j + 1]! - pos[2 * i + 1]!)) / 2;
  }
  return a;
}

/** shoelace area of a ring in square degrees. */
function ringArea(ring: number[][]): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    a += x1! * y2! - x2! * y1!;
  }
  return Math.abs(a) / 2;
}

describe('hexMesh', () => {
  it('gives a hexagon its six boundary vertices and four fan triangles covering it', () => {
    const h = latLngToCell(38, 15, 5);
    const m = hexMesh([h]);
    expect(m.length).toBe(1);
    expect(Array.from(m.starts)).toEqual([0, 6]);
    expect(m.indices.length).toBe(12);
    const ring = cellToBoundary(h, true).slice(0, -1);
    expect(Array.from(m.positions)).toEqual(ring.flat());
    expect(triangleArea(m.positions, m.indices, 0, 12)).toBeCloseTo(ringArea(ring), 10);
  });

  it('indexes each cell from its own first vertex, pentagons included', () => {
    const pent = getPentagons(4)[0]!;
    const hex = latLngToCell(-33.9, 18.4, 4);
    const m = hexMesh([hex, pent, hex]);
    expect(Array.from(m.starts)).toEqual([0, 6, 11, 17]);
    expect(m.indices.length).toBe(3 * (4 + 3 + 4));
    // the pentagon's three triangles use its vertices 6..10 only
    expect(Array.from(m.indices.subarray(12, 21))).toEqual([6, 7, 8, 6, 8, 9, 6, 9, 10]);
    expect(m.positions.length).toBe(2 * 17);
  });

  it('keeps a cell on the antimeridian contiguous, not stretched round the world', () => {
    const h = latLngToCell(-17, 180, 3); // Fiji
    const lons = cellToBoundary(h, true).map(([lng]) => lng!);
    expect(Math.max(...lons) - Math.min(...lons)).toBeGreaterThan(180); // the raw boundary jumps
    const m = hexMesh([h]);
    const got = Array.from(m.positions).filter((_, i) => i % 2 === 0);
    expect(Math.max(...got) - Math.min(...got)).toBeLessThan(5);
    expect(cellArea(h, 'km2')).toBeGreaterThan(10_000); // a res-3 cell: ~12,000 km², a few degrees across
  });

  it('is empty for no cells', () => {
    const m = hexMesh([]);
    expect(m.length).toBe(0);
    expect(Array.from(m.starts)).toEqual([0]);
    expect(m.indices.length).toBe(0);
  });
});

describe('vertexColors', () => {
  it('repeats each cell colour for every vertex of the cell', () => {
    const m = hexMesh([latLngToCell(38, 15, 5), getPentagons(4)[0]!]);
    const c = vertexColors(m, (i) => (i === 0 ? [1, 2, 3, 4] : [9, 8, 7, 6]));
    expect(c.length).toBe(4 * 11);
    expect(Array.from(c.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    expect(Array.from(c.subarray(20, 24))).toEqual([1, 2, 3, 4]);
    expect(Array.from(c.subarray(24, 28))).toEqual([9, 8, 7, 6]);
    expect(Array.from(c.subarray(40, 44))).toEqual([9, 8, 7, 6]);
  });
});
