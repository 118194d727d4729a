// state.ts: the whole view state in one value, and its encoding in the URL so that a view can
// be shared by link; and what the view has loaded for it (ViewData). Pure functions; store.ts
// holds the live view state, main.ts the live ViewData.

import type { Compare, Findings, Heatmap, Hotspot, Timeline } from './api';
import type { Scale } from './colors';
import type { Corridor } from './corridors';
import { type BBox, fitRes, MAX_RES, MIN_RES } from './geo';

export type AppView = 'heatmap' | 'compare';
export type Metric = 'sightings' | 'persons';
export type Step = 'week' | 'month';
/** A half-open period [from, to) of UTC dates, YYYY-MM-DD. */
export interface Period { from: string; to: string }

export const LIST_FILTERS = ['mode', 'mo', 'nationality', 'route', 'source'] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];
export const RELIABILITY = ['A', 'B', 'C', 'D', 'E', 'F'] as const;

export interface Filters extends Record<ListFilter, string[]> {
  /** Keep sources graded this or better (A best). */
  minReliability: string | null;
}

/** The analysis area: the box and the H3 resolution every statistic of compare mode (cells,
 * totals, modus-operandi shifts, timeline, exports, print) is computed for. It is part of the
 * link, so the size of the window or the map's position never changes a number. */
export interface Area { bbox: BBox; res: number }

export interface ViewState {
  view: AppView;
  lon: number; lat: number; zoom: number;
  /** The heatmap's period; null means all time. */
  period: Period | null;
  step: Step;
  metric: Metric;
  filters: Filters;
  /** Compare mode's periods; null until chosen (the app then proposes defaults). */
  a: Period | null;
  b: Period | null;
  /** Compare mode's analysis area; null until chosen (the app then takes the map's view). */
  area: Area | null;
  /** The cell whose detail panel is open. */
  cell: string | null;
  /** The corridor whose detail panel is open (a corridor id of the list). */
  corridor: number | null;
  /** Whether the route corridors are drawn over the heatmap. */
  corridors: boolean;
  /** Whether the latest hot spot analysis is outlined over the heatmap. */
  hotspots: boolean;
}

export function emptyFilters(): Filters {
  return { mode: [], mo: [], nationality: [], route: [], source: [], minReliability: null };
}

