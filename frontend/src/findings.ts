// findings.ts: the latest analytics runs' findings in the sidebar — emerging routes with
// their recent and expected counts, their ratio and q-value, and modus-operandi shifts with the categories that
// rose and fell — each with its coverage flag (a change one source's reporting explains).

import type { EmergingRoute, Findings, MOShift } from './api';
import { h } from './dom';
import * as fmt from './format';

function unitName(f: { label: string; unit_kind: string; unit_key: string }): string {
  return f.label || `${f.unit_kind} ${f.unit_key}`;
}

function coverage(f: { coverage?: string; sources: number; top_source: string; top_share: number }): HTMLElement {
  const share = `${f.sources} source${f.sources === 1 ? '' : 's'}, ${f.top_source} ${Math.round(f.top_share * 100)} %`;
  return f.coverage
    ? h('span', { class: 'coverage-flag', title: share }, `⚠ ${f.coverage}`)
    : h('span', { class: 'muted' }, share);
}

/** emergingQ is the q-value of the direction a finding reports. */
export function emergingQ(e: EmergingRoute): number {
  return e.status === 'declining' ? e.q_down : e.q_up;
}

/** expected is a finding's expected recent count, or '–' for runs made without one. */
function expected(e: EmergingRoute): string {
  return e.recent_expected === undefined ? '–' : e.recent_expected < 10 ? e.recent_expected.toFixed(1) : fmt.count(Math.round(e.recent_expected));
}

/** ratio is recent over expected; runs made without an expectation show the rate ratio. */
export function ratio(e: EmergingRoute): string {
  if (e.baseline_count === 0) return 'new';
  if (e.recent_expected !== undefined && e.recent_expected > 0) return fmt.ratio(e.recent_count / e.recent_expected);
  return e.rate_ratio === null ? '–' : fmt.ratio(e.rate_ratio);
}

export function renderEmerging(el: HTMLElement, f: Findings<EmergingRoute>): void {
  if (!f.items.length) {
    el.replaceChildren(h('p', { class: 'muted small' }, f.run_id ? 'No emerging or declining routes in the latest run.' : 'The emerging-routes job has not run yet.'));
    return;
  }
  el.replaceChildren(h('table', { class: 'finding-table' },
    h('caption', { class: 'muted small' }, `Emerging routes (run ${f.run_id}): recent 3 months vs what the route's own season and trend lead one to expect`),
    h('thead', {}, h('tr', {}, ...['Route', 'Status', 'Recent / expected', 'Ratio', 'q'].map((t) => h('th', { scope: 'col' }, t)))),
    ...f.items.map((e) => h('tbody', { class: e.coverage ? 'flagged' : undefined },
      h('tr', {},
        h('td', { dir: 'auto' }, unitName(e)),
        h('td', {}, e.status),
        h('td', { class: 'num' }, `${fmt.count(e.recent_count)} / ${expected(e)}`),
        h('td', { class: 'num' }, ratio(e)),
        h('td', { class: 'num' }, fmt.pvalue(emergingQ(e)))),
      h('tr', { class: 'detail' }, h('td', { colspan: 5 }, `baseline ${fmt.count(e.baseline_count)} in 12 months · `, coverage(e)))))));
}

export function renderShifts(el: HTMLElement, f: Findings<MOShift>): void {
  if (!f.items.length) {
    el.replaceChildren(h('p', { class: 'muted small' }, f.run_id ? 'No modus-operandi shifts in the latest run.' : 'The modus-operandi job has not run yet.'));
    return;
  }
  const values = (vs: string[] | null) => (vs ?? []).map((v) => fmt.label(v)).join(', ') || '–';
  el.replaceChildren(h('table', { class: 'finding-table' },
    h('caption', { class: 'muted small' }, `Modus-operandi shifts (run ${f.run_id}): recent 3 months vs the baseline`),
    h('thead', {}, h('tr', {}, ...['Route · dimension', 'Rose', 'Fell', 'q'].map((t) => h('th', { scope: 'col' }, t)))),
    ...f.items.map((s) => h('tbody', { class: s.coverage ? 'flagged' : undefined },
      h('tr', {},
        h('td', { dir: 'auto' }, `${unitName(s)} · ${fmt.label(s.dimension)}`),
        h('td', { dir: 'auto' }, `↑ ${values(s.rose)}`),
        h('td', { dir: 'auto' }, `↓ ${values(s.fell)}`),
        h('td', { class: 'num' }, fmt.pvalue(s.q))),
      h('tr', { class: 'detail' }, h('td', { colspan: 4 },
        `Cramér's V ${s.cramers_v.toFixed(2)} · since ${s.shift_month ? s.shift_month.slice(0, 7) : '–'} · `, coverage(s)))))));
}
