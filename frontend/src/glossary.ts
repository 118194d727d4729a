// glossary.ts: what each statistic the app shows means, in one dialog; termLink puts a "?"
// beside a statistic that opens the dialog at its entry.

import { h } from './dom';

/** TERMS are the glossary's entries, in the order the dialog lists them. */
export const TERMS: Record<string, { name: string; text: string }> = {
  'analysis-area': { name: 'Analysis area', text: 'The box (and H3 resolution) every compare number is computed for. It is part of the link, so the window size or map position never changes a statistic; "Use the map\'s view" sets it, or pick a sea basin, border region or country by name.' },
  'rate-ratio': { name: 'Rate ratio (×, ÷)', text: 'Sightings per day in the later period divided by sightings per day in the earlier one; ×2 is twice as many per day, ÷2 half. Periods of different lengths compare fairly.' },
  'q-value': { name: 'q (significance)', text: 'The p-value of an exact one-sided test of two Poisson rates, adjusted by Benjamini–Hochberg across every cell (or route) of the area, so that about α of the changes called significant are false alarms. "q < 0.001" is very unlikely to be chance; q above α is not a finding.' },
  status: { name: 'up, down, new, gone, unchanged', text: 'up / down: the rate changed significantly (q < α). new / gone: none in one period and at least the minimum count in the other. unchanged: no significant change — which does not prove nothing changed.' },
  'mo-shift': { name: 'Modus-operandi shift', text: 'Whether the mix of transport modes, modus operandi or nationalities differs between the periods: a chi-square or G test (Monte Carlo or Fisher when counts are small) for single-valued dimensions, one test per value for multi-valued ones, BH-adjusted. "no shift" means the mix did not differ significantly.' },
  'cramers-v': { name: "Cramér's V, JSD", text: "Effect sizes of a shift: Cramér's V (0 = same mix, 1 = completely different) for single-valued dimensions, Jensen–Shannon divergence of the value shares for multi-valued ones. A significant shift with a tiny effect matters little." },
  residual: { name: 'Residual', text: 'The adjusted standardized residual of a value in period B: above +2 it is clearly more common than the overall mix predicts, below −2 clearly less.' },
  'hot-spot': { name: 'Emerging hot spot categories', text: 'From a space-time Getis–Ord Gi* of each cell and its neighbours per month, and a Mann–Kendall trend of those scores (ArcGIS Pro\'s categories): new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating, historical.' },
  corridor: { name: 'Corridor, volume, trend', text: 'A chain of H3 cells that journeys move along (legs between consecutive sightings), or the cells of a route label without journeys. Volume is legs (flows) or sightings (labels); trend is the rate ratio against the previous period; status new / growing / stable / declining comes from the same test.' },
  release: { name: 'Release grid (planners)', text: 'Planner outputs are sums of res-4 cells and legs holding at least the stated number of sightings in one calendar quarter; smaller ones are withheld, and the answer says how many.' },
  ranking: { name: 'Busiest', text: 'The cells or routes with most sightings in the chosen period, each against the previous period of the same length; * marks a significant change.' },
};

let dialog: HTMLDialogElement | null = null;

/** openGlossary shows the glossary at one entry. */
export function openGlossary(key: string): void {
  dialog ??= buildDialog();
  if (!dialog.open) dialog.showModal();
  const entry = dialog.querySelector<HTMLElement>(`[data-term="${key}"]`);
  for (const d of dialog.querySelectorAll('.glossary-entry')) d.classList.toggle('current', d === entry);
  entry?.scrollIntoView({ block: 'nearest' });
  entry?.focus();
}

function buildDialog(): HTMLDialogElement {
  const d = h('dialog', { id: 'glossary', class: 'glossary', 'aria-labelledby': 'glossary-title' },
    h('header', { class: 'panel-head' }, h('h2', { id: 'glossary-title' }, 'Glossary'),
      h('button', { type: 'button', class: 'close', 'aria-label': 'close the glossary', onclick: () => d.close() }, '×')),
    h('dl', {}, ...Object.entries(TERMS).flatMap(([key, t]) => [
      h('dt', { class: 'glossary-entry', 'data-term': key, tabindex: '-1' }, t.name),
      h('dd', {}, t.text)])));
  document.body.append(d);
  return d;
}

/** termLink is a small "?" button opening the glossary at key. */
export function termLink(key: keyof typeof TERMS): HTMLElement {
  return h('button', { type: 'button', class: 'term-link no-print', 'data-term': key, 'aria-label': `what is ${TERMS[key]?.name ?? key}?`,
    onclick: () => openGlossary(key) }, '?');
}
