import { cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { CorridorProps, Hotspot } from './api';
import { corridorsAt, hotspotPatterns } from './cellcontext';
import type { Corridor } from './corridors';

const props = (id: number): CorridorProps => ({ id, kind: 'label', label: `c${id}`, status: 'stable', legs: 0, journeys: 0,
  persons: 0, sightings: 0, trend: null, first_seen: null, last_seen: null, top_modes: null });
const square = (w: number, s: number, e: number, n: number): [number, number][] => [[w, s], [e, s], [e, n], [w, n], [w, s]];
const spot = (cell: string, res: number, pattern: string): Hotspot =>
  ({ cell, res, pattern, steps: 12, hot_steps: 0, cold_steps: 0, sightings: 0, final_z: 0, final_q: 1, trend_z: 0, trend_p: 1 });

describe('cell context', () => {
  it('finds the corridors whose outline holds a point, holes excluded', () => {
    const ring: Corridor = { props: props(1), line: null, area: { type: 'MultiPolygon', coordinates: [[square(10, 30, 20, 40), square(14, 34, 16, 36)]] } };
    const other: Corridor = { props: props(2), line: null, area: { type: 'MultiPolygon', coordinates: [[square(-5, 30, 0, 40)], [square(12, 31, 13, 32)]] } };
    expect(corridorsAt([11, 31.5], [ring, other]).map((c) => c.props.id)).toEqual([1]);
    expect(corridorsAt([12.5, 31.5], [ring, other]).map((c) => c.props.id)).toEqual([1, 2]);
    expect(corridorsAt([15, 35], [ring, other])).toEqual([]); // in the hole
    expect(corridorsAt([-20, 0], [ring, other])).toEqual([]);
  });

  it('reads the hot spot pattern of the cell, its parent or its children', () => {
    const r6 = latLngToCell(35.5, 12.6, 6);
    const r4 = cellToParent(r6, 4);
    const spots = [spot(r4, 4, 'New Hot Spot'), ...cellToChildren(r6, 6).map((c) => spot(c, 6, 'Sporadic Hot Spot'))];
    expect(hotspotPatterns(cellToParent(r6, 3), spots)).toEqual({ res: 4, patterns: [['New Hot Spot', 1]] }); // via its children
    expect(hotspotPatterns(r4, spots)).toEqual({ res: 4, patterns: [['New Hot Spot', 1]] });
    expect(hotspotPatterns(cellToParent(r6, 5), spots)).toEqual({ res: 4, patterns: [['New Hot Spot', 1]] });
    expect(hotspotPatterns(latLngToCell(35.5, 12.6, 7), spots)).toEqual({ res: 6, patterns: [['Sporadic Hot Spot', 1]] });
    expect(hotspotPatterns(cellToParent(r6, 1), spots)).toEqual({ res: 4, patterns: null }); // too coarse to look
    expect(hotspotPatterns(r4, [])).toBeNull();
  });
});
