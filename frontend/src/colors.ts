// colors.ts: colour scales readable with colour-blindness — viridis for counts (sequential,
// log), blue–grey–red for change between periods, light enough at both ends to stand out on
// the dark basemap (src/cvd.test.ts checks both under simulated colour-vision deficiencies).
// Scales are lookup tables of 256 colours so that 100k cells colour quickly.

import { lab, rgb } from 'd3-color';
import { interpolateViridis } from 'd3-scale-chromatic';
import type { CompareCell } from './api';

export type RGBA = [number, number, number, number];

const LUT_SIZE = 256;

const clamp01 = (t: number): number => (t < 0 ? 0 : t > 1 ? 1 : t);

function lut(interp: (t: number) => string, alpha: number): RGBA[] {
  return Array.from({ length: LUT_SIZE }, (_, i) => {
    const c = rgb(interp(i / (LUT_SIZE - 1)));
    return [Math.round(c.r), Math.round(c.g), Math.round(c.b), alpha];
  });
}

/** Viridis without its darkest eighth, so the faintest cells still show on the dark basemap. */
export const viridis = (t: number): string => interpolateViridis(0.12 + 0.88 * t);
/** Falls (t = 0) to rises (t = 1): sky blue, a mid grey for no change, and a light red,
 * interpolated in Lab. ColorBrewer's RdBu ends in dark red and dark blue, which vanish on the
 * dark basemap (contrast 1.1 on land): here magnitude is carried by saturation, and every
 * colour keeps a contrast of at least 3 with land and sea. */
const DIVERGING_STOPS = ['#4fb0ff', '#98a2ad', '#ff6a5c'].map((c) => lab(c));
export const redBlue = (t: number): string => {
  const x = clamp01(t) * (DIVERGING_STOPS.length - 1);
  const i = Math.min(DIVERGING_STOPS.length - 2, Math.floor(x));
  const a = DIVERGING_STOPS[i]!; const b = DIVERGING_STOPS[i + 1]!; const f = x - i;
  return lab(a.l + f * (b.l - a.l), a.a + f * (b.a - a.a), a.b + f * (b.b - a.b)).formatHex();
};

const VIRIDIS = lut(viridis, 225);
const RED_BLUE = lut(redBlue, 230);

const pick = (table: RGBA[], t: number): RGBA => table[Math.round(clamp01(t) * (LUT_SIZE - 1))]!;

export interface Scale {
  /** Where a value falls on the ramp, 0..1. */
  t: (v: number) => number;
  color: (v: number) => RGBA;
  /** The ramp as CSS colours from 0 to 1, for legends. */
  ramp: (t: number) => string;
  /** Values worth labelling on a legend, with their positions. */
  ticks: { value: number; t: number }[];
}

/** sequential maps counts 1..max on a log scale (counts of sightings are heavily skewed). */
export function sequential(max: number): Scale {
  const top = Math.log(Math.max(2, max));
  const t = (v: number): number => (v <= 1 ? 0 : Math.log(v) / top);
  const ticks: { value: number; t: number }[] = [{ value: 1, t: 0 }];
  for (let p = 10; p < max; p *= 10) if (t(p) < 0.85) ticks.push({ value: p, t: t(p) });
  ticks.push({ value: Math.max(2, max), t: 1 });
  return { t, color: (v) => pick(VIRIDIS, t(v)), ramp: viridis, ticks };
}

/** CHANGE_LIMIT is the change, in doublings, at which the diverging scale saturates (×8). */
export const CHANGE_LIMIT = 3;

/** change is a cell's change as log2 of the rate ratio B/A; new and vanished cells saturate. */
export function change(c: Pick<CompareCell, 'status' | 'rate_ratio' | 'rate_a_per_day' | 'rate_b_per_day'>): number {
  if (c.status === 'new') return CHANGE_LIMIT;
  if (c.status === 'vanished') return -CHANGE_LIMIT;
  const r = c.rate_ratio ?? (c.rate_a_per_day > 0 ? c.rate_b_per_day / c.rate_a_per_day : null);
  if (r === null || !Number.isFinite(r)) return c.rate_b_per_day > 0 ? CHANGE_LIMIT : 0;
  if (r <= 0) return -CHANGE_LIMIT;
  return Math.max(-CHANGE_LIMIT, Math.min(CHANGE_LIMIT, Math.log2(r)));
}

/** diverging maps change in doublings, −CHANGE_LIMIT..+CHANGE_LIMIT, onto red–blue. */
export function diverging(): Scale {
  const t = (v: number): number => clamp01((v + CHANGE_LIMIT) / (2 * CHANGE_LIMIT));
  const ticks = [-CHANGE_LIMIT, -1, 0, 1, CHANGE_LIMIT].map((v) => ({ value: v, t: t(v) }));
  return { t, color: (v) => pick(RED_BLUE, t(v)), ramp: redBlue, ticks };
}

/** gradient writes a scale's ramp as a CSS linear-gradient. */
export function gradient(s: Scale, stops = 12): string {
  const parts = Array.from({ length: stops }, (_, i) => {
    const t = i / (stops - 1);
    return `${s.ramp(t)} ${Math.round(t * 100)}%`;
  });
  return `linear-gradient(to right, ${parts.join(', ')})`;
}
