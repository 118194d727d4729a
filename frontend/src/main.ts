// main.ts: wires the view state to the map, the panels and the API.

import './style.css';
import { type AreaGeometry, type AreaQuery, type Compare, getCell, getCompare, getCompareShifts, getCorridors, getEmerging, getHeatmap, getHotspots, getShifts, type Findings, type Hotspot, getTimeline, getVocabulary, type Heatmap, type LineGeometry, onUnauthenticated, type Timeline, withCoarserRetry } from './api';
import { bench } from './bench';
import { renderCellContext } from './cellcontext';
import { renderCell, renderCellMessage } from './cellpanel';
import { type Scale, diverging, sequential } from './colors';
import { ComparePanel } from './comparepanel';
import { bounds, type Corridor, CorridorList, corridorsCSV, corridorsGeoJSON, joinCorridors } from './corridors';
import { byId } from './dom';
import { download, toCSV, toGeoJSON, type Row } from './export';
import { FilterPanel } from './filters';
import { renderEmerging, renderShifts } from './findings';
import { nearestRes, PATTERNS, renderHotspots } from './hotspots';
import * as fmt from './format';
import { type BBox, cellAt, heatmapRes } from './geo';
import { compareLayer, corridorLayers, heatmapLayer, hotspotLayer, outlineLayers, significant } from './layers';
import { compareLegend, compareTooltipLines, heatLegend, heatTooltipLines, Tooltip } from './legend';
import { createMap } from './map';
import { dataKey, decodeState, type Filters, type Period, type ViewState } from './state';
import { askForKey, initAccount, signInFromLink } from './signin';
import { mirrorToUrl, Store } from './store';
import { TimeControls } from './timecontrols';
import { TimelineChart } from './timeline';

type Loaded = { kind: 'heatmap'; data: Heatmap; scale: Scale } | { kind: 'compare'; data: Compare; scale: Scale };

const store = new Store(decodeState(location.search));
mirrorToUrl(store);
const body = document.body;
const statusEl = byId('status');
const view = await createMap(byId('map'), store.get());
const tooltip = new Tooltip(byId('map'));
view.onHoverNothing(() => tooltip.hide());
const filters = new FilterPanel(byId('filter-form'), byId('chips'), store);
const timeline = new TimelineChart(byId('timeline'), (p) => store.set(store.get().view === 'compare' ? { b: p } : { period: p }));
const time = new TimeControls(byId('time-controls'), store, () => timeline.extent());
const selectCell = (h3: string | null): void => store.set({ cell: h3 });
const compare = new ComparePanel(byId('compare-panel'), store, selectCell);
const cellPanel = byId('cell-panel');
const corridorList = new CorridorList(byId('corridor-list'), (c) => {
  const b = bounds(c);
  if (b) view.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 7, duration: 0 });
});
const showCorridors = byId<HTMLInputElement>('show-corridors');
showCorridors.addEventListener('change', () => store.set({ corridors: showCorridors.checked }));
let corridors: Corridor[] = [];
/** refreshCellContext redraws an open cell panel's hot spot and corridors once they load. */
function refreshCellContext(): void {
  const cell = store.get().cell;
  if (cell && body.dataset.cell === 'loaded') renderCellContext(cellPanel, cell, hotspots?.items ?? null, corridors);
}
const showHotspots = byId<HTMLInputElement>('show-hotspots');
showHotspots.addEventListener('change', () => store.set({ hotspots: showHotspots.checked }));
let hotspots: Findings<Hotspot> | null = null;
let loaded: Loaded | null = null;
let timelineData: Timeline | null = null;
let benching = false;
let loads = 0;

function setStatus(state: 'loading' | 'ready' | 'error', text: string): void {
  body.dataset.status = state;
  statusEl.textContent = text;
  statusEl.className = `status status-${state}`;
}

function area(): AreaQuery {
  const bbox = view.bbox();
  return { bbox, res: heatmapRes(view.zoom(), bbox) };
}

/** comparePeriods proposes B = the data's last three months, A = the three before. */
function defaultComparePeriods(): { a: Period; b: Period } {
  const ext = timeline.extent();
  const end = fmt.floorStep(ext?.to ?? fmt.isoDate(new Date()), 'month');
  const bFrom = fmt.offsetStep(end, 'month', -3);
  return { a: { from: fmt.offsetStep(bFrom, 'month', -3), to: bFrom }, b: { from: bFrom, to: end } };
}

/** ensureComparePeriods fills in periods A and B (once the data's span is known) when a link
 * opened compare mode without them. */
function ensureComparePeriods(s: ViewState): boolean {
  if (s.view !== 'compare' || (s.a && s.b) || !timelineData) return false;
  const d = defaultComparePeriods();
  store.set({ a: s.a ?? d.a, b: s.b ?? d.b }, { replace: true });
  return true;
}

