// main.ts: wires the view state to the map, the panels and the API.

import './style.css';
import { type AreaGeometry, type AreaQuery, getCell, getCorridor, getForecast, getRanking, type RankBy, getCompare, getCompareShifts, getCorridors, getEmerging, getHeatmap, getHotspots, getShifts, getTimeline, getVocabulary, type LineGeometry, onUnauthenticated, withCoarserRetry } from './api';
import { getResolution } from 'h3-js';
import { bench } from './bench';
import { renderCellContext } from './cellcontext';
import { renderCell, renderCellMessage } from './cellpanel';
import { diverging, sequential } from './colors';
import { ComparePanel } from './comparepanel';
import { renderCorridor, renderCorridorMessage } from './corridorpanel';
import { bounds, CorridorList, corridorsCSV, corridorsGeoJSON, joinCorridors } from './corridors';
import { byId, h } from './dom';
import { download, toCSV, toGeoJSON } from './export';
import { FilterPanel } from './filters';
import { renderEmerging, renderShifts } from './findings';
import { openGlossary } from './glossary';
import { PATTERNS } from './hotspots';
import { rankingCSV, RankingTable } from './ranking';
import * as fmt from './format';
import { type BBox, cellAt, heatmapRes } from './geo';
import { significant } from './layers';
import { Tooltip } from './legend';
import { loader } from './loader';
import { countries } from './basemap';
import { createMap, maplibreCentre } from './map';
import { largestParts, type MapLabel, regionLabels, visibleLabels } from './labels';
import { countryRegions, regionArea, SEA_REGIONS } from './regions';
import { cellsExport, drawScene } from './scene';
import { type Area, areaFromView, dataKey, decodeState, emptyData, type Filters, linkProblems, type Loaded, type Period, type ViewState } from './state';
import { renderReport } from './report';
import { askForKey, currentSession, initAccount, signInFromLink } from './signin';
import { mirrorToUrl, Store } from './store';
import { TimeControls } from './timecontrols';
import { TimelineChart } from './timeline';

const store = new Store(decodeState(location.search));
/** problems are what the link held that the app could not use: said once, not dropped silently. */
const problems = linkProblems(location.search);
mirrorToUrl(store);
/** What the view has loaded: the map's cells, the timeline, hot spots and corridors. */
const data = emptyData();
/** The signed-in role; null until the session is known. No data load starts before it is,
 * and a planner's view shows the released corridors only (no call a planner may not make
 * is sent). */
let role: string | null = null;
const readsData = (): boolean => role !== null && role !== 'planner';
const body = document.body;
const statusEl = byId('status');
const view = await createMap(byId('map'), store.get());
const tooltip = new Tooltip(byId('map'));
view.onHoverNothing(() => tooltip.hide());
const filters = new FilterPanel(byId('filter-form'), byId('chips'), store);
const timeline = new TimelineChart(byId('timeline'), (p) => store.set(store.get().view === 'compare' ? { b: p } : { period: p }));
const time = new TimeControls(byId('time-controls'), store, () => timeline.extent(), (playing) => { data.playMax = playing ? 0 : null; });
const selectCell = (h3: string | null): void => store.set(h3 ? { cell: h3, corridor: null } : { cell: null });
const compare = new ComparePanel(byId('compare-panel'), store, selectCell, () => store.set({ area: areaOfView() }), (r) => {
  const b = r.bbox;
  const cam = view.map.cameraForBounds([[b.west, b.south], [b.east, b.north]], { padding: 24 });
  const c = cam?.center ? maplibreCentre(cam.center) : null;
  store.set({ area: regionArea(r), ...(c && cam?.zoom !== undefined ? { lon: c[0], lat: c[1], zoom: cam.zoom } : {}) });
});
void countries().then((fc) => { // the basemap's atlas: names every country, as an area and on the map
  const named = countryRegions(fc);
  compare.addRegions(named);
  labels = regionLabels([...SEA_REGIONS, ...named], largestParts(fc));
  draw();
}, () => {});
const cellPanel = byId('cell-panel');
const corridorList = new CorridorList(byId('corridor-list'), (c) => {
  const b = bounds(c);
  if (b) view.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 7, duration: 0 });
  if (c.props.id > 0) store.set({ corridor: c.props.id, cell: null });
});
const corridorPanel = byId('corridor-panel');
const closeCorridor = (): void => store.set({ corridor: null });
let rankBy: RankBy = 'cell';
const ranking = new RankingTable(byId('ranking'), (b) => { rankBy = b; void rankingLoad.run(); }, (h3) => selectCell(h3),
  (r) => download(`routewatch-busiest-${r.by}s-${r.period.from.slice(0, 10)}_${r.period.to.slice(0, 10)}.csv`, 'text/csv', rankingCSV(r)));
