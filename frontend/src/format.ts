// format.ts: numbers, dates and periods as the app shows them (pure functions).

import { format } from 'd3-format';
import { utcFormat } from 'd3-time-format';
import { utcDay, utcMonth, utcMonday } from 'd3-time';
import type { Period, Step } from './state';

const grouped = format(',d');
const compact = format('.3~s');

/** count shows an integer with thousands separators; above a million, compactly (1.25M). */
export function count(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.abs(n) >= 1e6 ? compact(n).replace('G', 'B') : grouped(Math.round(n));
}

/** rate shows a per-day rate with two significant decimals. */
export function rate(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return n === 0 ? '0' : format(Math.abs(n) >= 10 ? ',.1f' : '.2r')(n);
}

/** ratio shows a rate ratio as ×2.5 or ÷4; null (undefined or infinite) as –. */
export function ratio(r: number | null): string {
  if (r === null || !Number.isFinite(r) || r <= 0) return '–';
  return r >= 1 ? `×${format('.2~r')(r)}` : `÷${format('.2~r')(1 / r)}`;
}

/** signed shows a difference with its sign (+1.2, −0.4). */
export function signed(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const s = rate(Math.abs(n));
  return n > 0 ? `+${s}` : n < 0 ? `−${s}` : s;
}

/** pvalue shows a p- or q-value: 0.032, <0.001. */
export function pvalue(p: number): string {
  if (!Number.isFinite(p)) return '–';
  return p < 0.001 ? '<0.001' : format('.2~r')(p);
}

export function parseDate(s: string): Date {
  return new Date(`${s.slice(0, 10)}T00:00:00Z`);
}

export const isoDate = (d: Date): string => d.toISOString().slice(0, 10);
const dayLabel = utcFormat('%-d %b %Y');
const monthLabel = utcFormat('%b %Y');

export function dateLabel(s: string): string {
  return dayLabel(parseDate(s));
}

/** periodLabel shows a half-open period by its first and last day: 1 Jan 2024 – 31 Mar 2024. */
export function periodLabel(p: Period | null): string {
  if (!p) return 'all time';
  const from = parseDate(p.from);
  const to = parseDate(p.to);
  if (utcMonth.floor(from).getTime() === from.getTime() && utcMonth.offset(from, 1).getTime() === to.getTime()) {
    return monthLabel(from);
  }
  return `${dayLabel(from)} – ${dayLabel(utcDay.offset(to, -1))}`;
}

/** days is the length of a period in days. */
export function days(p: Period): number {
  return Math.round((parseDate(p.to).getTime() - parseDate(p.from).getTime()) / 86_400_000);
}

const interval = (step: Step) => (step === 'week' ? utcMonday : utcMonth);

/** floorStep is the start of the week (Monday, as the API's buckets) or month holding d. */
export function floorStep(d: string, step: Step): string {
  return isoDate(interval(step).floor(parseDate(d)));
}

/** ceilStep rounds a date up to the next week or month boundary (unchanged if on one). */
export function ceilStep(d: string, step: Step): string {
  return isoDate(interval(step).ceil(parseDate(d)));
}

/** offsetStep moves a date by n weeks or months. */
export function offsetStep(d: string, step: Step, n: number): string {
  return isoDate(interval(step).offset(parseDate(d), n));
}

/** snapPeriod widens [from, to) to whole weeks or months (at least one). */
export function snapPeriod(p: Period, step: Step): Period {
  const from = floorStep(p.from, step);
  let to = ceilStep(p.to, step);
  if (to <= from) to = offsetStep(from, step, 1);
  return { from, to };
}

/** label turns a vocabulary value into words: boat_rubber → boat rubber. */
export function label(value: string): string {
  return value.replace(/_/g, ' ');
}

/** errorText is how the app shows an error: its message (or the value itself), after
 * "context: " when given. */
export function errorText(err: unknown, context?: string): string {
  const text = err instanceof Error ? err.message : String(err);
  return context ? `${context}: ${text}` : text;
}

const lonLabel = (x: number): string => `${Math.abs(x).toFixed(2)}°${x < 0 ? 'W' : 'E'}`;
const latLabel = (y: number): string => `${Math.abs(y).toFixed(2)}°${y < 0 ? 'S' : 'N'}`;

/** areaLabel names an analysis area: its box (west to east, south to north) and H3 resolution. */
export function areaLabel(a: { bbox: { west: number; south: number; east: number; north: number }; res: number }): string {
  const b = a.bbox;
  return `${lonLabel(b.west)} – ${lonLabel(b.east)}, ${latLabel(b.south)} – ${latLabel(b.north)} · H3 res ${a.res}`;
}