let layerCtl: AbortController | null = null;
let layerTimer = 0;
function scheduleLayers(delay = 120): void {
  window.clearTimeout(layerTimer);
  layerTimer = window.setTimeout(() => void loadLayers(), delay);
}

async function loadLayers(): Promise<void> {
  if (benching) return;
  const s = store.get();
  if (s.view === 'compare' && !(s.a && s.b)) return; // waits for the timeline's extent
  layerCtl?.abort();
  const ctl = (layerCtl = new AbortController());
  setStatus('loading', 'loading…');
  try {
    if (s.view === 'heatmap') {
      const data = await withCoarserRetry(area(), (a) => getHeatmap(a, s.period, s.filters, ctl.signal));
      const max = Math.max(1, ...data.cells.map((c) => c[s.metric]));
      loaded = { kind: 'heatmap', data, scale: sequential(max) };
      setStatus('ready', `res ${data.res} · ${fmt.count(data.cells.length)} cells · ${fmt.count(data.totals.sightings)} sightings · ${fmt.count(data.totals.persons)} persons · ${fmt.periodLabel(s.period)}`);
    } else if (s.a && s.b) {
      const [pa, pb] = [s.a, s.b];
      const here = area();
      loadShifts(here.bbox, pa, pb, s.filters, ctl.signal);
      const data = await withCoarserRetry(here, (a) => getCompare(a, pa, pb, s.filters, ctl.signal));
      loaded = { kind: 'compare', data, scale: diverging() };
      compare.setData(data);
      const sig = data.cells.filter((c) => significant(c, data.alpha)).length;
      setStatus('ready', `res ${data.res} · ${fmt.count(data.cells.length)} cells · ${sig} significant · B vs A: ${fmt.ratio(data.totals.rate_ratio)}`);
    }
    body.dataset.cells = String(loaded?.data.cells.length ?? 0);
    body.dataset.loads = String(++loads);
    draw();
  } catch (e) {
    if (ctl.signal.aborted) return;
    loaded = null;
    draw();
    if (s.view === 'compare') compare.setMessage(e instanceof Error ? e.message : String(e));
    setStatus('error', e instanceof Error ? e.message : String(e));
  }
}

/** loadShifts fills the compare panel's modus-operandi shifts; a failure stays in the panel. */
function loadShifts(bbox: BBox, a: Period, b: Period, f: Filters, signal: AbortSignal): void {
  compare.setShiftsMessage('loading…');
  getCompareShifts(bbox, a, b, f, signal).then((d) => compare.setShifts(d), (e: unknown) => {
    if (!signal.aborted) compare.setShiftsMessage(e instanceof Error ? e.message : String(e));
  });
}

function draw(): void {
  const s = store.get();
  const legend = byId('legend');
  const layers = [];
  const onHover = (lines: (string | [string, string])[] | null, x: number, y: number): void => {
    if (lines) tooltip.show(x, y, lines);
    else tooltip.hide();
  };
  if (loaded?.kind === 'heatmap' && s.view === 'heatmap') {
    const max = Math.max(1, ...loaded.data.cells.map((c) => c[s.metric]));
    if (loaded.scale.ticks[loaded.scale.ticks.length - 1]?.value !== Math.max(2, max)) loaded.scale = sequential(max);
    layers.push(heatmapLayer(loaded.data.cells, s.metric, loaded.scale, {
      onHover: (c, x, y) => onHover(c && heatTooltipLines(c), x, y), onClick: (c) => selectCell(c.h3),
    }));
    heatLegend(legend, loaded.scale, s.metric);
  } else if (loaded?.kind === 'compare' && s.view === 'compare') {
    const { data } = loaded;
    layers.push(compareLayer(data.cells, loaded.scale, {
      onHover: (c, x, y) => onHover(c && compareTooltipLines(c), x, y), onClick: (c) => selectCell(c.h3),
    }));
    layers.push(...outlineLayers('significant', data.cells.filter((c) => significant(c, data.alpha)).map((c) => c.h3), [255, 255, 255, 255], 1.5));
    compareLegend(legend, loaded.scale, data.alpha);
  } else {
    legend.replaceChildren();
  }
  if (hotspots) {
    const res = nearestRes(hotspots.items, loaded?.data.res ?? heatmapRes(view.zoom(), view.bbox()));
    renderHotspots(byId('hotspot-list'), hotspots, res);
    if (s.hotspots && s.view === 'heatmap') layers.push(hotspotLayer(hotspots.items.filter((h) => h.res === res)));
  }
  if (s.corridors && s.view === 'heatmap' && corridors.length) {
    layers.push(...corridorLayers(corridors));
  }
  if (s.cell) layers.push(...outlineLayers('selected', [s.cell], [255, 255, 255, 255], 3.5));
  view.setLayers(layers);
}

