// timecontrols.ts: the period as date inputs (keyboard-friendly twin of the brush), the step
// (week or month) and the play control that steps the period through the data's span.

import { h } from './dom';
import * as fmt from './format';
import { isPeriod, type Period, type Step, type ViewState } from './state';
import type { Store } from './store';

const PLAY_MS = 1500;

export class TimeControls {
  private from: HTMLInputElement;
  private to: HTMLInputElement;
  private step: HTMLSelectElement;
  private play: HTMLButtonElement;
  private label: HTMLElement;
  private timer = 0;
  /** The period chosen before Play: Play steps through it (or the data's span when it is one
   * step or none) and gives it back when it stops. */
  private chosen: Period | null = null;

  /** onPlay hears Play start (true) and stop (false): the map keeps one colour scale meanwhile. */
  constructor(el: HTMLElement, private store: Store, private extent: () => Period | null, private onPlay: (playing: boolean) => void = () => {}) {
    const onDates = (): void => {
      const p = { from: this.from.value, to: this.to.value };
      if (isPeriod(p)) store.set({ period: p });
      else if (!this.from.value && !this.to.value) store.set({ period: null });
    };
    this.from = h('input', { type: 'date', id: 'period-from', onchange: onDates });
    this.to = h('input', { type: 'date', id: 'period-to', onchange: onDates });
    this.step = h('select', { id: 'period-step', onchange: () => store.set({ step: this.step.value as Step }) },
      h('option', { value: 'week' }, 'weeks'), h('option', { value: 'month' }, 'months'));
    this.play = h('button', { type: 'button', id: 'play', 'aria-pressed': 'false', onclick: () => this.toggle() }, '▶ Play');
    this.label = h('span', { class: 'period-label', 'aria-live': 'polite' });
    el.append(
      h('label', { for: 'period-from' }, 'From'), this.from,
      h('label', { for: 'period-to' }, 'to (exclusive)'), this.to,
      h('button', { type: 'button', id: 'all-time', onclick: () => { this.stop(); store.set({ period: null }); } }, 'All time'),
      h('label', { for: 'period-step' }, 'Step'), this.step, this.play, this.label,
    );
  }

  render(s: ViewState): void {
    this.from.value = s.period?.from ?? '';
    this.to.value = s.period?.to ?? '';
    this.step.value = s.step;
    this.label.textContent = fmt.periodLabel(s.period);
  }

  private toggle(): void {
    if (this.timer) this.stop();
    else this.start();
  }

  private start(): void {
    const s = this.store.get();
    const single = s.period && fmt.offsetStep(s.period.from, s.step, 1) === s.period.to
      && fmt.floorStep(s.period.from, s.step) === s.period.from;
    const ext = s.period && !single ? s.period : this.extent(); // a chosen span: play through it
    if (!ext) return;
    this.chosen = single ? null : s.period;
    let from = single && s.period ? s.period.from : fmt.floorStep(ext.from, s.step);
    const advance = (): void => {
      if (from >= ext.to) { this.stop(); return; }
      const step = this.store.get().step;
      this.store.set({ period: { from, to: fmt.offsetStep(from, step, 1) } });
      from = fmt.offsetStep(from, step, 1);
    };
    if (single) from = fmt.offsetStep(from, s.step, 1);
    if (from >= ext.to) from = fmt.floorStep(ext.from, s.step); // at the end: start over
    this.onPlay(true);
    advance();
    this.timer = window.setInterval(advance, PLAY_MS);
    this.play.textContent = '❚❚ Pause';
    this.play.setAttribute('aria-pressed', 'true');
  }

  stop(): void {
    const was = this.timer !== 0;
    window.clearInterval(this.timer);
    this.timer = 0;
    if (was) {
      if (this.chosen) this.store.set({ period: this.chosen });
      this.chosen = null;
      this.onPlay(false);
    }
    this.play.textContent = '▶ Play';
    this.play.setAttribute('aria-pressed', 'false');
  }
}
