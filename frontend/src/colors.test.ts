import { describe, expect, it } from 'vitest';
import { CHANGE_LIMIT, change, diverging, gradient, sequential } from './colors';

const lum = ([r, g, b]: number[]): number => 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;

describe('sequential (viridis, log)', () => {
  const s = sequential(1000);
  it('maps 1 to the start and max to the end, on a log scale', () => {
    expect(s.t(1)).toBe(0);
    expect(s.t(1000)).toBeCloseTo(1);
    expect(s.t(Math.sqrt(1000))).toBeCloseTo(0.5);
    expect(s.t(5000)).toBeGreaterThan(1); // clamped when coloured
    expect(s.color(5000)).toEqual(s.color(1000));
  });

  it('gets lighter as counts grow (readable without hue)', () => {
    const ls = [1, 10, 100, 1000].map((v) => lum(s.color(v)));
    for (let i = 1; i < ls.length; i++) expect(ls[i]).toBeGreaterThan(ls[i - 1]!);
  });

  it('labels powers of ten and the maximum', () => {
    expect(s.ticks.map((t) => t.value)).toEqual([1, 10, 100, 1000]);
    expect(sequential(1).ticks.map((t) => t.value)).toEqual([1, 2]);
  });

  it('is opaque enough and a valid RGBA', () => {
    const c = s.color(42);
    expect(c).toHaveLength(4);
    for (const x of c) expect(Number.isInteger(x) && x >= 0 && x <= 255).toBe(true);
  });
});

describe('diverging (red–blue)', () => {
  const d = diverging();
  it('is a neutral grey at no change, red for rises and blue for falls', () => {
    const [r0, g0, b0] = d.color(0);
    expect(Math.max(r0, g0, b0) - Math.min(r0, g0, b0)).toBeLessThan(25);
    expect(Math.min(r0, g0, b0)).toBeGreaterThan(120); // visible on the dark basemap
    const up = d.color(CHANGE_LIMIT);
    const down = d.color(-CHANGE_LIMIT);
    expect(up[0]).toBeGreaterThan(up[2]);
    expect(down[2]).toBeGreaterThan(down[0]);
  });

  it('measures change in doublings, saturating for new and vanished cells', () => {
    const base = { rate_a_per_day: 1, rate_b_per_day: 2 };
    expect(change({ ...base, status: 'up', rate_ratio: 2 })).toBeCloseTo(1);
    expect(change({ ...base, status: 'down', rate_ratio: 0.25 })).toBeCloseTo(-2);
    expect(change({ ...base, status: 'up', rate_ratio: 1000 })).toBe(CHANGE_LIMIT);
    expect(change({ ...base, status: 'new', rate_ratio: null })).toBe(CHANGE_LIMIT);
    expect(change({ ...base, status: 'vanished', rate_ratio: 0 })).toBe(-CHANGE_LIMIT);
    expect(change({ rate_a_per_day: 0, rate_b_per_day: 0.1, status: 'unchanged', rate_ratio: null })).toBe(CHANGE_LIMIT);
  });

  it('writes a CSS gradient for the legend', () => {
    expect(gradient(d, 3)).toMatch(/^linear-gradient\(to right, (#[0-9a-f]{6}|rgb\(.+\)) 0%, (#[0-9a-f]{6}|rgb\(.+\)) 50%, (#[0-9a-f]{6}|rgb\(.+\)) 100%\)$/);
  });
});
