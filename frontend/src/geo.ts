// geo.ts: bounding boxes and the heatmap resolution for a view (pure functions).

import { getHexagonAreaAvg, latLngToCell, UNITS } from 'h3-js';

/** BBox in degrees; west > east means the box crosses the antimeridian (as the API reads it). */
export interface BBox { west: number; south: number; east: number; north: number }

export const MIN_RES = 2;
export const MAX_RES = 8;
/** The API refuses heatmap and compare requests whose bbox holds more cells than this. */
export const API_MAX_CELLS = 50_000;
/** What the app asks for at most, leaving room for the API's estimate and partial edge cells. */
export const CELL_BUDGET = 30_000;

const EARTH_RADIUS_KM = 6371.0088;
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** wrapLon maps a longitude into [-180, 180]. */
export function wrapLon(lon: number): number {
  if (lon >= -180 && lon <= 180) return lon;
  const w = ((((lon + 180) % 360) + 360) % 360) - 180;
  return w === -180 && lon > 0 ? 180 : w;
}

/**
 * normalizeBounds turns a map's bounds (longitudes may run past ±180 when the view wraps)
 * into the API's bbox: the whole width when the view spans 360° or more, otherwise wrapped
 * longitudes (west > east when the view crosses the antimeridian); latitudes clamped.
 */
export function normalizeBounds(west: number, south: number, east: number, north: number): BBox {
  const s = Math.max(-90, Math.min(south, north));
  const n = Math.min(90, Math.max(south, north));
  if (east - west >= 360) return { west: -180, south: round4(s), east: 180, north: round4(n) };
  let w = wrapLon(west);
  let e = wrapLon(east);
  if (w === 180 && e !== 180) w = -180;
  if (e === -180 && w !== -180) e = 180;
  return { west: round4(w), south: round4(s), east: round4(e), north: round4(n) };
}

/** widthDeg is the bbox's width in degrees, across the antimeridian when west > east. */
export function widthDeg(b: BBox): number {
  return b.west <= b.east ? b.east - b.west : 360 - (b.west - b.east);
}

/** bboxAreaKm2 is the area of the box on the sphere, as the API estimates it. */
export function bboxAreaKm2(b: BBox): number {
  const rad = Math.PI / 180;
  return EARTH_RADIUS_KM ** 2 * widthDeg(b) * rad * (Math.sin(b.north * rad) - Math.sin(b.south * rad));
}

/** estimateCells is the API's estimate of how many cells of resolution res the box holds. */
export function estimateCells(b: BBox, res: number): number {
  return bboxAreaKm2(b) / getHexagonAreaAvg(res, UNITS.km2);
}

/** zoomRes is the resolution that follows the map's zoom: clamp(round(zoom·0.9) − 1, 2, 8). */
export function zoomRes(zoom: number): number {
  return Math.max(MIN_RES, Math.min(MAX_RES, Math.round(zoom * 0.9) - 1));
}

/** fitRes is the finest resolution (≥ MIN_RES) at which the box holds at most budget cells. */
export function fitRes(b: BBox, budget = CELL_BUDGET): number {
  let res = MAX_RES;
  while (res > MIN_RES && estimateCells(b, res) > budget) res--;
  return res;
}

/** heatmapRes follows the zoom but never asks for more cells than the budget allows. */
export function heatmapRes(zoom: number, b: BBox, budget = CELL_BUDGET): number {
  return Math.min(zoomRes(zoom), fitRes(b, budget));
}

export function bboxParam(b: BBox): string {
  return [b.west, b.south, b.east, b.north].map(round4).join(',');
}

/** cellAt is the cell of res holding (lat, lon) when it is one of cells (keyboard picking at the map centre), else null. */
export function cellAt(lat: number, lon: number, res: number, cells: readonly { h3: string }[]): string | null {
  const h3 = latLngToCell(lat, lon, res);
  return cells.some((c) => c.h3 === h3) ? h3 : null;
}
