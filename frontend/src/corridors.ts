// corridors.ts: the route corridors of the latest corridor run — their colours and widths
// on the map, and the sortable list in the sidebar (a click zooms the map to a corridor).

import type { AreaGeometry, CorridorFeature, CorridorProps, LineGeometry } from './api';
import type { RGBA } from './colors';
import { h } from './dom';
import { csvField } from './export';
import * as fmt from './format';

/** A corridor with whichever geometries the API gave it. */
export interface Corridor {
  props: CorridorProps;
  line: LineGeometry | null;
  area: AreaGeometry | null;
}

/** joinCorridors pairs each corridor's centerline with its outline (same ids). */
export function joinCorridors(lines: CorridorFeature<LineGeometry>[], areas: CorridorFeature<AreaGeometry>[]): Corridor[] {
  const byId = new Map(areas.map((f) => [f.properties.id, f.geometry]));
  return lines.map((f) => ({ props: f.properties, line: f.geometry, area: byId.get(f.properties.id) ?? null }));
}

/** Status colours from the Okabe–Ito palette (distinct with colour-blindness). */
const STATUS: Record<string, RGBA> = {
  new: [240, 228, 66, 255], // yellow (orange and vermillion are one colour under deuteranopia)
  growing: [213, 94, 0, 255], // vermillion
  stable: [165, 165, 165, 230], // mid grey: the quietest, and apart from yellow under tritanopia
  declining: [86, 180, 233, 255], // sky blue
};
export const STATUSES = Object.keys(STATUS);

export function statusColor(status: string): RGBA {
  return STATUS[status] ?? STATUS['stable']!;
}

/** volume is what a corridor's width and default order use: legs for flow corridors, sightings
 * for label corridors (which have no journeys). */
export function volume(c: CorridorProps): number {
  return c.kind === 'flow' ? c.legs : c.sightings;
}

/** widthPx scales a line's width with the square root of its volume, 2–12 pixels. */
export function widthPx(v: number, max: number): number {
  if (!(max > 0) || !(v > 0)) return 2;
  return 2 + 10 * Math.sqrt(Math.min(v, max) / max);
}

export type SortKey = 'volume' | 'name' | 'status' | 'trend';

export function name(c: CorridorProps): string {
  return c.label || `corridor ${c.id}`;
}

/** sortCorridors orders a copy: volume and trend largest first, name and status A–Z; ties by
 * id, so the order is stable between loads. */
export function sortCorridors(cs: Corridor[], key: SortKey): Corridor[] {
  const status = (s: string) => { const i = STATUSES.indexOf(s); return i < 0 ? STATUSES.length : i; };
  const by: Record<SortKey, (a: CorridorProps, b: CorridorProps) => number> = {
    volume: (a, b) => volume(b) - volume(a),
    name: (a, b) => name(a).localeCompare(name(b)),
    status: (a, b) => status(a.status) - status(b.status),
    trend: (a, b) => (b.trend ?? -Infinity) - (a.trend ?? -Infinity),
  };
  return [...cs].sort((a, b) => by[key](a.props, b.props) || a.props.id - b.props.id);
}

/** bounds is [west, south, east, north] of a corridor's geometry, or null without one. */
export function bounds(c: Corridor): [number, number, number, number] | null {
  const pts: [number, number][] = c.line?.coordinates ?? c.area?.coordinates.flat(2) ?? [];
  if (!pts.length) return null;
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of pts) { w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y); }
  return [w, s, e, n];
}

/** endsText is where a corridor runs, in words: "near Zuwarah, LY → sea, 11 km S of
 * Lampedusa, IT"; empty when the API named neither end. */
export function endsText(c: CorridorProps): string {
  if (!c.from_place && !c.to_place) return '';
  return `${c.from_place ?? '?'} → ${c.to_place ?? '?'}`;
}

