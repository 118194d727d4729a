// comparepanel.ts: compare mode's periods A and B, the overall change, and the tables of the
// cells that rose and fell most (by difference in sightings per day), and the modus-operandi
// shifts between the periods (transport mode, modus operandi, nationalities in the view).

import type { Compare, CompareCell, CompareShifts, DimensionShift, ShiftCategory } from './api';
import { h } from './dom';
import { termLink } from './glossary';
import * as fmt from './format';
import { isPeriod, type Period, type ViewState } from './state';
import { type Region, regionOf, SEA_REGIONS } from './regions';
import type { Store } from './store';

const ROWS = 10;

export function rises(cells: CompareCell[], n = ROWS): CompareCell[] {
  return cells.filter((c) => c.difference_per_day > 0).sort((a, b) => b.difference_per_day - a.difference_per_day).slice(0, n);
}

export function falls(cells: CompareCell[], n = ROWS): CompareCell[] {
  return cells.filter((c) => c.difference_per_day < 0).sort((a, b) => a.difference_per_day - b.difference_per_day).slice(0, n);
}

/** shiftRows lists a dimension's categories by how much their share moved, most first. */
export function shiftRows(d: DimensionShift, n = 6): ShiftCategory[] {
  const moved = (c: ShiftCategory): number => Math.abs(c.share_b - c.share_a);
  return [...(d.categories ?? [])].sort((x, y) => moved(y) - moved(x) || x.value.localeCompare(y.value)).slice(0, n);
}

/** shiftVerdict is a dimension's one-line result. */
export function shiftVerdict(d: DimensionShift, alpha: number): string {
  if (!d.tested) return `not tested: ${d.reason ?? 'too few sightings'}`;
  const effect = d.multi_valued ? `JSD ${d.jsd.toFixed(3)}` : `Cramér's V ${(d.cramers_v ?? 0).toFixed(2)}`;
  return `${d.shift ? 'shift' : 'no shift'} · q ${fmt.pvalue(d.q)} (α ${alpha}) · ${effect} · ${d.method}`;
}

export class ComparePanel {
  private inputs: Record<'a' | 'b', [HTMLInputElement, HTMLInputElement]>;
  private body: HTMLElement;
  private shifts: HTMLElement;
  private area: HTMLElement;

  private regionSelect: HTMLSelectElement;
  private regions: Region[] = [...SEA_REGIONS];

  /** useView makes the map's current view the analysis area; pick makes a named region it. */
  constructor(el: HTMLElement, store: Store, private select: (h3: string) => void, useView: () => void, pick: (r: Region) => void) {
    const make = (which: 'a' | 'b'): [HTMLInputElement, HTMLInputElement] => {
      const on = (): void => {
        const [f, t] = this.inputs[which];
        const p = { from: f.value, to: t.value };
        if (isPeriod(p)) store.set({ [which]: p });
      };
      return [h('input', { type: 'date', id: `${which}-from`, onchange: on }), h('input', { type: 'date', id: `${which}-to`, onchange: on })];
    };
    this.inputs = { a: make('a'), b: make('b') };
    const row = (which: 'a' | 'b', name: string): HTMLElement => h('fieldset', { class: `period period-${which}` },
      h('legend', {}, name),
      h('label', { for: `${which}-from` }, 'from'), this.inputs[which][0],
      h('label', { for: `${which}-to` }, 'to (exclusive)'), this.inputs[which][1]);
    this.body = h('div', { class: 'compare-body' });
    this.shifts = h('section', { id: 'compare-shifts', class: 'compare-shifts', 'aria-live': 'polite' });
    this.area = h('span', { id: 'compare-area-text' });
    const share = h('button', { type: 'button', id: 'share-link', class: 'no-print' }, 'Copy link');
    share.addEventListener('click', () => {
      navigator.clipboard.writeText(location.href).then(() => { share.textContent = 'Link copied'; }, () => { share.textContent = 'Copy the address bar'; });
      setTimeout(() => { share.textContent = 'Copy link'; }, 2000);
    });
    this.regionSelect = h('select', { id: 'area-region', class: 'no-print', 'aria-label': 'Named area',
      onchange: () => { const r = this.regions.find((x) => x.name === this.regionSelect.value); if (r) pick(r); } });
    this.fillRegions();
    el.replaceChildren(
      h('header', { class: 'panel-head' }, h('h2', {}, 'Compare periods'),
        h('button', { type: 'button', class: 'print-button', onclick: () => window.print() }, 'Print / PDF')),
      h('div', { class: 'periods no-print' }, row('a', 'Period A (baseline)'), row('b', 'Period B')),
      h('p', { id: 'compare-area', class: 'compare-area' }, h('strong', {}, 'Area', termLink('analysis-area'), ': '), this.area, ' ',
        h('button', { type: 'button', id: 'area-from-view', class: 'no-print', onclick: useView,
          title: 'Every number of this comparison is computed for this area, whatever the map shows' }, "Use the map's view"),
        ' ', this.regionSelect, ' ', share),
      this.body, this.shifts);
  }

