// cellcontext.ts: what the latest analytics say about one cell — its emerging hot spot
// pattern and the corridors whose outline holds its centre — from data the app has already
// loaded (the hot spot run and the corridors' outlines), so no further request is needed.

import { cellToChildren, cellToLatLng, cellToParent, getResolution } from 'h3-js';
import type { Hotspot } from './api';
import { type Corridor, name } from './corridors';
import { h } from './dom';

/** inRing tests a point against a closed [lon, lat] ring (ray casting). */
function inRing([x, y]: [number, number], ring: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** corridorsAt lists the corridors whose outline (a MultiPolygon) holds the point. */
export function corridorsAt(point: [number, number], cs: Corridor[]): Corridor[] {
  return cs.filter((c) => (c.area?.coordinates ?? []).some(([outer, ...holes]) =>
    outer !== undefined && inRing(point, outer) && !holes.some((hole) => inRing(point, hole))));
}

/** hotspotPatterns names the patterns of the hot spot cells that are the cell, its parent
 * or its children, at the run's resolution nearest the cell's, with how many cells each;
 * patterns is null when the cell is too coarse to look at its children (over 2 levels, 343+
 * cells). */
export function hotspotPatterns(h3: string, spots: Hotspot[]): { res: number; patterns: [string, number][] | null } | null {
  const res = getResolution(h3);
  const all = [...new Set(spots.map((s) => s.res))];
  if (!all.length) return null;
  const r = all.reduce((best, x) => (Math.abs(x - res) < Math.abs(best - res) ? x : best));
  if (r - res > 2) return { res: r, patterns: null };
  const cells = new Set(r <= res ? [cellToParent(h3, r)] : cellToChildren(h3, r));
  const n = new Map<string, number>();
  for (const s of spots) if (s.res === r && cells.has(s.cell)) n.set(s.pattern, (n.get(s.pattern) ?? 0) + 1);
  return { res: r, patterns: [...n.entries()] };
}

/** renderCellContext appends the cell's hot spot pattern and corridors to its panel. */
export function renderCellContext(el: HTMLElement, h3: string, spots: Hotspot[] | null, cs: Corridor[]): void {
  const [lat, lon] = cellToLatLng(h3);
  const through = corridorsAt([lon, lat], cs);
  const hs = spots ? hotspotPatterns(h3, spots) : null;
  el.querySelector('.cell-context')?.remove();
  el.append(h('section', { class: 'cell-context' },
    h('h3', {}, 'Emerging hot spot'),
    h('p', { class: hs?.patterns?.length ? undefined : 'muted' }, !spots || !hs ? 'no hot spot run'
      : !hs.patterns ? `zoom in: the hot spot run analysed resolution ${hs.res}`
        : hs.patterns.length ? `${hs.patterns.map(([p, n]) => (n > 1 ? `${p} (${n} cells)` : p)).join(', ')} at resolution ${hs.res}`
          : `no pattern at resolution ${hs.res}`),
    h('h3', {}, 'Corridors through it'),
    through.length
      ? h('ul', { class: 'cell-corridors' }, ...through.map((c) => h('li', { dir: 'auto' }, `${name(c.props)} (${c.props.status})`)))
      : h('p', { class: 'muted' }, 'none in the latest corridor run')));
}
