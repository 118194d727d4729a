// hotspots.ts: the emerging hot spot analysis of the latest run (ArcGIS Pro's categories) —
// how each category is drawn, which resolution to show, and the counts in the sidebar.

import type { Findings, Hotspot } from './api';
import type { RGBA } from './colors';
import { h } from './dom';
import * as fmt from './format';

const KINDS = ['New', 'Consecutive', 'Intensifying', 'Persistent', 'Diminishing', 'Sporadic', 'Oscillating', 'Historical'];
/** PATTERNS are the categories with a finding (everything but "No Pattern Detected"). */
export const PATTERNS = [...KINDS.map((k) => `${k} Hot Spot`), ...KINDS.map((k) => `${k} Cold Spot`)];

/** Emerging patterns are drawn strongest, fading ones faintest; hot in vermillion, cold in
 * blue (Okabe–Ito), so the two stay apart with colour-blindness. */
const STRENGTH: Record<string, number> = {
  New: 3, Consecutive: 3, Intensifying: 3, Persistent: 2, Sporadic: 2, Oscillating: 2, Diminishing: 1, Historical: 1,
};

export function patternStyle(pattern: string): { color: RGBA; width: number } {
  const [kind = '', temp = ''] = pattern.split(' ');
  const strength = STRENGTH[kind] ?? 1;
  const alpha = [0, 140, 200, 255][strength]!;
  const color: RGBA = temp === 'Cold' ? [86, 180, 233, alpha] : [213, 94, 0, alpha];
  return { color, width: strength + 0.5 };
}

/** nearestRes picks the run's resolution closest to the map's (coarser on a tie). */
export function nearestRes(spots: Hotspot[], res: number): number | null {
  const all = [...new Set(spots.map((s) => s.res))].sort((a, b) => a - b);
  if (!all.length) return null;
  return all.reduce((best, r) => (Math.abs(r - res) < Math.abs(best - res) ? r : best));
}

/** countsByPattern counts cells per pattern, in PATTERNS order, leaving out absent ones. */
export function countsByPattern(spots: Hotspot[]): [string, number][] {
  const n = new Map<string, number>();
  for (const s of spots) n.set(s.pattern, (n.get(s.pattern) ?? 0) + 1);
  return PATTERNS.filter((p) => n.has(p)).map((p) => [p, n.get(p)!]);
}

export function renderHotspots(el: HTMLElement, f: Findings<Hotspot>, res: number | null): void {
  if (!f.items.length) {
    el.replaceChildren(h('p', { class: 'muted small' }, f.run_id ? 'No hot or cold spots in the latest run.' : 'The hot spot job has not run yet.'));
    return;
  }
  const shown = f.items.filter((s) => s.res === res);
  el.replaceChildren(
    h('p', { class: 'muted small' }, `Run ${f.run_id}: ${fmt.count(shown.length)} cells with a pattern at resolution ${res} (the run's nearest to the map's).`),
    h('ul', { class: 'pattern-list' }, ...countsByPattern(shown).map(([p, n]) => {
      const { color, width } = patternStyle(p);
      return h('li', { 'data-pattern': p },
        h('span', { class: 'pattern-swatch', style: `border: ${width}px solid rgba(${color[0]},${color[1]},${color[2]},${color[3] / 255})`, 'aria-hidden': 'true' }),
        `${p}: ${fmt.count(n)}`);
    })));
}