const showCorridors = byId<HTMLInputElement>('show-corridors');
showCorridors.addEventListener('change', () => store.set({ corridors: showCorridors.checked }));
/** refreshCellContext redraws an open cell panel's hot spot and corridors once they load. */
function refreshCellContext(): void {
  const cell = store.get().cell;
  if (cell && body.dataset.cell === 'loaded') renderCellContext(cellPanel, cell, data.hotspots?.items ?? null, data.corridors);
}
const showHotspots = byId<HTMLInputElement>('show-hotspots');
showHotspots.addEventListener('change', () => store.set({ hotspots: showHotspots.checked }));

function setStatus(state: 'loading' | 'ready' | 'error', text: string): void {
  body.dataset.status = state;
  statusEl.textContent = text;
  statusEl.className = `status status-${state}`;
}

/** viewArea is the heatmap's area: the map's view at the resolution its zoom needs. */
function viewArea(): AreaQuery {
  const bbox = view.bbox();
  return { bbox, res: heatmapRes(view.zoom(), bbox) };
}

/** statsArea is where the view's statistics come from: compare mode's analysis area (in the
 * link), the map's view otherwise. */
function statsArea(s: ViewState): AreaQuery {
  return s.view === 'compare' && s.area ? s.area : viewArea();
}

/** areaOfView is the analysis area the map's view shows now. */
function areaOfView(): Area {
  const a = viewArea();
  return areaFromView(a.bbox, a.res);
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
  if (s.view !== 'compare') return false;
  if (!s.area) {
    store.set({ area: areaOfView() }, { replace: true });
    return true;
  }
  if ((s.a && s.b) || !data.timeline) return false;
  const d = defaultComparePeriods();
  store.set({ a: s.a ?? d.a, b: s.b ?? d.b }, { replace: true });
  return true;
}

/** mapLoad loads the map's cells for the view: the heatmap, or the comparison of A and B. */
const mapLoad = loader({
  delay: 120,
  begin: () => {
    const s = store.get();
    if (!readsData() || data.benching || (s.view === 'compare' && !(s.a && s.b && s.area))) return null; // compare waits for the timeline's extent and its area
    return s;
  },
  load: async (s, signal): Promise<Loaded | null> => {
    setStatus('loading', 'loading…');
    if (s.view === 'heatmap') {
      const d = await withCoarserRetry(viewArea(), (a) => getHeatmap(a, s.period, s.filters, signal));
      return { kind: 'heatmap', data: d, scale: sequential(Math.max(1, ...d.cells.map((c) => c[s.metric]))) };
    }
    if (!(s.a && s.b)) return data.loaded; // not reached: begin waits for both periods
    const [pa, pb] = [s.a, s.b];
    const here = statsArea(s);
    loadShifts(here.bbox, pa, pb, s.filters, signal);
    const d = await withCoarserRetry(here, (a) => getCompare(a, pa, pb, s.filters, signal));
    return { kind: 'compare', data: d, scale: diverging() };
  },
  paint: (loaded, s) => {
    data.loaded = loaded;
    if (loaded?.kind === 'heatmap') {
      const d = loaded.data;
      setStatus('ready', `res ${d.res} · ${fmt.count(d.cells.length)} cells · ${fmt.count(d.totals.sightings)} sightings · ${fmt.count(d.totals.persons)} persons · ${fmt.periodLabel(s.period)}`);
    } else if (loaded?.kind === 'compare') {
      const d = loaded.data;
      compare.setData(d);
      const sig = d.cells.filter((c) => significant(c, d.alpha)).length;
      setStatus('ready', `res ${d.res} · ${fmt.count(d.cells.length)} cells · ${sig} significant · B vs A: ${fmt.ratio(d.totals.rate_ratio)}`);
    }
    body.dataset.cells = String(loaded?.data.cells.length ?? 0);
    body.dataset.loads = String(++data.loads);
    draw();
  },
  fail: (e, s) => {
    data.loaded = null;
    draw();
    if (s.view === 'compare') compare.setMessage(fmt.errorText(e));
    setStatus('error', fmt.errorText(e));
  },
});

