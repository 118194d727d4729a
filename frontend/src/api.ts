// api.ts is the one module that knows the API's URLs and types. Every request goes through
// request(). The API wants a key on every /api call: the app signs in once (POST
// /api/v1/session with the key) and the server keeps the session in an HttpOnly cookie, so
// the page never holds the key. A 401 asks the sign-in handler (signin.ts) and retries.

import type { Filters, Period } from './state';
import { type BBox, bboxParam } from './geo';

export interface Totals { cells?: number; sightings: number; persons: number }
export interface ModeCount { mode: string; sightings: number }
/** place is the cell centre's nearest town in words, absent when none lies within 150 km. */
export interface HeatCell { h3: string; sightings: number; persons: number; top_modes: ModeCount[]; place?: string }
export interface Heatmap { res: number; bbox: number[]; from: string; to: string; totals: Totals; cells: HeatCell[] }

export interface Bucket { start: string; sightings: number; persons: number }
export interface Timeline { bucket: string; res: number; from: string; to: string; totals: Totals; buckets: Bucket[] }

export type CompareStatus = 'new' | 'vanished' | 'up' | 'down' | 'unchanged';
export interface CompareCell {
  h3: string; a: number; b: number; persons_a: number; persons_b: number;
  rate_a_per_day: number; rate_b_per_day: number; rate_ratio: number | null;
  difference_per_day: number; p_up: number; p_down: number; q_up: number; q_down: number;
  status: CompareStatus; place?: string;
}
export interface ComparePeriod { from: string; to: string; days: number }
export interface Compare {
  res: number; a: ComparePeriod; b: ComparePeriod; alpha: number; min_count: number;
  totals: Omit<CompareCell, 'h3'>; cells: CompareCell[];
}

export interface ValueCount { value: string; sightings: number; persons: number }
/** Place is where a point lies, in words (geo/places): in a country, or at sea from the nearest. */
export interface Place { text: string; country: string; at_sea: boolean; distance_km: number }
export interface CellDetail {
  h3: string; res: number; centre: [number, number]; place?: Place; from: string; to: string;
  detail: null | {
    sightings: number; persons: number; weekly: Bucket[];
    breakdowns: Record<string, ValueCount[]>;
    neighbours: ValueCount[];
  };
}
export type Vocabulary = Record<'mode' | 'mo' | 'nationality' | 'route' | 'source', ValueCount[]>;

/** ApiError carries the API's error body: {"error": {"code", "message", "details"}}. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string,
    readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

/** Where the API lives: the same origin that served the app. */
const BASE = '/api/v1';

/** data_version is the newest completed ingest batch when the session was read (GET only). */
export interface Session { role: string; clearance: string; key: string; data_version?: number }

let signInHandler: (() => Promise<void>) | null = null;
let signingIn: Promise<void> | null = null;

/** onUnauthenticated sets what to do when the API answers 401: ask for a key and sign in. */
export function onUnauthenticated(handler: () => Promise<void>): void {
  signInHandler = handler;
}

async function fail(res: Response): Promise<never> {
  let body: { error?: { code?: string; message?: string; details?: Record<string, unknown> } } = {};
  try { body = await res.json(); } catch { /* not JSON */ }
  const e = body.error ?? {};
  throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? res.statusText, e.details ?? {});
}