/** summary describes a corridor in a few lines (the list rows' titles). */
export function summary(c: CorridorProps): string[] {
  const lines = [name(c)];
  const ends = endsText(c);
  if (ends) lines.push(ends);
  lines.push(`status: ${c.status}`);
  if (c.kind === 'flow') lines.push(`legs: ${fmt.count(c.legs)}`);
  if (c.kind === 'flow' && c.journeys !== undefined) lines.push(`journeys: ${fmt.count(c.journeys)}`);
  lines.push(`sightings: ${fmt.count(c.sightings)}`, `persons: ${fmt.count(c.persons)}`, `trend: ${fmt.ratio(c.trend)}`);
  const modes = (c.top_modes ?? []).slice(0, 3).map((m) => fmt.label(typeof m === 'string' ? m : m.value)).join(', ');
  if (modes) lines.push(`top modes: ${modes}`);
  return lines;
}

/** CorridorList renders the sortable list; choosing a corridor calls onSelect. */
export class CorridorList {
  private sort: SortKey = 'volume';
  private corridors: Corridor[] = [];
  private of = 'of the latest run';

  constructor(private el: HTMLElement, private onSelect: (c: Corridor) => void) {}

  /** setData lists corridors; of says whose they are ("of the latest run", "of Jan – Jun 2025"). */
  setData(cs: Corridor[], of = 'of the latest run'): void {
    this.corridors = cs;
    this.of = of;
    this.render();
  }

  setMessage(text: string): void {
    this.el.replaceChildren(h('p', { class: 'muted small' }, text));
  }

  private render(): void {
    if (!this.corridors.length) {
      this.setMessage('No corridors yet: the corridor job has not run on this data.');
      return;
    }
    const head = (key: SortKey, text: string) => h('th', { scope: 'col', 'aria-sort': this.sort === key ? (key === 'name' || key === 'status' ? 'ascending' : 'descending') : undefined },
      h('button', { type: 'button', class: 'linklike', onclick: () => { this.sort = key; this.render(); } }, text));
    const rows = sortCorridors(this.corridors, this.sort).map((c) => {
      const where = bounds(c);
      return h('tr', { 'data-id': c.props.id, title: summary(c.props).join('\n') },
        h('td', {}, h('button', { type: 'button', class: 'linklike', dir: 'auto', disabled: !where,
          title: where ? 'Zoom the map to this corridor' : 'No geometry to zoom to', onclick: () => this.onSelect(c) }, name(c.props))),
        h('td', {}, h('span', { class: `status-dot status-${c.props.status}`, 'aria-hidden': 'true' }), c.props.status),
        h('td', { class: 'num' }, fmt.count(volume(c.props))),
        h('td', { class: 'num' }, fmt.ratio(c.props.trend)));
    });
    this.el.replaceChildren(h('table', { class: 'corridor-table' },
      h('caption', { class: 'muted small' }, `${this.corridors.length} corridors ${this.of}; volume is legs (flows) or sightings (route labels)`),
      h('thead', {}, h('tr', {}, head('name', 'Corridor'), head('status', 'Status'), head('volume', 'Volume'), head('trend', 'Trend'))),
      h('tbody', {}, ...rows)));
  }
}

/** corridorsGeoJSON is the corridors as an RFC 7946 FeatureCollection: centerlines for flow
 * corridors, outlines for route-label corridors, and every property. */
export function corridorsGeoJSON(cs: Corridor[]): GeoJSON.FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: cs.map((c) => ({ type: 'Feature', id: c.props.id, geometry: (c.line ?? c.area) as GeoJSON.Geometry, properties: { ...c.props } })),
  };
}

const CSV_COLUMNS: (keyof CorridorProps)[] = ['id', 'kind', 'label', 'from_place', 'to_place', 'status', 'legs', 'journeys', 'persons', 'sightings', 'trend', 'first_seen', 'last_seen', 'top_modes'];

/** corridorsCSV is one row per corridor with its bounding box (west, south, east, north). */
export function corridorsCSV(cs: Corridor[]): string {
  const lines = [[...CSV_COLUMNS, 'west', 'south', 'east', 'north'].join(',')];
  for (const c of cs) lines.push([...CSV_COLUMNS.map((k) => csvField(c.props[k])), ...(bounds(c) ?? ['', '', '', ''])].join(','));
  return `${lines.join('\r\n')}\r\n`;
}