/** loadShifts fills the compare panel's modus-operandi shifts; a failure stays in the panel. */
function loadShifts(bbox: BBox, a: Period, b: Period, f: Filters, signal: AbortSignal): void {
  compare.setShiftsMessage('loading…');
  getCompareShifts(bbox, a, b, f, signal).then((d) => compare.setShifts(d), (e: unknown) => {
    if (!signal.aborted) compare.setShiftsMessage(fmt.errorText(e));
  });
}

/** labels are the basemap's names (countries, seas), once the atlas has loaded. */
let labels: MapLabel[] = [];

function draw(): void {
  drawScene(view, store.get(), data, { legend: byId('legend'), hotspots: byId('hotspot-list'), tooltip, select: selectCell, labels });
}

/** loadFindings shows the latest emerging-routes and modus-operandi runs' findings. */
async function loadFindings(): Promise<void> {
  const show = async <T>(el: HTMLElement, read: () => Promise<T>, render: (el: HTMLElement, f: T) => void): Promise<void> => {
    try {
      render(el, await read());
    } catch (e) {
      el.replaceChildren(document.createTextNode(fmt.errorText(e)));
    }
  };
  await Promise.all([show(byId('emerging-list'), () => getEmerging(), renderEmerging), show(byId('shift-list'), () => getShifts(), renderShifts)]);
  try {
    data.hotspots = await getHotspots(PATTERNS);
    draw();
    refreshCellContext();
  } catch (e) {
    byId('hotspot-list').replaceChildren(document.createTextNode(fmt.errorText(e)));
  }
  body.dataset.findings = 'loaded';
}

/** corridorPeriod is the heatmap's period when it is whole months (corridors are found per
 * month), else null: the latest run's corridors. Planners read their release quarter. */
function corridorPeriod(s: ViewState): Period | null {
  const p = s.period;
  return role !== 'planner' && s.view === 'heatmap' && p && p.from.endsWith('-01') && p.to.endsWith('-01') ? p : null;
}

/** loadCorridors reads the corridors of the view's period (or of the latest corridor run):
 * centerlines and outlines, joined by id. */
async function loadCorridors(): Promise<void> {
  const period = corridorPeriod(store.get());
  try {
    const [lines, areas] = await Promise.all([getCorridors<LineGeometry>('centerline', period), getCorridors<AreaGeometry>('outline', period)]);
    if (JSON.stringify(corridorPeriod(store.get())) !== JSON.stringify(period)) return; // superseded
    data.corridors = joinCorridors(lines.features, areas.features);
    corridorList.setData(data.corridors, period ? `of ${fmt.periodLabel(period)}` : 'of the latest run');
    if (lines.release) {
      const r = lines.release;
      setStatus('ready', `Released for ${fmt.periodLabel({ from: r.from.slice(0, 10), to: r.to.slice(0, 10) })}: counts of at least ${r.suppressed_below} `
        + `per H3 res-${r.res} cell and leg; ${fmt.count(r.withheld)} cells withheld below it.`);
    }
    body.dataset.corridors = String(data.corridors.length);
    draw();
    refreshCellContext();
  } catch (e) {
    corridorList.setMessage(fmt.errorText(e, 'corridors'));
  }
}

/** rankingLoad ranks the busiest cells or routes of the map's view in the heatmap's period. */
const rankingLoad = loader({
  delay: 300,
  begin: () => {
    const s = store.get();
    if (!readsData() || s.view !== 'heatmap') return null;
    if (!s.period) {
      ranking.setMessage('Choose a period (drag on the timeline, or type the dates) to rank the busiest cells and routes against the period before it.');
      return null;
    }
    return { s, period: s.period, area: viewArea() };
  },
  load: ({ s, period, area }, signal) => getRanking(rankBy, area, period, s.filters, signal),
  paint: (r) => { ranking.setData(r); body.dataset.ranking = String(r.rows.length); },
  fail: (e) => ranking.setMessage(fmt.errorText(e, 'ranking')),
});

/** timelineLoad loads the timeline's buckets for the map's area and the filters. */
const timelineLoad = loader({
  delay: 300,
  begin: () => (readsData() ? store.get() : null),
  load: (s, signal) => getTimeline(s.step, statsArea(s).bbox, s.filters, signal),
  paint: (t) => {
    data.timeline = t;
    drawTimeline(store.get());
    ensureComparePeriods(store.get());
  },
  fail: (e) => console.warn('timeline', e),
});

function drawTimeline(s: ViewState): void {
  const t = data.timeline;
  if (!t || t.bucket !== s.step) return;
  const compareMode = s.view === 'compare';
  timeline.update({ buckets: t.buckets, step: s.step, metric: s.metric,
    period: compareMode ? s.b : s.period, a: compareMode ? s.a : null, b: compareMode ? s.b : null });
}