export function defaultState(): ViewState {
  return {
    view: 'heatmap', lon: 12, lat: 30, zoom: 2.2, period: null, step: 'month', metric: 'sightings',
    filters: emptyFilters(), a: null, b: null, area: null, cell: null, corridor: null, corridors: true, hotspots: false,
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const H3 = /^[0-9a-f]{15}$/;

export function isDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function isPeriod(p: Period | null): p is Period {
  return p !== null && isDate(p.from) && isDate(p.to) && p.from < p.to;
}

function encodePeriod(p: Period): string {
  return `${p.from}..${p.to}`;
}

function decodePeriod(s: string | null): Period | null {
  if (!s) return null;
  const [from = '', to = ''] = s.split('..');
  const p = { from, to };
  return isPeriod(p) ? p : null;
}

const fixed = (x: number, digits: number): string => String(Number(x.toFixed(digits)));

const finite = (s: string | undefined, lo: number, hi: number): number | null => {
  if (s === undefined || s.trim() === '') return null;
  const x = Number(s);
  return Number.isFinite(x) && x >= lo && x <= hi ? x : null;
};

/** encodeArea writes an area as `west,south,east,north` (2 decimals, about a kilometre) and its res. */
export function encodeArea(a: Area): { area: string; res: string } {
  const b = a.bbox;
  return { area: [b.west, b.south, b.east, b.north].map((x) => fixed(x, 2)).join(','), res: String(a.res) };
}

/** decodeArea reads `area` (west,south,east,north; west > east crosses the antimeridian) and
 * `ares`; without a valid ares the finest resolution within the app's cell budget is taken. */
export function decodeArea(area: string | null, res: string | null): Area | null {
  const [west, south, east, north, ...rest] = (area ?? '').split(',').map((p) => finite(p, -180, 180));
  if (rest.length || west == null || south == null || east == null || north == null) return null;
  if (south < -90 || north > 90 || south >= north || west === east) return null;
  const bbox = { west, south, east, north };
  const r = finite(res ?? undefined, MIN_RES, MAX_RES);
  return { bbox, res: r !== null && Number.isInteger(r) ? r : fitRes(bbox) };
}

/** areaFromView rounds the map's view to an area as its link will hold it. */
export function areaFromView(bbox: BBox, res: number): Area {
  return decodeArea(encodeArea({ bbox, res }).area, String(res)) ?? { bbox, res };
}

/** encodeState writes the state as a query string, leaving out what equals the default. */
export function encodeState(s: ViewState): string {
  const d = defaultState();
  const q = new URLSearchParams();
  if (s.view !== d.view) q.set('view', s.view);
  q.set('c', `${fixed(s.lon, 4)},${fixed(s.lat, 4)}`);
  q.set('z', fixed(s.zoom, 2));
  if (s.period) q.set('period', encodePeriod(s.period));
  if (s.step !== d.step) q.set('step', s.step);
  if (s.metric !== d.metric) q.set('metric', s.metric);
  for (const k of LIST_FILTERS) {
    if (k === 'route') for (const r of s.filters.route) q.append('route', r); // labels may hold commas
    else if (s.filters[k].length) q.set(k, s.filters[k].join(','));
  }
  if (s.filters.minReliability) q.set('rel', s.filters.minReliability);
  if (s.a) q.set('a', encodePeriod(s.a));
  if (s.b) q.set('b', encodePeriod(s.b));
  if (s.area) {
    const a = encodeArea(s.area);
    q.set('area', a.area);
    q.set('ares', a.res);
  }
  if (s.cell) q.set('cell', s.cell);
  if (s.corridor !== null) q.set('corridor', String(s.corridor));
  if (!s.corridors) q.set('cor', '0');
  if (s.hotspots) q.set('hs', '1');
  return q.toString();
}


function uniq(xs: string[]): string[] {
  return [...new Set(xs.map((x) => x.trim()).filter((x) => x !== ''))];
}

/** decodeState reads a query string; anything missing or malformed takes its default. */
export function decodeState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const s = defaultState();
  const view = q.get('view');
  if (view === 'heatmap' || view === 'compare') s.view = view;
  const [lon, lat] = (q.get('c') ?? '').split(',');
  const x = finite(lon, -180, 180);
  const y = finite(lat, -85.06, 85.06);
  if (x !== null && y !== null) { s.lon = x; s.lat = y; }
  s.zoom = finite(q.get('z') ?? undefined, 0, 22) ?? s.zoom;
  s.period = decodePeriod(q.get('period'));
  const step = q.get('step');
  if (step === 'week' || step === 'month') s.step = step;
  const metric = q.get('metric');
  if (metric === 'sightings' || metric === 'persons') s.metric = metric;
  for (const k of LIST_FILTERS) {
    s.filters[k] = k === 'route' ? uniq(q.getAll('route')) : uniq(q.getAll(k).flatMap((v) => v.split(',')));
  }
  s.filters.nationality = uniq(s.filters.nationality.map((n) => n.toUpperCase()));
  const rel = (q.get('rel') ?? '').toUpperCase();
  s.filters.minReliability = (RELIABILITY as readonly string[]).includes(rel) ? rel : null;
  s.a = decodePeriod(q.get('a'));
  s.b = decodePeriod(q.get('b'));
  s.area = decodeArea(q.get('area'), q.get('ares'));
  const cell = (q.get('cell') ?? '').toLowerCase();
  s.cell = H3.test(cell) ? cell : null;
  const corridor = finite(q.get('corridor') ?? undefined, 0, Number.MAX_SAFE_INTEGER);
  s.corridor = corridor !== null && Number.isInteger(corridor) ? corridor : null;
  s.corridors = q.get('cor') !== '0';
  s.hotspots = q.get('hs') === '1';
  return s;
}

/** withFilter adds value to a list filter (no duplicates). */
export function withFilter(s: ViewState, key: ListFilter, value: string): ViewState {
  if (!value || s.filters[key].includes(value)) return s;
  return { ...s, filters: { ...s.filters, [key]: [...s.filters[key], value] } };
}

/** withoutFilter removes one value from a list filter, or the reliability floor (key 'rel'). */
export function withoutFilter(s: ViewState, key: ListFilter | 'rel', value: string): ViewState {
  if (key === 'rel') return { ...s, filters: { ...s.filters, minReliability: null } };
  return { ...s, filters: { ...s.filters, [key]: s.filters[key].filter((v) => v !== value) } };
}

export interface Chip { key: ListFilter | 'rel'; value: string }

/** chips lists the active filters in display order. */
export function chips(f: Filters): Chip[] {
  const out: Chip[] = [];
  for (const k of LIST_FILTERS) for (const v of f[k]) out.push({ key: k, value: v });
  if (f.minReliability) out.push({ key: 'rel', value: f.minReliability });
  return out;
}

/** dataKey is what the map's data depends on (not the map position): equal keys, same data. */
export function dataKey(s: ViewState): string {
  return JSON.stringify([s.view, s.period, s.filters, s.view === 'compare' ? [s.a, s.b, s.area] : null]);
}

/** The map's cells as last loaded: the heatmap or the comparison, with their colour scale. */
export type Loaded = { kind: 'heatmap'; data: Heatmap; scale: Scale } | { kind: 'compare'; data: Compare; scale: Scale };

/** ViewData is what the view has loaded from the API (not in the URL: a link reloads it). */
export interface ViewData {
  /** The map's cells; null before the first load and after a failed one. */
  loaded: Loaded | null;
  /** The timeline's buckets for the current step, area and filters. */
  timeline: Timeline | null;
  /** The latest hot spot analysis; null until it loads. */
  hotspots: Findings<Hotspot> | null;
  /** The latest corridor run, centerlines and outlines joined. */
  corridors: Corridor[];
  /** How many map loads have painted (body[data-loads], for the end-to-end tests). */
  loads: number;
  /** Set once the benchmark owns the map: no map load starts after it. */
  benching: boolean;
  /** While Play runs, the largest cell value seen since it started (the heatmap's colour
   * scale never shrinks, so frames compare); null otherwise. */
  playMax: number | null;
}

export function emptyData(): ViewData {
  return { loaded: null, timeline: null, hotspots: null, corridors: [], loads: 0, benching: false, playMax: null };
}

/** linkProblems lists what a link held that decodeState could not use (it takes the default
 * instead), so the app can say so rather than drop it without a word. */
export function linkProblems(search: string): string[] {
  const q = new URLSearchParams(search);
  const out: string[] = [];
  const bad = (k: string, what: string): void => { out.push(`${k}=${q.get(k) ?? ''} (${what})`); };
  const known = new Set(['view', 'c', 'z', 'period', 'step', 'metric', ...LIST_FILTERS, 'rel', 'a', 'b', 'area', 'ares', 'cell', 'corridor', 'cor', 'hs']);
  for (const k of new Set(q.keys())) if (!known.has(k)) out.push(`${k} (not a routewatch link parameter)`);
  const has = (k: string): boolean => q.has(k) && (q.get(k) ?? '') !== '';
  if (has('view') && !['heatmap', 'compare'].includes(q.get('view')!)) bad('view', 'want heatmap or compare');
  if (has('c')) {
    const [lon, lat, ...rest] = q.get('c')!.split(',');
    if (rest.length || finite(lon, -180, 180) === null || finite(lat, -85.06, 85.06) === null) bad('c', 'want lon,lat');
  }
  if (has('z') && finite(q.get('z')!, 0, 22) === null) bad('z', 'want a zoom from 0 to 22');
  for (const k of ['period', 'a', 'b']) if (has(k) && !decodePeriod(q.get(k))) bad(k, 'want YYYY-MM-DD..YYYY-MM-DD, the end after the start');
  if (has('step') && !['week', 'month'].includes(q.get('step')!)) bad('step', 'want week or month');
  if (has('metric') && !['sightings', 'persons'].includes(q.get('metric')!)) bad('metric', 'want sightings or persons');
  if (has('rel') && !(RELIABILITY as readonly string[]).includes(q.get('rel')!.toUpperCase())) bad('rel', 'want a grade A to F');
  if (has('area') && !decodeArea(q.get('area'), q.get('ares'))) bad('area', 'want west,south,east,north');
  if (has('ares')) {
    const r = finite(q.get('ares')!, MIN_RES, MAX_RES);
    if (r === null || !Number.isInteger(r)) bad('ares', `want a resolution from ${MIN_RES} to ${MAX_RES}`);
  }
  if (has('cell') && !H3.test(q.get('cell')!.toLowerCase())) bad('cell', 'want an H3 cell id');
  if (has('corridor') && !/^\d+$/.test(q.get('corridor')!)) bad('corridor', 'want a corridor id');
  return out;
}
