// legend.ts: the colour legend under the map's top-left corner, and the hover tooltip.

import type { CompareCell, HeatCell } from './api';
import { gradient, type Scale } from './colors';
import { h } from './dom';
import * as fmt from './format';
import type { Metric } from './state';

export function renderLegend(el: HTMLElement, scale: Scale, title: string, tick: (v: number) => string, note?: string): void {
  const ticks = h('div', { class: 'legend-ticks' });
  for (const t of scale.ticks) {
    const s = h('span', { style: `left:${(t.t * 100).toFixed(1)}%` }, tick(t.value));
    ticks.append(s);
  }
  el.replaceChildren(
    h('div', { class: 'legend-title' }, title),
    h('div', { class: 'legend-ramp', style: `background:${gradient(scale)}`, role: 'img', 'aria-label': `colour scale: ${title}` }),
    ticks,
  );
  if (note) el.append(h('div', { class: 'legend-note' }, note));
}

export function heatLegend(el: HTMLElement, scale: Scale, metric: Metric): void {
  renderLegend(el, scale, `${metric} per cell (log scale)`, fmt.count);
}

export function compareLegend(el: HTMLElement, scale: Scale, alpha: number): void {
  const tick = (v: number): string => (v === 0 ? 'same' : fmt.ratio(2 ** v));
  renderLegend(el, scale, 'change in sightings per day, B vs A', tick,
    `outlined: significant (q < ${alpha}) · ends: new / vanished`);
}

export class Tooltip {
  private el: HTMLElement;

  constructor(parent: HTMLElement) {
    this.el = h('div', { class: 'tooltip', role: 'tooltip', hidden: true });
    parent.append(this.el);
  }

  show(x: number, y: number, lines: (string | [string, string])[]): void {
    this.el.replaceChildren(...lines.map((l) => (typeof l === 'string'
      ? h('div', { class: 'tt-title', dir: 'auto' }, l)
      : h('div', {}, h('span', { class: 'tt-key' }, l[0]), ' ', h('bdi', {}, l[1])))));
    this.el.hidden = false;
    const parent = this.el.parentElement!.getBoundingClientRect();
    const w = this.el.offsetWidth;
    const left = x + 14 + w > parent.width ? x - 14 - w : x + 14;
    this.el.style.transform = `translate(${Math.max(0, left)}px, ${Math.max(0, y + 14)}px)`;
  }

  hide(): void {
    this.el.hidden = true;
  }
}

export function heatTooltipLines(c: HeatCell): (string | [string, string])[] {
  const modes = c.top_modes.map((m) => `${fmt.label(m.mode)} ${fmt.count(m.sightings)}`).join(', ');
  return [c.place ? `${c.place} · ${c.h3}` : `cell ${c.h3}`, ['sightings', fmt.count(c.sightings)], ['persons', fmt.count(c.persons)], ['top modes', modes || '–']];
}

export function compareTooltipLines(c: CompareCell): (string | [string, string])[] {
  return [
    `${c.place ? `${c.place} · ${c.h3}` : `cell ${c.h3}`} — ${c.status}`,
    ['sightings A → B', `${fmt.count(c.a)} → ${fmt.count(c.b)}`],
    ['per day A → B', `${fmt.rate(c.rate_a_per_day)} → ${fmt.rate(c.rate_b_per_day)}`],
    ['rate ratio', fmt.ratio(c.rate_ratio)],
    ['q (up / down)', `${fmt.pvalue(c.q_up)} / ${fmt.pvalue(c.q_down)}`],
  ];
}