/** cellLoad loads the open cell's detail for the view's period (compare: both periods') and filters. */
const cellLoad = loader({
  begin: () => {
    const s = store.get();
    if (!s.cell || !readsData()) return null;
    const period = s.view === 'compare' && s.a && s.b
      ? { from: s.a.from < s.b.from ? s.a.from : s.b.from, to: s.a.to > s.b.to ? s.a.to : s.b.to } : s.period;
    return { s, h3: s.cell, period };
  },
  load: ({ h3, s, period }, signal) => {
    renderCellMessage(cellPanel, 'loading…', () => selectCell(null));
    // Cells of res 3 and 4 have forecasts; a failed forecast leaves the cell shown.
    const res = getResolution(h3);
    const forecast = res === 3 || res === 4 ? getForecast('cell', h3, signal).catch(() => undefined) : Promise.resolve(undefined);
    return Promise.all([getCell(h3, period, s.filters, signal), forecast]);
  },
  paint: ([c, forecast], { s, period }) => {
    renderCell(cellPanel, c, s.metric, period, { close: () => selectCell(null), select: selectCell }, forecast);
    renderCellContext(cellPanel, c.h3, data.hotspots?.items ?? null, data.corridors);
    body.dataset.cell = 'loaded';
  },
  fail: (e) => renderCellMessage(cellPanel, fmt.errorText(e), () => selectCell(null)),
});

/** corridorLoad loads the open corridor's detail (the latest run's; planners: the release's). */
const corridorLoad = loader({
  begin: () => {
    const id = store.get().corridor;
    return id !== null && role !== null ? { id } : null;
  },
  load: ({ id }, signal) => {
    renderCorridorMessage(corridorPanel, 'loading…', closeCorridor);
    // Planners may not read forecasts: never asked. A failed forecast leaves the corridor shown.
    const forecast = readsData() ? getForecast('corridor', String(id), signal).catch(() => undefined) : Promise.resolve(undefined);
    return Promise.all([getCorridor(id, signal), forecast]);
  },
  paint: ([d, forecast]) => {
    renderCorridor(corridorPanel, d, { close: closeCorridor, select: (h3) => selectCell(h3) }, forecast);
    body.dataset.corridorLoaded = String(d.corridor.properties.id);
  },
  fail: (e) => renderCorridorMessage(corridorPanel, fmt.errorText(e, 'corridor'), closeCorridor),
});

/** loadCorridorPanel opens, reloads or closes the corridor panel for the state's corridor. */
function loadCorridorPanel(): void {
  corridorLoad.cancel();
  const id = store.get().corridor;
  corridorPanel.hidden = id === null;
  if (id === null) delete body.dataset.corridor;
  else body.dataset.corridor = String(id);
  delete body.dataset.corridorLoaded;
  void corridorLoad.run();
}

/** loadCell opens, reloads or closes the cell panel for the state's cell. */
function loadCell(): void {
  cellLoad.cancel();
  const open = store.get().cell;
  cellPanel.hidden = !open;
  body.dataset.cell = open ? 'open' : '';
  void cellLoad.run();
}

