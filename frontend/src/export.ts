// export.ts: the current view's cells as GeoJSON (RFC 7946: polygons split at the
// antimeridian) and as CSV, downloaded from the browser without another request.

import { cellToBoundary, cellToLatLng } from 'h3-js';

export type Row = { h3: string } & Record<string, unknown>;
type Ring = [number, number][];

/** clipRing keeps the part of a ring on one side of a meridian (Sutherland–Hodgman). */
function clipRing(ring: Ring, x: number, keepWest: boolean): Ring {
  const inside = (p: [number, number]): boolean => (keepWest ? p[0] <= x : p[0] >= x);
  const out: Ring = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    if (inside(a)) out.push(a);
    if (inside(a) !== inside(b)) {
      const t = (x - a[0]) / (b[0] - a[0]);
      out.push([x, a[1] + t * (b[1] - a[1])]);
    }
  }
  return out;
}

const close = (r: Ring): Ring => (r.length ? [...r, r[0]!] : r);

/** cellGeometry is a cell's polygon, or two polygons when it crosses the antimeridian. */
export function cellGeometry(h3: string): GeoJSON.Polygon | GeoJSON.MultiPolygon {
  const ring = cellToBoundary(h3, true).slice(0, -1) as Ring; // [lng, lat], open
  const lons = ring.map((p) => p[0]);
  if (Math.max(...lons) - Math.min(...lons) <= 180) return { type: 'Polygon', coordinates: [close(ring)] };
  const unwrapped: Ring = ring.map(([lng, lat]) => [lng < 0 ? lng + 360 : lng, lat]);
  const east = clipRing(unwrapped, 180, true);
  const west = clipRing(unwrapped, 180, false).map(([lng, lat]) => [lng - 360, lat] as [number, number]);
  return { type: 'MultiPolygon', coordinates: [[close(east)], [close(west)]] };
}

export function toGeoJSON(rows: Row[], meta: Record<string, unknown> = {}): GeoJSON.FeatureCollection & Record<string, unknown> {
  return {
    type: 'FeatureCollection',
    ...meta,
    features: rows.map((r) => ({ type: 'Feature', id: r.h3, geometry: cellGeometry(r.h3), properties: { ...r } })),
  };
}

/**
 * FORMULA_START: a spreadsheet reads a cell starting with one of these as a formula (OWASP CSV
 * injection: = + - @, tab, carriage return).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * csvField writes one CSV field. Text that a spreadsheet would run as a formula (route labels
 * and sources come from agency files: `=HYPERLINK(...)`) is prefixed with a single quote so it
 * opens as text, as OWASP recommends, then quoted where needed. Numbers the app holds as
 * numbers (counts, rates, differences such as -3 or -0.5) are written as they are, so they
 * stay numbers; a string that only looks like a number (a label "-3") is text and is
 * prefixed too.
 */
export function csvField(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) s = '';
  else if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  else if (Array.isArray(v)) s = v.map((x) => (typeof x === 'object' && x !== null ? Object.values(x).join(':') : String(x))).join(';');
  else s = String(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** toCSV writes one row per cell with its centre (lat, lon) after the h3 column. */
export function toCSV(rows: Row[]): string {
  if (!rows.length) return 'h3,lat,lon\r\n';
  const cols = Object.keys(rows[0]!).filter((k) => k !== 'h3');
  const lines = [['h3', 'lat', 'lon', ...cols].join(',')];
  for (const r of rows) {
    const [lat, lon] = cellToLatLng(r.h3);
    lines.push([r.h3, lat.toFixed(5), lon.toFixed(5), ...cols.map((c) => csvField(r[c]))].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** download saves text as a file through a temporary object URL. */
export function download(filename: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
