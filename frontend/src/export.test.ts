import { cellToBoundary, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { fillWeeks } from './cellpanel';
import { falls, rises, shiftRows, shiftVerdict } from './comparepanel';
import { cellGeometry, csvField, toCSV, toGeoJSON } from './export';
import type { CompareCell, DimensionShift } from './api';

describe('GeoJSON export', () => {
  it('writes closed [lon, lat] rings with the cell properties', () => {
    const h3 = latLngToCell(35.5, 12.6, 5);
    const fc = toGeoJSON([{ h3, sightings: 3, persons: 40 }]);
    expect(fc.type).toBe('FeatureCollection');
    const f = fc.features[0]!;
    expect(f.id).toBe(h3);
    expect(f.properties).toEqual({ h3, sightings: 3, persons: 40 });
    const g = f.geometry as GeoJSON.Polygon;
    expect(g.type).toBe('Polygon');
    const ring = g.coordinates[0]!;
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(ring[0]![0]).toBeGreaterThan(11); // longitude first
    expect(ring[0]![1]).toBeGreaterThan(34);
  });

  it('splits a cell that crosses the antimeridian into two polygons', () => {
    const h3 = latLngToCell(-17, 179.99, 2);
    const lons = cellToBoundary(h3, true).map((p) => p[0]);
    expect(Math.max(...lons) - Math.min(...lons)).toBeGreaterThan(180); // the test's premise
    const g = cellGeometry(h3) as GeoJSON.MultiPolygon;
    expect(g.type).toBe('MultiPolygon');
    const [east, west] = g.coordinates;
    for (const [lon] of east![0]!) expect(lon).toBeGreaterThanOrEqual(0);
    for (const [lon] of west![0]!) expect(lon).toBeLessThanOrEqual(0);
    expect(east![0]!.some(([lon]) => lon === 180)).toBe(true);
    expect(west![0]!.some(([lon]) => lon === -180)).toBe(true);
  });
});

describe('CSV export', () => {
  it('writes a header, the centre and quoted fields where needed', () => {
    const h3 = latLngToCell(35.5, 12.6, 5);
    const csv = toCSV([{ h3, sightings: 3, top_modes: [{ mode: 'boat_rubber', sightings: 2 }, { mode: 'car', sightings: 1 }], note: 'a, "b"' }]);
    const [head, row, end] = csv.split('\r\n');
    expect(head).toBe('h3,lat,lon,sightings,top_modes,note');
    expect(row).toMatch(new RegExp(`^${h3},35\\.\\d{5},12\\.\\d{5},3,boat_rubber:2;car:1,"a, ""b"""$`));
    expect(end).toBe('');
    expect(toCSV([])).toBe('h3,lat,lon\r\n');
  });

  it('writes a formula in a route label as text, not as a formula', () => {
    const h3 = latLngToCell(35.5, 12.6, 5);
    const csv = toCSV([{ h3, route: '=HYPERLINK("http://x","y")', sightings: 3 }]);
    const row = csv.split('\r\n')[1]!;
    expect(row.endsWith(`,"'=HYPERLINK(""http://x"",""y"")",3`)).toBe(true);
  });

  it('prefixes every formula start with a quote but keeps the numbers the app computed', () => {
    expect(['=1+1', '+1', '-1+cmd', '@SUM(A1)', '\tx', '\rx', '-3'].map(csvField)).toEqual(
      ["'=1+1", "'+1", "'-1+cmd", "'@SUM(A1)", "'\tx", `"'\rx"`, "'-3"],
    );
    expect([-3, -0.5, 0, 12].map(csvField)).toEqual(['-3', '-0.5', '0', '12']);
    expect(csvField(-Infinity)).toBe("'-Infinity");
    expect(csvField([{ mode: '=cmd', sightings: 2 }])).toBe("'=cmd:2");
    expect(csvField('Central Mediterranean')).toBe('Central Mediterranean');
  });
});

describe('compare tables', () => {
  const cell = (h3: string, d: number): CompareCell => ({
    h3, a: 0, b: 0, persons_a: 0, persons_b: 0, rate_a_per_day: 0, rate_b_per_day: 0, rate_ratio: null,
    difference_per_day: d, p_up: 1, p_down: 1, q_up: 1, q_down: 1, status: 'unchanged',
  });
  it('ranks rises and falls by difference per day', () => {
    const cells = [cell('a', 1), cell('b', -3), cell('c', 5), cell('d', 0), cell('e', -1)];
    expect(rises(cells).map((c) => c.h3)).toEqual(['c', 'a']);
    expect(falls(cells).map((c) => c.h3)).toEqual(['b', 'e']);
    expect(rises(cells, 1).map((c) => c.h3)).toEqual(['c']);
  });
});

describe('weekly series', () => {
  it('fills weeks without sightings with zeros', () => {
    const w = fillWeeks([
      { start: '2024-01-01T00:00:00Z', sightings: 1, persons: 5 },
      { start: '2024-01-22T00:00:00Z', sightings: 2, persons: 7 },
    ]);
    expect(w.map((b) => `${b.start.slice(0, 10)}:${b.sightings}`)).toEqual(['2024-01-01:1', '2024-01-08:0', '2024-01-15:0', '2024-01-22:2']);
    expect(fillWeeks([], { from: '2024-01-03', to: '2024-01-20' }).map((b) => b.start)).toEqual(['2024-01-01', '2024-01-08', '2024-01-15']);
  });
});

describe('compare modus-operandi shifts', () => {
  const d: DimensionShift = {
    dimension: 'transport_mode', multi_valued: false, sightings_a: 40, sightings_b: 40, tested: true, method: 'chi-square',
    p: 1e-10, q: 3e-10, cramers_v: 0.7746, jsd: 0.4, shift: true, rose: ['truck'], fell: ['boat_rubber'],
    categories: [
      { value: 'car', a: 10, b: 11, share_a: 0.25, share_b: 0.275, residual: 0.3 },
      { value: 'boat_rubber', a: 30, b: 0, share_a: 0.75, share_b: 0, residual: -6 },
      { value: 'truck', a: 0, b: 29, share_a: 0, share_b: 0.725, residual: 6 },
    ],
  };
  it('lists the categories whose share moved most first', () => {
    expect(shiftRows(d).map((c) => c.value)).toEqual(['boat_rubber', 'truck', 'car']);
    expect(shiftRows(d, 1)).toHaveLength(1);
    expect(shiftRows({ ...d, categories: null })).toEqual([]);
  });
  it('says whether a dimension shifted, with its effect size, or why it was not tested', () => {
    expect(shiftVerdict(d, 0.05)).toMatch(/^shift · q .* \(α 0\.05\) · Cramér's V 0\.77 · chi-square$/);
    expect(shiftVerdict({ ...d, multi_valued: true, shift: false, method: 'fisher-exact' }, 0.05)).toMatch(/^no shift · .* JSD 0\.400 · fisher-exact$/);
    expect(shiftVerdict({ ...d, tested: false, reason: 'fewer than 30 sightings' }, 0.05)).toBe('not tested: fewer than 30 sightings');
  });
});
