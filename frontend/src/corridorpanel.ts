// corridorpanel.ts: one corridor's detail in the side panel — status and volume, the monthly
// series, its top modes, modus operandi and nationalities, and its entry and exit cells.

import type { Bucket, CorridorDetail, Forecast, ValueCount } from './api';
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

/** forecastRows are a forecast's months ahead as table rows: month, expected count and the
 * 80% and 95% intervals, rounded to whole sightings. */
export function forecastRows(f: Forecast): { month: string; mean: string; i80: string; i95: string }[] {
  const r = (x: number | undefined): string => (x === undefined ? '–' : fmt.count(Math.round(x)));
  const span = (lo: number | undefined, hi: number | undefined): string => (lo === undefined || hi === undefined ? '–' : `${r(lo)}–${r(hi)}`);
  return f.series.filter((s) => s.step > 0).map((s) => ({
    month: s.from.slice(0, 10), mean: r(s.mean), i80: span(s.lo80, s.hi80), i95: span(s.lo95, s.hi95),
  }));
}

/** skillText says how good the unit's forecasts were in its own backtest. */
export function skillText(f: Forecast): string {
  const b = f.backtest;
  const n = (x: number | null, digits: number): string => (x === null ? 'n/a' : x.toFixed(digits));
  return `Backtest over ${fmt.count(b.points)} held-back months: MASE ${n(b.mase, 2)} (last year's month: ${n(b.naive_mase, 2)}; below 1 beats it), `
    + `95% intervals held ${b.calibrated95 === null ? 'n/a' : `${Math.round(b.calibrated95 * 100)}%`}.`;
}

/** forecastSection shows a unit's forecast (undefined: not asked; null: none, for the reason
 * given) under a heading that says what is forecast. */
export function forecastSection(f: Forecast | null | undefined, none = 'the corridor has less than 30 months of history, or the forecasts job has not run',
  heading = 'Next six months (forecast)'): (HTMLElement | string)[] {
  if (f === undefined) return [];
  if (f === null) return [h('h3', {}, 'Next six months'), h('p', { class: 'muted small' }, `No forecast: ${none}.`)];
  return [
    h('h3', {}, heading),
    h('table', { class: 'corridor-forecast' },
      h('thead', {}, h('tr', {}, h('th', {}, 'from'), h('th', { class: 'num' }, 'expected'), h('th', { class: 'num' }, '80%'), h('th', { class: 'num' }, '95%'))),
      h('tbody', {}, ...forecastRows(f).map((r) => h('tr', {},
        h('td', {}, r.month), h('td', { class: 'num' }, r.mean), h('td', { class: 'num' }, r.i80), h('td', { class: 'num' }, r.i95))))),
    h('p', { class: 'muted small' }, skillText(f)),
  ];
}

/** renderCorridor shows a corridor's detail; forecast is its forecast (null: none; undefined:
 * not asked, as for planners). */
export function renderCorridor(el: HTMLElement, d: CorridorDetail, on: CorridorPanelHandlers, forecast?: Forecast | null): void {
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
      : h('p', { class: 'muted small' }, d.monthly === null ? 'The monthly series is not released to planners.' : 'no sightings in the corridor\'s cells'),
    ...forecastSection(forecast));
}

export function renderCorridorMessage(el: HTMLElement, text: string, close: () => void): void {
  el.replaceChildren(
    h('header', { class: 'panel-head' }, h('h2', {}, 'Corridor'),
      h('button', { type: 'button', class: 'close', 'aria-label': 'close corridor detail', onclick: close }, '×')),
    h('p', { class: 'muted' }, text));
}