/** loadFindings shows the latest emerging-routes and modus-operandi runs' findings. */
async function loadFindings(): Promise<void> {
  const show = async <T>(el: HTMLElement, read: () => Promise<T>, render: (el: HTMLElement, f: T) => void): Promise<void> => {
    try {
      render(el, await read());
    } catch (e) {
      el.replaceChildren(document.createTextNode(e instanceof Error ? e.message : String(e)));
    }
  };
  await Promise.all([show(byId('emerging-list'), () => getEmerging(), renderEmerging), show(byId('shift-list'), () => getShifts(), renderShifts)]);
  try {
    hotspots = await getHotspots(PATTERNS);
    draw();
    refreshCellContext();
  } catch (e) {
    byId('hotspot-list').replaceChildren(document.createTextNode(e instanceof Error ? e.message : String(e)));
  }
  body.dataset.findings = 'loaded';
}

/** loadCorridors reads the latest corridor run: centerlines and outlines, joined by id. */
async function loadCorridors(): Promise<void> {
  try {
    const [lines, areas] = await Promise.all([getCorridors<LineGeometry>('centerline'), getCorridors<AreaGeometry>('outline')]);
    corridors = joinCorridors(lines.features, areas.features);
    corridorList.setData(corridors);
    body.dataset.corridors = String(corridors.length);
    draw();
    refreshCellContext();
  } catch (e) {
    corridorList.setMessage(`corridors: ${e instanceof Error ? e.message : String(e)}`);
  }
}

let timelineCtl: AbortController | null = null;
let timelineTimer = 0;
function scheduleTimeline(delay = 300): void {
  window.clearTimeout(timelineTimer);
  timelineTimer = window.setTimeout(() => void loadTimeline(), delay);
}

async function loadTimeline(): Promise<void> {
  const s = store.get();
  timelineCtl?.abort();
  const ctl = (timelineCtl = new AbortController());
  try {
    timelineData = await getTimeline(s.step, view.bbox(), s.filters, ctl.signal);
    drawTimeline(store.get());
    if (ensureComparePeriods(store.get())) return;
  } catch (e) {
    if (!ctl.signal.aborted) console.warn('timeline', e);
  }
}

function drawTimeline(s: ViewState): void {
  if (!timelineData || timelineData.bucket !== s.step) return;
  const compareMode = s.view === 'compare';
  timeline.update({ buckets: timelineData.buckets, step: s.step, metric: s.metric,
    period: compareMode ? s.b : s.period, a: compareMode ? s.a : null, b: compareMode ? s.b : null });
}

let cellCtl: AbortController | null = null;
async function loadCell(s: ViewState): Promise<void> {
  cellCtl?.abort();
  const panel = cellPanel;
  panel.hidden = !s.cell;
  body.dataset.cell = s.cell ? 'open' : '';
  if (!s.cell) return;
  const ctl = (cellCtl = new AbortController());
  const period = s.view === 'compare' && s.a && s.b
    ? { from: s.a.from < s.b.from ? s.a.from : s.b.from, to: s.a.to > s.b.to ? s.a.to : s.b.to } : s.period;
  renderCellMessage(panel, 'loading…', () => selectCell(null));
  try {
    const c = await getCell(s.cell, period, s.filters, ctl.signal);
    renderCell(panel, c, s.metric, period, { close: () => selectCell(null), select: selectCell });
    renderCellContext(panel, c.h3, hotspots?.items ?? null, corridors);
    body.dataset.cell = 'loaded';
  } catch (e) {
    if (!ctl.signal.aborted) renderCellMessage(panel, e instanceof Error ? e.message : String(e), () => selectCell(null));
  }
}

function exportRows(): { rows: Row[]; name: string } | null {
  const s = store.get();
  if (!loaded) return null;
  const period = loaded.kind === 'heatmap'
    ? (s.period ? `${s.period.from}_${s.period.to}` : 'all-time')
    : `A${loaded.data.a.from.slice(0, 10)}_${loaded.data.a.to.slice(0, 10)}-B${loaded.data.b.from.slice(0, 10)}_${loaded.data.b.to.slice(0, 10)}`;
  return { rows: loaded.data.cells as unknown as Row[], name: `routewatch-${loaded.kind}-res${loaded.data.res}-${period}` };
}

