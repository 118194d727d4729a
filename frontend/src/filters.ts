// filters.ts: the filter controls fed by /api/v1/vocabulary, and the active filters as
// removable chips. Values are shown with dir="auto" so Arabic route labels read right to left.

import type { Vocabulary } from './api';
import { h } from './dom';
import * as fmt from './format';
import { chips, LIST_FILTERS, type ListFilter, RELIABILITY, type ViewState, withFilter, withoutFilter } from './state';
import type { Store } from './store';

export const FILTER_NAMES: Record<ListFilter | 'rel', string> = {
  mode: 'Transport mode', mo: 'Modus operandi', nationality: 'Nationality', route: 'Route',
  source: 'Source', rel: 'Source reliability',
};

const chipText = (key: ListFilter | 'rel', value: string): string =>
  key === 'rel' ? `${value} or better` : key === 'mode' || key === 'mo' ? fmt.label(value) : value;

export class FilterPanel {
  private selects = new Map<ListFilter, HTMLSelectElement>();
  private vocabulary: Vocabulary | null = null;
  private rel: HTMLSelectElement;
  private chipList: HTMLElement;

  constructor(form: HTMLElement, chipList: HTMLElement, private store: Store) {
    this.chipList = chipList;
    for (const key of LIST_FILTERS) {
      const id = `filter-${key}`;
      const sel = h('select', { id, 'data-filter': key, disabled: true, dir: 'auto', onchange: () => this.add(key, sel) });
      sel.append(h('option', { value: '' }, 'loading…'));
      this.selects.set(key, sel);
      form.append(h('div', { class: 'field' }, h('label', { for: id }, FILTER_NAMES[key]), sel));
    }
    this.rel = h('select', {
      id: 'filter-rel', onchange: () => store.update((s) => ({ ...s, filters: { ...s.filters, minReliability: this.rel.value || null } })),
    });
    this.rel.append(h('option', { value: '' }, 'any grade'));
    for (const g of RELIABILITY) this.rel.append(h('option', { value: g }, g === 'A' ? 'A only' : `A–${g}`));
    form.append(h('div', { class: 'field' }, h('label', { for: 'filter-rel' }, 'Minimum source reliability'), this.rel));
  }

  private add(key: ListFilter, sel: HTMLSelectElement): void {
    const v = sel.value;
    sel.value = '';
    if (v) this.store.update((s) => withFilter(s, key, v));
  }

  setVocabulary(v: Vocabulary): void {
    this.vocabulary = v;
    for (const [key, sel] of this.selects) {
      const values = v[key] ?? [];
      sel.replaceChildren(h('option', { value: '' }, `add ${FILTER_NAMES[key].toLowerCase()}…`));
      for (const x of values) {
        const text = `${key === 'mode' || key === 'mo' ? fmt.label(x.value) : x.value} (${fmt.count(x.sightings)})`;
        sel.append(h('option', { value: x.value, dir: 'auto' }, text));
      }
      sel.disabled = values.length === 0;
    }
    this.render(this.store.get());
  }

  render(s: ViewState): void {
    for (const [key, sel] of this.selects) {
      for (const o of Array.from(sel.options)) if (o.value) o.disabled = s.filters[key].includes(o.value);
    }
    this.rel.value = s.filters.minReliability ?? '';
    const list = chips(s.filters);
    const v = this.vocabulary;
    // A value the data does not hold (a link's typo, a value the key's clearance hides) matches
    // nothing: the chip says so rather than leave an empty map unexplained.
    const unknown = (key: string, value: string): boolean => key !== 'rel' && v !== null
      && !(v[key as keyof Vocabulary] ?? []).some((x) => x.value === value);
    this.chipList.replaceChildren(...list.map(({ key, value }) => {
      const text = chipText(key, value);
      const missing = unknown(key, value);
      return h('li', { class: missing ? 'chip chip-unknown' : 'chip', 'data-key': key,
        title: missing ? 'no sighting you may see has this value: this filter matches nothing' : undefined },
        h('span', { class: 'chip-key' }, `${FILTER_NAMES[key]}:`), ' ',
        h('bdi', { dir: 'auto', class: 'chip-value' }, text), missing ? h('span', { class: 'chip-warn' }, ' (not in the data)') : '',
        h('button', {
          type: 'button', class: 'chip-remove', 'aria-label': `remove filter ${FILTER_NAMES[key]}: ${text}`,
          onclick: () => this.store.update((st) => withoutFilter(st, key, value)),
        }, '×'));
    }));
    if (list.length > 1) {
      this.chipList.append(h('li', {}, h('button', {
        type: 'button', class: 'link', onclick: () => this.store.update((st) => ({
          ...st, filters: { mode: [], mo: [], nationality: [], route: [], source: [], minReliability: null },
        })),
      }, 'clear all')));
    }
  }
}
