// report.ts: what the printed report carries besides the screen's content — a handling
// marking on every page, a title with the analysis (view, periods, area, filters), who
// printed it and when, and the caveats and method note a reader needs at a meeting.

import type { Session } from './api';
import { h } from './dom';
import * as fmt from './format';
import type { ViewState } from './state';

/** marking is the handling line printed at the top of every page. */
export function marking(s: Session | null): string {
  return s ? `HANDLING ${s.clearance} · routewatch analysis · share only with holders of clearance ${s.clearance} or above` : 'HANDLING: not signed in';
}

/** title is the report's one-line name of the analysis. */
export function title(s: ViewState): string {
  const what = s.view === 'compare' && s.a && s.b
    ? `Compare A ${fmt.periodLabel(s.a)} with B ${fmt.periodLabel(s.b)}${s.area ? ` · area ${fmt.areaLabel(s.area)}` : ''}`
    : `Heatmap of ${s.metric}, ${fmt.periodLabel(s.period)}`;
  const f = s.filters;
  const chosen = [...f.mode, ...f.mo, ...f.nationality, ...f.route, ...f.source];
  return `routewatch · ${what} · filters: ${chosen.join(', ') || 'none'}${f.minReliability ? `, reliability ${f.minReliability} or better` : ''}`;
}

/** CAVEATS are what every printed analysis says about its numbers. */
export const CAVEATS = [
  'Counts are sightings reported by agencies, not people or crossings: a group seen several times counts several times, and what is not reported is not here.',
  'Small counts: a cell or route with fewer than 5 sightings in a period has a rate, and a ratio, that can change with one report; it is called a rise or fall only when the exact test says so.',
  'Coverage: a change that follows one reporting channel starting or stopping is flagged as a coverage change (⚠), not reported as a rise, a fall or an emergence.',
  'Periods are half-open (from the first day, up to but not including the day after the last); rates are per day, so periods of different lengths compare.',
];

/** METHOD is the short method note printed after the caveats. */
export const METHOD = 'Method: compare tests each cell of the area with the exact conditional test of two Poisson rates (B against A, per day), with Benjamini–Hochberg q-values across the cells; modus-operandi shifts use the G-test of the category mix (Monte Carlo when sparse), BH across dimensions. Hot spots and emerging routes are tested against each unit\'s own expectation (season and trend fitted on its history), with a minimum effect besides significance. Formulas and worked examples: docs/METHODS.md and docs/METHODS-EXPECTATION.md.';

/** renderReport fills the print-only parts of the page for state s. */
export function renderReport(s: ViewState, session: Session | null, now = new Date()): void {
  const by = (id: string): HTMLElement | null => document.getElementById(id);
  document.documentElement.style.setProperty('--marking', JSON.stringify(marking(session))); // @page's top-right margin box
  by('print-summary')?.replaceChildren(
    h('div', { class: 'print-title' }, title(s)),
    h('div', { class: 'print-meta' }, `Printed ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC${session ? ` by a ${session.role} key (${session.key}), clearance ${session.clearance}` : ''}${session?.data_version !== undefined ? `; data version ${session.data_version} (the newest completed load when signed in)` : ''}. The link of this view gives the same numbers.`));
  by('print-notes')?.replaceChildren(
    h('h2', {}, 'Caveats'),
    h('ul', {}, ...CAVEATS.map((c) => h('li', {}, c))),
    h('p', {}, METHOD));
}