byId('export-geojson').addEventListener('click', () => {
  const x = exportRows();
  if (x) download(`${x.name}.geojson`, 'application/geo+json', JSON.stringify(toGeoJSON(x.rows)));
});
byId('export-csv').addEventListener('click', () => {
  const x = exportRows();
  if (x) download(`${x.name}.csv`, 'text/csv', toCSV(x.rows));
});
byId('export-corridors-geojson').addEventListener('click', () => {
  download('routewatch-corridors.geojson', 'application/geo+json', JSON.stringify(corridorsGeoJSON(corridors)));
});
byId('export-corridors-csv').addEventListener('click', () => download('routewatch-corridors.csv', 'text/csv', corridorsCSV(corridors)));
for (const b of document.querySelectorAll<HTMLButtonElement>('.modes button')) {
  b.addEventListener('click', () => store.update((s) => {
    if (b.dataset.view !== 'compare') return { ...s, view: 'heatmap' };
    const d = defaultComparePeriods();
    return { ...s, view: 'compare', a: s.a ?? d.a, b: s.b ?? d.b };
  }));
}
const metricSel = byId<HTMLSelectElement>('metric');
metricSel.addEventListener('change', () => store.set({ metric: metricSel.value === 'persons' ? 'persons' : 'sightings' }));

function renderControls(s: ViewState): void {
  body.dataset.view = s.view;
  for (const b of document.querySelectorAll<HTMLButtonElement>('.modes button')) b.setAttribute('aria-pressed', String(b.dataset.view === s.view));
  metricSel.value = s.metric;
  showCorridors.checked = s.corridors;
  showHotspots.checked = s.hotspots;
  filters.render(s);
  time.render(s);
  compare.render(s);
  byId('print-summary').textContent = `routewatch · ${s.view === 'compare' && s.a && s.b
    ? `compare A ${fmt.periodLabel(s.a)} with B ${fmt.periodLabel(s.b)}` : `heatmap, ${fmt.periodLabel(s.period)}`}`
    + ` · filters: ${[...s.filters.mode, ...s.filters.mo, ...s.filters.nationality, ...s.filters.route, ...s.filters.source].join(', ') || 'none'}`
    + `${s.filters.minReliability ? `, reliability ${s.filters.minReliability} or better` : ''}`;
}

store.subscribe((s, prev) => {
  renderControls(s);
  view.jumpTo(s.lon, s.lat, s.zoom); // no-op unless the state moved without the map (Back)
  if (s.view !== prev.view) { time.stop(); tooltip.hide(); }
  if (ensureComparePeriods(s)) return;
  if (dataKey(s) !== dataKey(prev)) scheduleLayers(s.period !== prev.period ? 0 : 120);
  else if (s.metric !== prev.metric || s.cell !== prev.cell || s.corridors !== prev.corridors || s.hotspots !== prev.hotspots) draw();
  if (s.step !== prev.step || JSON.stringify(s.filters) !== JSON.stringify(prev.filters)) scheduleTimeline(0);
  else drawTimeline(s);
  if (s.cell !== prev.cell || dataKey(s) !== dataKey(prev) || s.metric !== prev.metric) void loadCell(s);
});
view.onMove((lon, lat, zoom) => {
  store.set({ lon, lat, zoom });
  scheduleLayers();
  scheduleTimeline();
});

onUnauthenticated(askForKey);
renderControls(store.get());
void signInFromLink().finally(() => {
  void initAccount();
  void loadLayers();
  void loadTimeline();
  void loadCell(store.get());
  void loadCorridors();
  void loadFindings();
  getVocabulary().then((v) => filters.setVocabulary(v)).catch((e) => setStatus('error', `vocabulary: ${e instanceof Error ? e.message : e}`));
});

declare global {
  interface Window { routewatch: unknown }
}
/** A handle for scripts and the end-to-end tests: the state, and the 100k-cell benchmark. */
// Keyboard picking: with the map focused (arrow keys pan, + and − zoom), Enter or Space
// opens the cell under the crosshair at the map's centre.
view.canvas().addEventListener('keydown', (e) => {
  if ((e.key !== 'Enter' && e.key !== ' ') || !loaded) return;
  e.preventDefault();
  const c = view.map.getCenter();
  const h3 = cellAt(c.lat, c.lng, loaded.data.res, loaded.data.cells);
  if (h3) selectCell(h3);
  else setStatus('ready', 'No sightings in the cell at the map centre: move the map with the arrow keys.');
});

window.routewatch = {
  state: () => store.get(),
  project: (lon: number, lat: number) => view.map.project([lon, lat]),
  centre: (lon: number, lat: number) => view.jumpTo(lon, lat, view.zoom()),
  /** Resolves once the map has drawn everything it has (MapLibre's idle event). */
  settled: () => new Promise<void>((resolve) => { view.map.once('idle', () => resolve()); view.map.triggerRepaint(); }),
  bench: (n: number) => { benching = true; return bench(view, n); },
};
