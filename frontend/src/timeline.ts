// timeline.ts: the histogram of sightings over time (d3-scale, d3-axis) with a brush
// (d3-brush) that chooses the period, snapped to whole weeks or months.

import { axisBottom, axisLeft } from 'd3-axis';
import { brushX, type D3BrushEvent } from 'd3-brush';
import { scaleLinear, scaleUtc } from 'd3-scale';
import { select } from 'd3-selection';
import type { Bucket } from './api';
import * as fmt from './format';
import type { Metric, Period, Step } from './state';

export interface TimelineData {
  buckets: Bucket[];
  step: Step;
  metric: Metric;
  period: Period | null;
  /** Compare mode's periods, drawn as bands. */
  a?: Period | null;
  b?: Period | null;
}

const M = { top: 8, right: 12, bottom: 22, left: 44 };

export class TimelineChart {
  private data: TimelineData | null = null;
  private svg;

  constructor(private el: HTMLElement, private onBrush: (p: Period | null) => void) {
    this.svg = select(el).append('svg').attr('class', 'timeline-svg').attr('role', 'img');
    new ResizeObserver(() => this.render()).observe(el);
  }

  update(d: TimelineData): void {
    this.data = d;
    this.render();
  }

  /** extent is the span the histogram covers: first bucket to the end of the last. */
  extent(): Period | null {
    const b = this.data?.buckets;
    if (!b?.length || !this.data) return null;
    return { from: b[0]!.start.slice(0, 10), to: fmt.offsetStep(b[b.length - 1]!.start, this.data.step, 1) };
  }

  private render(): void {
    const d = this.data;
    const width = this.el.clientWidth;
    const height = this.el.clientHeight || 110;
    const ext = this.extent();
    this.svg.attr('width', width).attr('height', height).selectAll('*').remove();
    if (!d || !ext || width < 100) {
      this.svg.attr('aria-label', 'no sightings to show over time');
      return;
    }
    this.svg.attr('aria-label', `${d.metric} per ${d.step}, ${fmt.periodLabel(ext)}`);
    const x = scaleUtc().domain([fmt.parseDate(ext.from), fmt.parseDate(ext.to)]).range([M.left, width - M.right]);
    const max = Math.max(1, ...d.buckets.map((b) => b[d.metric]));
    const y = scaleLinear().domain([0, max]).nice().range([height - M.bottom, M.top]);
    const g = this.svg.append('g');

    for (const [p, cls, name] of [[d.a, 'band-a', 'A'], [d.b, 'band-b', 'B']] as const) {
      if (!p) continue;
      const x0 = x(fmt.parseDate(p.from));
      const x1 = x(fmt.parseDate(p.to));
      g.append('rect').attr('class', cls).attr('x', x0).attr('width', Math.max(1, x1 - x0))
        .attr('y', M.top).attr('height', height - M.top - M.bottom);
      g.append('text').attr('class', `${cls}-label`).attr('x', x0 + 3).attr('y', M.top + 11).text(name);
    }

    g.selectAll('rect.bar').data(d.buckets).join('rect').attr('class', 'bar')
      .attr('x', (b) => x(fmt.parseDate(b.start)) + 0.5)
      .attr('width', (b) => Math.max(1, x(fmt.parseDate(fmt.offsetStep(b.start, d.step, 1))) - x(fmt.parseDate(b.start)) - 1))
      .attr('y', (b) => y(b[d.metric]))
      .attr('height', (b) => y(0) - y(b[d.metric]))
      .append('title').text((b) => `${fmt.periodLabel({ from: b.start.slice(0, 10), to: fmt.offsetStep(b.start, d.step, 1) })}: ${fmt.count(b[d.metric])} ${d.metric}`);

    this.svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${height - M.bottom})`)
      .call(axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))).tickSizeOuter(0));
    this.svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.left},0)`)
      .call(axisLeft(y).ticks(3).tickFormat((v) => fmt.count(Number(v))).tickSizeOuter(0));

    const brush = brushX<unknown>()
      .extent([[M.left, M.top], [width - M.right, height - M.bottom]])
      .on('end', (e: D3BrushEvent<unknown>) => {
        if (!e.sourceEvent) return; // moved by code, not by the user
        const sel = e.selection as [number, number] | null;
        if (!sel) { this.onBrush(null); return; }
        const p = fmt.snapPeriod({ from: fmt.isoDate(x.invert(sel[0])), to: fmt.isoDate(x.invert(sel[1])) }, d.step);
        this.onBrush(p);
      });
    const bg = this.svg.append('g').attr('class', 'brush').call(brush);
    if (d.period) {
      const x0 = Math.max(M.left, x(fmt.parseDate(d.period.from)));
      const x1 = Math.min(width - M.right, x(fmt.parseDate(d.period.to)));
      if (x1 > x0) bg.call(brush.move, [x0, x1]);
    }
  }
}
