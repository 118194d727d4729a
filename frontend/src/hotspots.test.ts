import { describe, expect, it } from 'vitest';
import type { Hotspot } from './api';
import { countsByPattern, nearestRes, PATTERNS, patternStyle } from './hotspots';

const spot = (cell: string, res: number, pattern: string): Hotspot =>
  ({ cell, res, pattern, steps: 12, hot_steps: 0, cold_steps: 0, sightings: 0, final_z: 0, final_q: 1, trend_z: 0, trend_p: 1 });

describe('hot spots', () => {
  it('knows the sixteen ArcGIS categories with a finding', () => {
    expect(PATTERNS).toHaveLength(16);
    expect(PATTERNS).toContain('Intensifying Hot Spot');
    expect(PATTERNS).toContain('Historical Cold Spot');
    expect(PATTERNS).not.toContain('No Pattern Detected');
  });

  it('draws hot in vermillion and cold in blue, emerging patterns strongest', () => {
    expect(patternStyle('New Hot Spot').color.slice(0, 3)).toEqual([213, 94, 0]);
    expect(patternStyle('New Cold Spot').color.slice(0, 3)).toEqual([86, 180, 233]);
    expect(patternStyle('New Hot Spot').width).toBeGreaterThan(patternStyle('Persistent Hot Spot').width);
    expect(patternStyle('Persistent Hot Spot').width).toBeGreaterThan(patternStyle('Historical Hot Spot').width);
  });

  it('shows the run resolution nearest the map, coarser on a tie', () => {
    const spots = [spot('a', 4, 'New Hot Spot'), spot('b', 6, 'New Hot Spot')];
    expect(nearestRes(spots, 3)).toBe(4);
    expect(nearestRes(spots, 5)).toBe(4);
    expect(nearestRes(spots, 7)).toBe(6);
    expect(nearestRes([], 5)).toBeNull();
  });

  it('counts cells per pattern in category order', () => {
    const spots = [spot('a', 4, 'Sporadic Hot Spot'), spot('b', 4, 'New Hot Spot'), spot('c', 4, 'Sporadic Hot Spot')];
    expect(countsByPattern(spots)).toEqual([['New Hot Spot', 1], ['Sporadic Hot Spot', 2]]);
  });
});
