// ranking.ts: the sidebar's ranked table — the busiest cells or routes of the map's area in
// the chosen period, each with its change from the previous period of the same length (the
// API tests the change; this only shows it), sortable, exported as CSV.

import type { RankBy, RankedRow, Ranking } from './api';
import { h } from './dom';
import { csvField } from './export';
import { termLink } from './glossary';
import * as fmt from './format';

type Key = 'rank' | 'b' | 'change';

/** changeText is a row's change from the previous period as the table shows it. */
export function changeText(r: RankedRow): string {
  if (r.status === 'new') return 'new';
  if (r.status === 'vanished') return 'gone';
  return r.rate_ratio === null ? '–' : fmt.ratio(r.rate_ratio);
}

/** rankingCSV writes the rows with their unit, counts, rates, test and status. */
export function rankingCSV(r: Ranking): string {
  const cell = r.by === 'cell';
  const cols = ['rank', ...(cell ? ['h3', 'place'] : ['route']), 'previous', 'period', 'persons_previous', 'persons_period',
    'rate_ratio', 'q_up', 'q_down', 'status'];
  const lines = [cols.join(',')];
  for (const x of r.rows) {
    lines.push([x.rank, ...(cell ? [x.h3, x.place ?? ''] : [x.route]), x.a, x.b, x.persons_a, x.persons_b, x.rate_ratio ?? '', x.q_up, x.q_down, x.status]
      .map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** sortRows orders the rows by a column: rank (busiest first), sightings, or change. */
export function sortRows(rows: RankedRow[], key: Key): RankedRow[] {
  const change = (r: RankedRow): number => (r.status === 'new' ? Infinity : r.status === 'vanished' ? -Infinity : r.rate_ratio ?? 0);
  const by = { rank: (r: RankedRow) => -r.rank, b: (r: RankedRow) => r.b, change };
  return [...rows].sort((x, y) => by[key](y) - by[key](x) || x.rank - y.rank);
}

export class RankingTable {
  private body: HTMLElement;
  private data: Ranking | null = null;
  private key: Key = 'rank';

  constructor(el: HTMLElement, private by: (b: RankBy) => void, private select: (h3: string) => void, download: (r: Ranking) => void) {
    const choose = h('select', { id: 'ranking-by', 'aria-label': 'rank cells or routes', onchange: () => this.by(choose.value as RankBy) },
      h('option', { value: 'cell' }, 'cells'), h('option', { value: 'route' }, 'routes'));
    this.body = h('div', { id: 'ranking-body' });
    el.replaceChildren(
      h('h2', { id: 'ranking-title' }, 'Busiest ', choose, ' ', termLink('ranking')),
      this.body,
      h('button', { type: 'button', id: 'export-ranking-csv', onclick: () => { if (this.data) download(this.data); } }, 'Ranking CSV'));
  }

  setMessage(text: string): void {
    this.data = null;
    this.body.replaceChildren(h('p', { class: 'muted small' }, text));
  }

  setData(r: Ranking): void {
    this.data = r;
    this.draw();
  }

  private draw(): void {
    const r = this.data;
    if (!r) return;
    const head = (key: Key, text: string, title: string): HTMLElement => h('th', { scope: 'col', class: key === 'rank' ? '' : 'num',
      'aria-sort': this.key === key ? 'descending' : 'none', title },
    h('button', { type: 'button', class: 'link', onclick: () => { this.key = key; this.draw(); } }, text));
    const unit = (x: RankedRow): HTMLElement => (r.by === 'cell'
      ? h('button', { type: 'button', class: 'link', title: x.h3, onclick: () => this.select(x.h3) }, x.place ? h('span', { class: 'place' }, x.place) : h('code', {}, x.h3))
      : h('span', { dir: 'auto' }, x.route ?? ''));
    this.body.replaceChildren(
      h('p', { class: 'muted small' }, `${fmt.periodLabel({ from: r.period.from.slice(0, 10), to: r.period.to.slice(0, 10) })} against `
        + `${fmt.periodLabel({ from: r.previous.from.slice(0, 10), to: r.previous.to.slice(0, 10) })} · ${fmt.count(r.units)} ${r.by}s in the area`
        + `${r.by === 'cell' ? ` (H3 res ${r.res})` : ''}; change tested (BH q < ${r.alpha}).`),
      r.rows.length ? h('table', { class: 'ranking' },
        h('thead', {}, h('tr', {}, head('rank', '#', 'rank by sightings in the period'), h('th', { scope: 'col' }, r.by),
          head('b', 'sightings', 'in the period (previous → period)'), head('change', 'change', 'rate ratio, period vs previous'))),
        h('tbody', {}, ...sortRows(r.rows, this.key).map((x) => h('tr', { class: `status-${x.status}`, 'data-unit': r.by === 'cell' ? x.h3 : x.route ?? '' },
          h('td', {}, String(x.rank)), h('td', {}, unit(x)),
          h('td', { class: 'num' }, `${fmt.count(x.a)} → ${fmt.count(x.b)}`),
          h('td', { class: 'num', title: `q ${fmt.pvalue(Math.min(x.q_up, x.q_down))} · ${x.status}` },
            `${changeText(x)}${x.status === 'up' || x.status === 'down' ? ' *' : ''}`))))) : h('p', { class: 'muted small' }, 'no sightings in the area'),
      h('p', { class: 'muted small' }, '* significant change (q < α).'));
  }
}
