// timecontrols.ts: the period as date inputs (keyboard-friendly twin of the brush), the step
// (week or month) and the play control that steps the period through the data's span: at a
// chosen speed, each frame a rolling window of one or more steps.

import { h } from './dom';
import * as fmt from './format';
import { isPeriod, type Period, type Step, type ViewState } from './state';
import type { Store } from './store';

/** PLAY_MS is a frame's time at speed ×1. */
const PLAY_MS = 1500;
const SPEEDS = [0.5, 1, 2, 4];
const WINDOWS = [1, 3, 6, 12];

/** playFrames are Play's frames through ext: windows of `window` steps starting at `from`,
 * one step apart, the last one ending at or before ext.to (a window longer than ext gives one
 * frame, ext's own end). */
export function playFrames(from: string, ext: Period, step: Step, window: number,
  offset: (d: string, s: Step, n: number) => string): Period[] {
  const out: Period[] = [];
  for (let f = from; f < ext.to; f = offset(f, step, 1)) {
    const to = offset(f, step, window);
    if (to > ext.to) {
      if (!out.length) out.push({ from: f, to: ext.to });
      break;
    }
    out.push({ from: f, to });
  }
  return out;
}

export class TimeControls {
  private from: HTMLInputElement;
  private to: HTMLInputElement;
  private step: HTMLSelectElement;
  private play: HTMLButtonElement;
  private speed: HTMLSelectElement;
  private window: HTMLSelectElement;
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
    this.speed = h('select', { id: 'play-speed', 'aria-label': 'Play speed', onchange: () => this.retime() },
      ...SPEEDS.map((x) => h('option', { value: String(x) }, `×${x}`)));
    this.speed.value = '1';
    this.window = h('select', { id: 'play-window', 'aria-label': 'Play window (steps a frame spans)' },
      ...WINDOWS.map((n) => h('option', { value: String(n) }, n === 1 ? 'one step a frame' : `${n}-step rolling window`)));
    this.label = h('span', { class: 'period-label', 'aria-live': 'polite' });
    el.append(
      h('label', { for: 'period-from' }, 'From'), this.from,
      h('label', { for: 'period-to' }, 'to (exclusive)'), this.to,
      h('button', { type: 'button', id: 'all-time', onclick: () => { this.stop(); store.set({ period: null }); } }, 'All time'),
      h('label', { for: 'period-step' }, 'Step'), this.step, this.play, this.speed, this.window, this.label,
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

  private frameMs(): number { return PLAY_MS / Number(this.speed.value || 1); }

  /** retime applies a new speed to a running Play. */
  private retime(): void {
    if (!this.timer) return;
    window.clearInterval(this.timer);
    this.timer = window.setInterval(this.advance, this.frameMs());
  }

  private advance = (): void => {};

  private start(): void {
    const s = this.store.get();
    const single = s.period && fmt.offsetStep(s.period.from, s.step, 1) === s.period.to
      && fmt.floorStep(s.period.from, s.step) === s.period.from;
    const ext = s.period && !single ? s.period : this.extent(); // a chosen span: play through it
    if (!ext) return;
    this.chosen = single ? null : s.period;
    let from = single && s.period ? fmt.offsetStep(s.period.from, s.step, 1) : fmt.floorStep(ext.from, s.step);
    if (from >= ext.to) from = fmt.floorStep(ext.from, s.step); // at the end: start over
    const frames = playFrames(from, ext, s.step, Number(this.window.value || 1), fmt.offsetStep);
    let i = 0;
    this.advance = (): void => {
      const frame = frames[i++];
      if (!frame) { this.stop(); return; }
      this.store.set({ period: frame });
    };
    this.onPlay(true);
    this.advance();
    this.timer = window.setInterval(this.advance, this.frameMs());
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