  /** addRegions adds named regions (the countries, once the atlas has loaded). */
  addRegions(more: Region[]): void {
    this.regions = [...SEA_REGIONS, ...more];
    this.fillRegions();
  }

  private fillRegions(): void {
    const current = this.regionSelect.value;
    const groups = new Map<string, Region[]>();
    for (const r of this.regions) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
    this.regionSelect.replaceChildren(h('option', { value: '' }, 'Named area…'),
      ...[...groups].map(([label, rs]) => h('optgroup', { label }, ...rs.map((r) => h('option', { value: r.name }, r.name)))));
    this.regionSelect.value = current;
  }

  render(s: ViewState): void {
    const region = s.area ? regionOf(s.area, this.regions) : undefined;
    this.area.textContent = s.area ? `${region ? `${region.name}: ` : ''}${fmt.areaLabel(s.area)}` : 'the map\'s view';
    this.regionSelect.value = region?.name ?? '';
    for (const which of ['a', 'b'] as const) {
      const p: Period | null = s[which];
      this.inputs[which][0].value = p?.from ?? '';
      this.inputs[which][1].value = p?.to ?? '';
    }
  }

  setMessage(text: string): void {
    this.body.replaceChildren(h('p', { class: 'muted' }, text));
  }

  setShiftsMessage(text: string): void {
    this.shifts.replaceChildren(h('h3', {}, 'Modus-operandi shifts ', termLink('mo-shift')), h('p', { class: 'muted' }, text));
  }