byId('export-geojson').addEventListener('click', () => {
  const x = cellsExport(store.get(), data.loaded);
  if (x) download(`${x.name}.geojson`, 'application/geo+json', JSON.stringify(toGeoJSON(x.rows)));
});
byId('export-csv').addEventListener('click', () => {
  const x = cellsExport(store.get(), data.loaded);
  if (x) download(`${x.name}.csv`, 'text/csv', toCSV(x.rows));
});
byId('export-corridors-geojson').addEventListener('click', () => {
  download('routewatch-corridors.geojson', 'application/geo+json', JSON.stringify(corridorsGeoJSON(data.corridors)));
});
byId('export-corridors-csv').addEventListener('click', () => download('routewatch-corridors.csv', 'text/csv', corridorsCSV(data.corridors)));
for (const b of document.querySelectorAll<HTMLButtonElement>('.modes button')) {
  b.addEventListener('click', () => store.update((s) => {
    if (b.dataset.view !== 'compare') return { ...s, view: 'heatmap' };
    const d = defaultComparePeriods();
    return { ...s, view: 'compare', a: s.a ?? d.a, b: s.b ?? d.b, area: s.area ?? areaOfView() };
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
  renderReport(s, currentSession());
}

// The report's marking names the session's clearance, known once signed in; print reads it too.
for (const [target, event] of [[document, 'routewatch:session'], [window, 'beforeprint']] as const) {
  target.addEventListener(event, () => renderReport(store.get(), currentSession()));
}

store.subscribe((s, prev) => {
  renderControls(s);
  view.jumpTo(s.lon, s.lat, s.zoom); // no-op unless the state moved without the map (Back)
  if (s.view !== prev.view) { time.stop(); tooltip.hide(); }
  if (ensureComparePeriods(s)) return;
  if (dataKey(s) !== dataKey(prev)) {
    mapLoad.schedule(s.period !== prev.period ? 0 : undefined);
    rankingLoad.schedule();
  }
  if (readsData() && JSON.stringify(corridorPeriod(s)) !== JSON.stringify(corridorPeriod(prev))) void loadCorridors();
  else if (s.metric !== prev.metric || s.cell !== prev.cell || s.corridors !== prev.corridors || s.hotspots !== prev.hotspots) draw();
  if (s.step !== prev.step || JSON.stringify(s.filters) !== JSON.stringify(prev.filters) || s.view !== prev.view
    || JSON.stringify(s.area) !== JSON.stringify(prev.area)) timelineLoad.schedule(0);
  else drawTimeline(s);
  if (s.cell !== prev.cell || dataKey(s) !== dataKey(prev) || s.metric !== prev.metric) loadCell();
  if (s.corridor !== prev.corridor) loadCorridorPanel();
});
view.onMove((lon, lat, zoom) => {
  store.set({ lon, lat, zoom });
  draw(); // the labels follow the zoom
  if (store.get().view === 'compare') return; // the analysis area, not the view, decides compare's numbers
  mapLoad.schedule();
  timelineLoad.schedule();
  rankingLoad.schedule();
});

if (problems.length) {
  const note = h('p', { id: 'link-notice', class: 'link-notice', role: 'alert' },
    `Ignored from the link, defaults used instead: ${problems.join('; ')}. `,
    h('button', { type: 'button', class: 'close', 'aria-label': 'dismiss', onclick: () => note.remove() }, '×'));
  byId('map').append(note);
}
byId('open-glossary').addEventListener('click', () => openGlossary('rate-ratio'));
for (const b of document.querySelectorAll<HTMLButtonElement>('button.term-link[data-term]')) {
  b.addEventListener('click', () => openGlossary(b.dataset.term ?? ''));
}
onUnauthenticated(askForKey);
renderControls(store.get());
/** startPlannerView shows what a planner may see: the corridors of the release grid. */
function startPlannerView(): void {
  body.dataset.role = 'planner';
  setStatus('loading', 'Planner view: loading the released corridors…');
  void loadCorridors();
}

void signInFromLink().finally(async () => {
  const session = await initAccount().catch(() => null);
  role = session?.role ?? '';
  loadCorridorPanel();
  if (role === 'planner') {
    startPlannerView();
    return;
  }
  void mapLoad.run();
  void timelineLoad.run();
  void rankingLoad.run();
  loadCell();
  void loadCorridors();
  void loadFindings();
  getVocabulary().then((v) => filters.setVocabulary(v)).catch((e: unknown) => setStatus('error', fmt.errorText(e, 'vocabulary')));
});

declare global {
  interface Window { routewatch: unknown }
}
// Keyboard picking: with the map focused (arrow keys pan, + and − zoom), Enter or Space
// opens the cell under the crosshair at the map's centre.
view.canvas().addEventListener('keydown', (e) => {
  const { loaded } = data;
  if ((e.key !== 'Enter' && e.key !== ' ') || !loaded) return;
  e.preventDefault();
  const c = view.map.getCenter();
  const h3 = cellAt(c.lat, c.lng, loaded.data.res, loaded.data.cells);
  if (h3) selectCell(h3);
  else setStatus('ready', 'No sightings in the cell at the map centre: move the map with the arrow keys.');
});

/** A handle for scripts and the end-to-end tests: the state, and the 100k-cell benchmark. */
window.routewatch = {
  state: () => store.get(),
  project: (lon: number, lat: number) => view.map.project([lon, lat]),
  centre: (lon: number, lat: number) => view.jumpTo(lon, lat, view.zoom()),
  /** Resolves once the map has drawn everything it has (MapLibre's idle event). */
  settled: () => new Promise<void>((resolve) => { view.map.once('idle', () => resolve()); view.map.triggerRepaint(); }),
  bench: (n: number) => { data.benching = true; return bench(view, n); },
  /** The basemap names drawn at the current zoom. */
  labels: () => visibleLabels(labels, view.zoom()).map((l) => l.name),
};
