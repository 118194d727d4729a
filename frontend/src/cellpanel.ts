// cellpanel.ts: one cell's detail from /api/v1/cells/{h3} — totals, the weekly series
// (d3-scale, d3-axis), breakdowns by each filter dimension, the neighbouring cells, and (res 3
// and 4) the forecast of the next six months.

import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear, scaleUtc } from 'd3-scale';
import { select } from 'd3-selection';
import { utcMonday } from 'd3-time';
import type { Bucket, CellDetail, Forecast, ValueCount } from './api';
import { forecastSection } from './corridorpanel';
import { h } from './dom';
import * as fmt from './format';
import type { Metric, Period } from './state';

const BREAKDOWNS: [string, string][] = [
  ['mode', 'Transport mode'], ['mo', 'Modus operandi'], ['nationality', 'Nationality'],
  ['route', 'Route'], ['source', 'Source'], ['channel', 'Reporting channel'], ['reliability', 'Source reliability'],
];
const TOP = 6;

/** fillWeeks returns one bucket per week (Mondays, as the API's) over the period, or from
 * the first to the last week with data, with zeros for weeks without sightings. */
export function fillWeeks(weekly: Bucket[], period?: Period | null): Bucket[] {
  const byStart = new Map(weekly.map((b) => [b.start.slice(0, 10), b]));
  let first: string;
  let end: string; // exclusive
  if (period) {
    first = fmt.floorStep(period.from, 'week');
    end = period.to;
  } else if (weekly.length) {
    first = weekly[0]!.start.slice(0, 10);
    end = fmt.offsetStep(weekly[weekly.length - 1]!.start, 'week', 1);
  } else {
    return [];
  }
  const out: Bucket[] = [];
  for (let d = first; d < end && out.length < 2000; d = fmt.offsetStep(d, 'week', 1)) {
    out.push(byStart.get(d) ?? { start: d, sightings: 0, persons: 0 });
  }
  return out;
}

function weeklyChart(weeks: Bucket[], metric: Metric): SVGSVGElement {
  const width = 300;
  const height = 120;
  const m = { top: 6, right: 6, bottom: 20, left: 36 };
  const svg = select(document.createElementNS('http://www.w3.org/2000/svg', 'svg'))
    .attr('viewBox', `0 0 ${width} ${height}`).attr('class', 'weekly').attr('role', 'img')
    .attr('aria-label', `${metric} per week`);
  if (!weeks.length) return svg.node()!;
  const start = fmt.parseDate(weeks[0]!.start);
  const end = utcMonday.offset(fmt.parseDate(weeks[weeks.length - 1]!.start), 1);
  const x = scaleUtc().domain([start, end]).range([m.left, width - m.right]);
  const y = scaleLinear().domain([0, Math.max(1, ...weeks.map((w) => w[metric]))]).nice().range([height - m.bottom, m.top]);
  const bw = Math.max(1, (width - m.left - m.right) / weeks.length - 0.5);
  svg.append('g').selectAll('rect').data(weeks).join('rect').attr('class', 'bar')
    .attr('x', (w) => x(fmt.parseDate(w.start))).attr('width', bw)
    .attr('y', (w) => y(w[metric])).attr('height', (w) => y(0) - y(w[metric]))
    .append('title').text((w) => `week of ${fmt.dateLabel(w.start)}: ${fmt.count(w[metric])}`);
  svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${height - m.bottom})`).call(axisBottom(x).ticks(4).tickSizeOuter(0));
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${m.left},0)`)
    .call(axisLeft(y).ticks(3).tickFormat((v) => fmt.count(Number(v))).tickSizeOuter(0));
  return svg.node()!;
}

function breakdown(title: string, key: string, rows: ValueCount[], metric: Metric): HTMLElement {
  const max = Math.max(1, ...rows.map((r) => r[metric]));
  const shown = [...rows].sort((a, b) => b[metric] - a[metric]).slice(0, TOP);
  return h('section', { class: 'breakdown' },
    h('h4', {}, title),
    h('table', {}, h('tbody', {}, ...shown.map((r) => h('tr', {},
      r.value === '' ? h('td', { class: 'bd-value muted' }, '(not given)')
        : h('td', { class: 'bd-value', dir: 'auto' }, key === 'mode' || key === 'mo' ? fmt.label(r.value) : r.value),
      h('td', { class: 'bd-bar' }, h('span', { style: `width:${((r[metric] / max) * 100).toFixed(1)}%` })),
      h('td', { class: 'num' }, fmt.count(r[metric])))))),
    rows.length > TOP ? h('div', { class: 'muted' }, `and ${rows.length - TOP} more`) : null);
}

export interface CellPanelHandlers { close: () => void; select: (h3: string) => void }

/** renderCell shows a cell's detail; forecast is its forecast (res 3 and 4 cells; null: none,
 * undefined: not asked). */
export function renderCell(el: HTMLElement, c: CellDetail, metric: Metric, period: Period | null, on: CellPanelHandlers, forecast?: Forecast | null): void {
  const d = c.detail;
  const [lon, lat] = c.centre;
  if (!d) {
    renderCellMessage(el, `Cell ${c.h3}: no detail is available for this period and these filters.`, on.close);
    return;
  }
  const neighbours = [...(d.neighbours ?? [])].sort((a, b) => b.sightings - a.sightings);
  el.replaceChildren(
    h('header', { class: 'panel-head' },
      h('h2', {}, c.place ? `${c.place.text[0]!.toUpperCase()}${c.place.text.slice(1)} ` : 'Cell ', h('code', { class: c.place ? 'muted small' : undefined }, c.h3)),
      h('button', { type: 'button', class: 'close', 'aria-label': 'close cell detail', onclick: on.close }, '×')),
    h('p', { class: 'muted' }, `H3 res ${c.res} · centre ${lat.toFixed(3)}, ${lon.toFixed(3)} · ${fmt.periodLabel(period)}`),
    h('dl', { class: 'stats' },
      h('dt', {}, 'sightings'), h('dd', {}, fmt.count(d.sightings)),
      h('dt', {}, 'persons'), h('dd', {}, fmt.count(d.persons))),
    h('h3', {}, `${metric} per week`),
    weeklyChart(fillWeeks(d.weekly ?? [], period), metric),
    d.sightings === 0 ? h('p', { class: 'muted', id: 'cell-empty' }, 'No sightings in this cell for the period and filters.') : '',
    ...BREAKDOWNS.filter(([k]) => d.breakdowns?.[k]?.length).map(([k, t]) => breakdown(t, k, d.breakdowns[k]!, metric)),
    h('h3', {}, 'Neighbours'),
    neighbours.length
      ? h('ul', { class: 'neighbours' }, ...neighbours.map((n) => h('li', {},
        h('button', { type: 'button', class: 'link', onclick: () => on.select(n.value) }, h('code', {}, n.value)),
        ` ${fmt.count(n.sightings)} sightings, ${fmt.count(n.persons)} persons`)))
      : h('p', { class: 'muted' }, 'no sightings in neighbouring cells'),
    ...forecastSection(forecast, 'the cell has less than 30 whole months of history or under 3 sightings a month, or the forecasts job has not run',
      'Next six months (forecast of all the cell\'s sightings, whatever the filters)'),
  );
}

export function renderCellMessage(el: HTMLElement, text: string, close: () => void): void {
  el.replaceChildren(
    h('header', { class: 'panel-head' }, h('h2', {}, 'Cell'),
      h('button', { type: 'button', class: 'close', 'aria-label': 'close cell detail', onclick: close }, '×')),
    h('p', { class: 'muted' }, text));
}