  setShifts(c: CompareShifts): void {
    const pct = (x: number): string => `${Math.round(x * 100)} %`;
    const dim = (d: DimensionShift): HTMLElement => h('section', { class: `shift-dim ${d.shift ? 'shifted' : ''}`, 'data-dimension': d.dimension },
      h('h4', {}, fmt.label(d.dimension), ' ', h('span', { class: d.shift ? 'shift-flag' : 'muted small' }, shiftVerdict(d, c.alpha))),
      d.shift ? h('p', { dir: 'auto' }, `↑ ${d.rose.map(fmt.label).join(', ') || '–'} · ↓ ${d.fell.map(fmt.label).join(', ') || '–'}`) : '',
      (d.categories ?? []).length ? h('table', {},
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'value'), h('th', { scope: 'col', class: 'num' }, 'A → B'),
          h('th', { scope: 'col', class: 'num', title: d.multi_valued ? 'share of sightings carrying the value' : 'share of sightings' }, 'share'),
          h('th', { scope: 'col', class: 'num', title: d.multi_valued ? 'q of the value\'s own test' : 'adjusted standardized residual in B' }, d.multi_valued ? 'q' : 'resid.'))),
        h('tbody', {}, ...shiftRows(d).map((r) => h('tr', {},
          h('td', { dir: 'auto' }, fmt.label(r.value)),
          h('td', { class: 'num' }, `${fmt.count(r.a)} → ${fmt.count(r.b)}`),
          h('td', { class: 'num' }, `${pct(r.share_a)} → ${pct(r.share_b)}`),
          h('td', { class: 'num' }, r.q !== undefined ? fmt.pvalue(r.q) : r.residual !== undefined ? fmt.signed(r.residual) : '–'))))) : '');
    this.shifts.replaceChildren(
      h('h3', {}, 'Modus-operandi shifts ', termLink('mo-shift')),
      h('p', { class: 'muted small' }, `${fmt.count(c.a.sightings)} sightings in A, ${fmt.count(c.b.sightings)} in B (H3 res-${c.cell_res} cells centred in the analysis area). ` +
        'Counts are sightings: several reports of one journey each count.'),
      ...c.dimensions.map(dim));
  }

  setData(c: Compare): void {
    const t = c.totals;
    const counts = new Map<string, number>();
    for (const x of c.cells) counts.set(x.status, (counts.get(x.status) ?? 0) + 1);
    const table = (title: string, rows: CompareCell[]): HTMLElement => h('section', { class: 'compare-table' },
      h('h3', {}, title),
      rows.length ? h('table', {},
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'cell'), h('th', { scope: 'col', class: 'num' }, 'A → B'),
          h('th', { scope: 'col', class: 'num', title: 'change in sightings per day' }, 'Δ/day'),
          h('th', { scope: 'col', class: 'num' }, 'ratio'), h('th', { scope: 'col', class: 'num' }, 'q ', termLink('q-value')))),
        h('tbody', {}, ...rows.map((r) => h('tr', { class: `status-${r.status}`, title: `${r.status}: ${fmt.rate(r.rate_a_per_day)} → ${fmt.rate(r.rate_b_per_day)} per day` },
          h('td', {}, h('button', { type: 'button', class: 'link', title: r.h3, onclick: () => this.select(r.h3) },
            r.place ? h('span', { class: 'place' }, r.place) : h('code', {}, r.h3))),
          h('td', { class: 'num' }, `${fmt.count(r.a)} → ${fmt.count(r.b)}`),
          h('td', { class: 'num' }, fmt.signed(r.difference_per_day)),
          h('td', { class: 'num st' }, r.status === 'new' ? 'new' : r.status === 'vanished' ? 'gone' : fmt.ratio(r.rate_ratio)),
          h('td', { class: 'num' }, fmt.pvalue(Math.min(r.q_up, r.q_down))))))) : h('p', { class: 'muted' }, 'none'));
    this.body.replaceChildren(
      h('p', { class: 'compare-summary' },
        `A: ${fmt.periodLabel({ from: c.a.from, to: c.a.to })} (${c.a.days} days) · B: ${fmt.periodLabel({ from: c.b.from, to: c.b.to })} (${c.b.days} days)`),
      h('dl', { class: 'stats' },
        h('dt', {}, 'sightings per day'), h('dd', {}, `${fmt.rate(t.rate_a_per_day)} → ${fmt.rate(t.rate_b_per_day)}`),
        h('dt', {}, 'rate ratio ', termLink('rate-ratio')), h('dd', {}, `${fmt.ratio(t.rate_ratio)} (${t.status}, q ${fmt.pvalue(Math.min(t.q_up, t.q_down))})`),
        h('dt', {}, 'cells ', termLink('status')), h('dd', {}, ['up', 'new', 'down', 'vanished', 'unchanged']
          .map((k) => `${counts.get(k) ?? 0} ${k}`).join(' · '))),
      table('Largest rises', rises(c.cells)),
      table('Largest falls', falls(c.cells)),
      h('p', { class: 'muted' }, `Significance: exact test of two Poisson rates, one-sided, Benjamini–Hochberg q < ${c.alpha}; new/vanished need at least ${c.min_count} sightings. H3 res ${c.res}.`));
  }
}
