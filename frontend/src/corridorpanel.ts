// corridorpanel.ts: one corridor's detail in the side panel — status and volume, the monthly
// series, its top modes, modus operandi and nationalities, and its entry and exit cells.

import type { Bucket, CorridorDetail, ValueCount } from './api';
import { endsText, name } from './corridors';
import { h } from './dom';
import * as fmt from './format';
import { termLink } from './glossary';

export interface CorridorPanelHandlers {
  close: () => void;
  /** select opens a cell of the corridor. */
  select: (h3: string) => void;
}

/** monthRows are the series' months as table rows with a bar scaled to the largest month. */
export function monthRows(monthly: Bucket[]): { month: string; sightings: number; share: number }[] {
  const max = Math.max(1, ...monthly.map((b) => b.sightings));
  return monthly.map((b) => ({ month: b.start.slice(0, 7), sightings: b.sightings, share: b.sightings / max }));
}

export function renderCorridor(el: HTMLElement, d: CorridorDetail, on: CorridorPanelHandlers): void {
  const p = d.corridor.properties;
  const values = (title: string, xs: (ValueCount | string)[] | null | undefined): HTMLElement | string => {
    const list = (xs ?? []).map((x) => (typeof x === 'string' ? x : `${fmt.label(x.value)} (${fmt.count(x.sightings)})`));
    return list.length ? h('p', { class: 'small' }, h('strong', {}, `${title}: `), h('bdi', { dir: 'auto' }, list.join(', '))) : '';
  };
  const cells = (title: string, xs: string[] | undefined): HTMLElement | string => (xs?.length
    ? h('p', { class: 'small' }, h('strong', {}, `${title}: `), ...xs.flatMap((c, i) => [i ? ', ' : '',
      h('button', { type: 'button', class: 'link', onclick: () => on.select(c) }, h('code', {}, c))]))
    : '');
  const months = d.monthly ? monthRows(d.monthly) : [];
  el.replaceChildren(
    h('header', { class: 'panel-head' },
      h('h2', {}, h('bdi', { dir: 'auto' }, name(p)), ' ', termLink('corridor')),
      h('button', { type: 'button', class: 'close', 'aria-label': 'close corridor detail', onclick: on.close }, '×')),
    endsText(p) ? h('p', {}, h('bdi', { dir: 'auto' }, endsText(p))) : '',
    h('p', { class: 'muted' }, `${p.kind === 'flow' ? 'flow corridor (journeys)' : 'route label corridor'} · ${p.status} · trend ${fmt.ratio(p.trend)} · ${fmt.count(d.cells.length)} cells`),
    h('dl', { class: 'stats' },
      ...(p.kind === 'flow' ? [h('dt', {}, 'legs'), h('dd', {}, fmt.count(p.legs))] : []),
      ...(p.journeys !== undefined ? [h('dt', {}, 'journeys'), h('dd', {}, fmt.count(p.journeys))] : []),
      h('dt', {}, 'sightings'), h('dd', {}, fmt.count(p.sightings)),
      h('dt', {}, 'persons'), h('dd', {}, fmt.count(p.persons)),
      ...(p.first_seen && p.last_seen ? [h('dt', {}, 'seen'), h('dd', {}, `${p.first_seen.slice(0, 10)} – ${p.last_seen.slice(0, 10)}`)] : [])),
    values('Top modes', p.top_modes), values('Top modus operandi', p.top_modus_operandi), values('Top nationalities', p.top_nationalities),
    cells('Entry', p.entry), cells('Exit', p.exit),
    h('h3', {}, 'Sightings per month'),
    months.length ? h('table', { class: 'corridor-months' }, h('tbody', {}, ...months.map((m) => h('tr', {},
      h('td', {}, m.month),
      h('td', { class: 'bd-bar' }, h('span', { style: `width:${Math.round(m.share * 100)}%` })),
      h('td', { class: 'num' }, fmt.count(m.sightings))))))
      : h('p', { class: 'muted small' }, d.monthly === null ? 'The monthly series is not released to planners.' : 'no sightings in the corridor\'s cells'));
}

export function renderCorridorMessage(el: HTMLElement, text: string, close: () => void): void {
  el.replaceChildren(
    h('header', { class: 'panel-head' }, h('h2', {}, 'Corridor'),
      h('button', { type: 'button', class: 'close', 'aria-label': 'close corridor detail', onclick: close }, '×')),
    h('p', { class: 'muted' }, text));
}