async function send(method: string, path: string, params?: URLSearchParams, body?: unknown, signal?: AbortSignal): Promise<Response> {
  const qs = params?.toString();
  for (;;) {
    const res = await fetch(`${BASE}${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin', // the session cookie
      signal,
    });
    if (res.status !== 401 || !signInHandler || (path === '/session' && method !== 'GET')) return res;
    signingIn ??= signInHandler().finally(() => { signingIn = null; });
    await signingIn; // then try again, signed in
  }
}

async function request<T>(path: string, params: URLSearchParams, signal?: AbortSignal): Promise<T> {
  const res = await send('GET', path, params, undefined, signal);
  if (!res.ok) return fail(res);
  return (await res.json()) as T;
}

/** signIn opens a session with an API key; the server answers with an HttpOnly cookie. */
export async function signIn(key: string): Promise<Session> {
  const res = await send('POST', '/session', undefined, { key });
  if (!res.ok) return fail(res);
  return (await res.json()) as Session;
}

export async function signOut(): Promise<void> {
  await send('DELETE', '/session');
}

/** getSession says who is signed in (asks to sign in when nobody is). */
export function getSession(): Promise<Session> {
  return request('/session', new URLSearchParams());
}

/** filterParams writes the filters as the API reads them: lists comma-separated, route repeated. */
export function filterParams(f: Filters, p = new URLSearchParams()): URLSearchParams {
  for (const k of ['mode', 'mo', 'nationality', 'source'] as const) {
    if (f[k].length) p.set(k, f[k].join(','));
  }
  for (const r of f.route) p.append('route', r); // labels may contain commas
  if (f.minReliability) p.set('min_reliability', f.minReliability);
  return p;
}

function periodParams(p: Period | null, q: URLSearchParams, fromKey = 'from', toKey = 'to'): void {
  if (!p) return;
  q.set(fromKey, p.from);
  q.set(toKey, p.to);
}

export interface AreaQuery { res: number; bbox: BBox }

export function heatmapParams(area: AreaQuery, period: Period | null, f: Filters): URLSearchParams {
  const q = new URLSearchParams({ res: String(area.res), bbox: bboxParam(area.bbox) });
  periodParams(period, q);
  return filterParams(f, q);
}

export function getHeatmap(area: AreaQuery, period: Period | null, f: Filters, signal?: AbortSignal): Promise<Heatmap> {
  return request('/heatmap', heatmapParams(area, period, f), signal);
}

export function getTimeline(bucket: 'day' | 'week' | 'month', bbox: BBox | null, f: Filters, signal?: AbortSignal): Promise<Timeline> {
  const q = new URLSearchParams({ bucket });
  if (bbox) q.set('bbox', bboxParam(bbox));
  return request('/timeline', filterParams(f, q), signal);
}

export function getCompare(area: AreaQuery, a: Period, b: Period, f: Filters, signal?: AbortSignal): Promise<Compare> {
  const q = new URLSearchParams({ res: String(area.res), bbox: bboxParam(area.bbox) });
  periodParams(a, q, 'a_from', 'a_to');
  periodParams(b, q, 'b_from', 'b_to');
  return request('/compare', filterParams(f, q), signal);
}

export type RankBy = 'cell' | 'route';
export interface RankedRow extends CompareCell { rank: number; route?: string }
export interface Ranking { by: RankBy; res: number; alpha: number; period: ComparePeriod; previous: ComparePeriod; units: number; rows: RankedRow[] }

/** rankingURL is the ranking request for an area, period and filters (also what the e2e
 * tests compare the table with). */
export function rankingParams(by: RankBy, area: AreaQuery, p: Period, f: Filters, limit = 20): URLSearchParams {
  const q = new URLSearchParams({ by, res: String(area.res), bbox: bboxParam(area.bbox), limit: String(limit) });
  periodParams(p, q);
  return filterParams(f, q);
}

/** getRanking reads the busiest cells or routes of the area in the period, each with its
 * change from the previous period of the same length. */
export function getRanking(by: RankBy, area: AreaQuery, p: Period, f: Filters, signal?: AbortSignal): Promise<Ranking> {
  return request('/ranking', rankingParams(by, area, p, f), signal);
}

export interface ShiftCategory { value: string; a: number; b: number; share_a: number; share_b: number; residual?: number; q?: number }
export interface DimensionShift {
  dimension: 'transport_mode' | 'modus_operandi' | 'nationalities'; multi_valued: boolean;
  sightings_a: number; sightings_b: number; tested: boolean; reason?: string; method?: string;
  p: number; q: number; cramers_v?: number; jsd: number; shift: boolean; rose: string[]; fell: string[];
  categories: ShiftCategory[] | null;
}
export interface CompareShifts {
  a: { from: string; to: string; sightings: number }; b: { from: string; to: string; sightings: number };
  alpha: number; cell_res: number; dimensions: DimensionShift[];
}

/** getCompareShifts tests the transport-mode, modus-operandi and nationality mix of two periods in a bbox. */
export function getCompareShifts(bbox: BBox, a: Period, b: Period, f: Filters, signal?: AbortSignal): Promise<CompareShifts> {
  const q = new URLSearchParams({ bbox: bboxParam(bbox) });
  periodParams(a, q, 'a_from', 'a_to');
  periodParams(b, q, 'b_from', 'b_to');
  return request('/compare/mo-shifts', filterParams(f, q), signal);
}

export function getCell(h3: string, period: Period | null, f: Filters, signal?: AbortSignal): Promise<CellDetail> {
  const q = new URLSearchParams();
  periodParams(period, q);
  return request(`/cells/${encodeURIComponent(h3)}`, filterParams(f, q), signal);
}

/** CorridorProps are a corridor's properties. Planner keys get the release grid
 * (docs/SECURITY.md): no journeys, first or last seen, and top modes as names only. */
export interface CorridorProps {
  id: number; kind: 'flow' | 'label'; label: string; status: string;
  legs: number; journeys?: number; persons: number; sightings: number; trend: number | null;
  first_seen?: string | null; last_seen?: string | null; top_modes: (ValueCount | string)[] | null;
  /** the centreline's ends in words ("near Zuwarah, LY"); null without a centreline */
  from_place?: string | null; to_place?: string | null;
}
export type LineGeometry = { type: 'LineString'; coordinates: [number, number][] };
export type AreaGeometry = { type: 'MultiPolygon'; coordinates: [number, number][][][] };
export interface CorridorFeature<G = LineGeometry | AreaGeometry> { type: 'Feature'; id: number; geometry: G | null; properties: CorridorProps }
/** Release is what a planner's answer says of itself: the release grid's resolution and
 * quarter, the smallest count shown, and how many cells were withheld below it. */
export interface Release { res: number; from: string; to: string; suppressed_below: number; withheld: number }
/** CorridorDetail is GET /api/v1/corridors/{id}: the corridor with its outline, centreline,
 * cells, monthly series (null for planners) and legs. */
export interface CorridorDetail {
  corridor: CorridorFeature<AreaGeometry> & { properties: CorridorProps & { entry?: string[]; exit?: string[];
    top_modus_operandi?: ValueCount[] | null; top_nationalities?: ValueCount[] | null } };
  cells: string[]; monthly: Bucket[] | null;
}

/** getCorridor reads one corridor of the latest run. */
export function getCorridor(id: number, signal?: AbortSignal): Promise<CorridorDetail> {
  return request(`/corridors/${id}`, new URLSearchParams(), signal);
}

/** Forecast is one unit of GET /api/v1/forecasts: its observed months (step < 0), the next
 * six (step > 0) with 80% and 95% prediction intervals, and its own backtest. */
export interface ForecastStep {
  step: number; from: string; to: string; observed?: number;
  mean?: number; lo80?: number; hi80?: number; lo95?: number; hi95?: number; naive?: number;
}
export interface Forecast {
  unit_kind: 'label' | 'corridor'; unit_key: string; label: string; months: number;
  backtest: { origins: number; points: number; mase: number | null; naive_mase: number | null; cover80: number | null; cover95: number | null;
    calibration: number; calibrated80: number | null; calibrated95: number | null };
  series: ForecastStep[];
}

/** getForecast reads the latest forecast of one route label, corridor or cell (res 3 or 4);
 * null when the latest forecasts run has none (too little history, or no run yet). */
export async function getForecast(unit: 'label' | 'corridor' | 'cell', id: string, signal?: AbortSignal): Promise<Forecast | null> {
  const r = await request<{ items: Forecast[] }>('/forecasts', new URLSearchParams({ unit, id }), signal);
  return r.items[0] ?? null;
}

export interface Corridors<G = LineGeometry | AreaGeometry> { type: 'FeatureCollection'; features: CorridorFeature<G>[]; release?: Release }

/** getCorridors reads the latest corridor run, as centerlines or as outlines. */
export function getCorridors<G extends LineGeometry | AreaGeometry>(geometry: 'centerline' | 'outline', period: Period | null = null, signal?: AbortSignal): Promise<Corridors<G>> {
  const q = new URLSearchParams({ geometry });
  if (period) periodParams(period, q);
  return request('/corridors', q, signal);
}

export interface Coverage { sources: number; top_source: string; top_share: number; coverage?: string }
export interface EmergingRoute extends Coverage {
  id: number; unit_kind: string; unit_key: string; label: string; corridor_id?: number; status: string;
  baseline_count: number; recent_count: number; recent_expected?: number; baseline_from: string; baseline_to: string; recent_from: string; recent_to: string;
  rate_ratio: number | null; q_up: number; q_down: number; first_detected_at: string | null;
}
export interface MOShift extends Coverage {
  unit_kind: string; unit_key: string; label: string; corridor_id?: number; dimension: string; kind: string;
  sightings_a: number; sightings_b: number; q: number; cramers_v: number; rose: string[] | null; fell: string[] | null;
  shift_month: string | null;
}
export interface Findings<T> { run_id: number | null; count: number; items: T[] }

export interface Hotspot { cell: string; res: number; pattern: string; steps: number; hot_steps: number; cold_steps: number; sightings: number; final_z: number; final_q: number; trend_z: number; trend_p: number }

/** getHotspots reads the latest hot spot run's cells that have a pattern. */
export function getHotspots(patterns: string[], signal?: AbortSignal): Promise<Findings<Hotspot>> {
  return request('/hotspots', new URLSearchParams({ pattern: patterns.join(',') }), signal);
}

/** getEmerging reads the latest emerging-routes run's findings (not the stable units). */
export function getEmerging(signal?: AbortSignal): Promise<Findings<EmergingRoute>> {
  return request('/emerging', new URLSearchParams({ status: 'new,surging,ongoing,declining,coverage_change' }), signal);
}

/** getShifts reads the latest modus-operandi-shift run's shifts and coverage changes. */
export function getShifts(signal?: AbortSignal): Promise<Findings<MOShift>> {
  return request('/mo-shifts', new URLSearchParams({ kind: 'shift,coverage_change' }), signal);
}

export function getVocabulary(signal?: AbortSignal): Promise<Vocabulary> {
  return request('/vocabulary', new URLSearchParams(), signal);
}

/**
 * withCoarserRetry runs a heatmap-like request and, when the API refuses the bbox as too many
 * cells (400 with details.max_res_for_bbox), retries once at the resolution it names.
 */
export async function withCoarserRetry<T>(area: AreaQuery, run: (a: AreaQuery) => Promise<T>): Promise<T> {
  try {
    return await run(area);
  } catch (e) {
    const fit = e instanceof ApiError && e.status === 400 ? e.details['max_res_for_bbox'] : undefined;
    if (typeof fit === 'number' && fit < area.res) return run({ ...area, res: fit });
    throw e;
  }
}
