// End-to-end tests of the web app against a running `routewatch serve` (ROUTEWATCH_URL),
// in Debian's Chromium through playwright-core. Run by scripts/e2e.sh, which starts the
// server over a fresh database with generated data.
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch } from './browser.mjs';

const BASE = process.env.ROUTEWATCH_URL;
const KEY = process.env.ROUTEWATCH_KEY;
if (!BASE || !KEY) throw new Error('set ROUTEWATCH_URL to a running routewatch serve and ROUTEWATCH_KEY to an analyst key (scripts/e2e.sh does)');
// An analyst key of clearance H0 (KEY is H3): the data holds sightings only H3 may see, so
// the two keys get different answers to the same request.
const KEY_H0 = process.env.ROUTEWATCH_KEY_H0;
const KEY_PLANNER = process.env.ROUTEWATCH_KEY_PLANNER;
const SHOTS = process.env.SCREENSHOTS ?? new URL('../../docs/screenshots/', import.meta.url).pathname;
const BENCH_OUT = process.env.BENCH_OUT;
const BENCH_CELLS = Number(process.env.BENCH_CELLS ?? 100_000); // the benchmark's layer size
const ORIGIN = new URL(BASE).origin;
const START = '?c=14,37&z=3.9'; // the Mediterranean, West Africa and the Balkans

let ctx; let close; let page;
const requests = [];
const heatmaps = []; // the heatmap responses, newest last
const cspViolations = []; // every Content-Security-Policy violation of any page or worker in the run

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ context: ctx, close } = await launch());
  ctx.on('request', (r) => requests.push(r.url()));
  // The browser reports a violation to the console ("Refused to … because it violates the
  // following Content Security Policy directive"); the event names the directive too.
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  ctx.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(`${m.page()?.url()}: ${m.text()}`); });
  ctx.on('page', watchWorkers);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  watchWorkers(page);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('response', async (r) => {
    if (r.url().includes('/api/v1/heatmap') && r.ok()) {
      // A response the page navigated away from has no body any more: skip it.
      const headers = await r.allHeaders().catch(() => null);
      const body = await r.json().catch(() => null);
      if (headers) heatmaps.push({ url: r.url(), headers, body });
    }
  });
});

/** watchWorkers reports CSP violations inside the page's workers (MapLibre's, from blob: URLs). */
function watchWorkers(p) {
  p.on('worker', (w) => {
    w.evaluate(() => self.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation in a worker: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`);
    })).catch(() => {}); // a worker may end before this runs
  });
}
after(async () => { await close?.(); });

const loads = () => page.evaluate(() => Number(document.body.dataset.loads ?? 0));

/** waitLoaded waits until the app has finished a data load after `since` loads and has not
 * started another one (a map move right after a load starts the next). */
async function waitLoaded(since = 0) {
  let status = 'loading';
  for (let n = since; status === 'loading';) {
    await page.waitForFunction((n) => document.body.dataset.status !== 'loading' && Number(document.body.dataset.loads ?? 0) > n, n, { timeout: 30_000 });
    ({ status, n } = await page.evaluate(() => ({ status: document.body.dataset.status, n: Number(document.body.dataset.loads ?? 0) })));
  }
  assert.equal(status, 'ready', await page.locator('#status').textContent());
  await page.waitForTimeout(400); // deck.gl draws on the next animation frames
}

/** settle waits until the basemap has drawn all its tiles and nothing moves. */
async function settle(p = page) {
  await p.evaluate(() => window.routewatch.settled());
  await p.waitForTimeout(100);
}

/** mapPixels reads the map's canvas (MapLibre and deck.gl draw into one) and counts the
 * pixels that are data rather than basemap: the basemap is dark blue-grey, while the data's
 * colours (viridis, blue–grey–red) are saturated or light. */
function mapPixels(at = null, p = page) {
  return p.evaluate((at) => {
    const c = document.querySelector('#map canvas.maplibregl-canvas');
    const g = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    g.canvas.width = c.width; g.canvas.height = c.height;
    g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const isData = (i) => {
      const hi = Math.max(d[i], d[i + 1], d[i + 2]);
      return hi - Math.min(d[i], d[i + 1], d[i + 2]) > 40 || hi > 150;
    };
    let painted = 0; let hash = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (isData(i)) { painted++; hash = (Math.imul(hash, 31) + d[i] * 65536 + d[i + 1] * 256 + d[i + 2] + i) | 0; }
    }
    const s = c.width / c.clientWidth;
    const dataAt = at ? isData((Math.round(at.y * s) * c.width + Math.round(at.x * s)) * 4) : null;
    return { painted, hash, total: d.length / 4, dataAt };
  }, at);
}

/** topCell is the cell with most sightings in the last heatmap, with its screen position. */
async function topCell() {
  const hm = heatmaps.at(-1)?.body;
  assert.ok(hm?.cells?.length, 'a heatmap with cells');
  const cell = hm.cells.reduce((a, b) => (b.sightings > a.sightings ? b : a));
  const { cellToLatLng } = await import('h3-js');
  const [lat, lon] = cellToLatLng(cell.h3);
  const xy = await page.evaluate(([lon, lat]) => window.routewatch.project(lon, lat), [lon, lat]);
  return { cell, xy };
}

test('the app asks for a key, refuses a wrong one and signs in with the right one', async () => {
  await page.goto(`${BASE}/${START}`);
  const dialog = page.locator('dialog#signin');
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  await page.fill('#signin-key', 'rwk_wrong_key');
  await page.press('#signin-key', 'Enter');
  await page.locator('.signin-error').filter({ hasText: /unknown or revoked/ }).waitFor({ timeout: 10_000 });
  assert.ok(await dialog.isVisible());
  await page.fill('#signin-key', KEY);
  await page.click('#signin-submit');
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  await waitLoaded();
  assert.match(await page.locator('#account').textContent(), /analyst/);
  const cookies = await ctx.cookies(BASE);
  const session = cookies.find((c) => c.name === 'rw_session');
  assert.ok(session?.httpOnly, 'the session lives in an HttpOnly cookie');
  assert.equal(await page.evaluate(() => document.cookie.includes('rw_session')), false);
});

test('the app is served under a strict Content-Security-Policy, and the API under a locked-down one', async () => {
  const directives = (csp) => Object.fromEntries((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  const res = await fetch(`${BASE}/`);
  const csp = directives(res.headers.get('content-security-policy'));
  assert.deepEqual(csp['script-src'], ["'self'"], 'scripts from our origin only: no inline script, no eval');
  assert.deepEqual(csp['frame-ancestors'], ["'none'"]);
  assert.deepEqual(csp['object-src'], ["'none'"]);
  assert.ok(!csp['style-src'].includes("'unsafe-inline'"), 'no <style> elements');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  const html = await res.text();
  assert.doesNotMatch(html.replace(/<script[^>]*\ssrc=[^>]*><\/script>/g, ''), /<script/i, 'no inline script in index.html');
  const asset = html.match(/src="(\/assets\/[^"]+\.js)"/)[1];
  const a = await fetch(`${BASE}${asset}`);
  assert.ok(a.ok && a.headers.get('content-security-policy')?.includes("frame-ancestors 'none'"), `${asset} carries the policy`);
  const api = await fetch(`${BASE}/api/v1/session`, { headers: { Authorization: `Bearer ${KEY}` } });
  assert.equal(api.status, 200);
  assert.deepEqual(directives(api.headers.get('content-security-policy')), { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] });
  assert.equal(api.headers.get('x-frame-options'), 'DENY');
  // The page signed in above ran under the policy: its map started MapLibre's worker (a
  // blob: URL, which the policy must allow) and nothing was refused so far.
  assert.ok(page.workers().length > 0, 'MapLibre runs its worker');
  assert.deepEqual(cspViolations, []);
});

test('a link with the key in its fragment signs a fresh browser in and drops the key from the address', async () => {
  const other = await ctx.browser()?.newContext() ?? null;
  const p = other ? await other.newPage() : page;
  if (!other) await ctx.clearCookies();
  await p.goto(`${BASE}/${START}#key=${encodeURIComponent(KEY)}`);
  await p.locator('#account').filter({ hasText: /analyst/ }).waitFor({ timeout: 30_000 });
  assert.equal(await p.locator('dialog#signin').isVisible().catch(() => false), false, 'no sign-in dialog');
  assert.ok(!p.url().includes(KEY), `the key left the address bar: ${p.url()}`);
  if (other) await other.close();
});

test('the app loads from the Go server, with filters fed by the vocabulary', async () => {
  const t0 = Date.now();
  await page.goto(`${BASE}/${START}`);
  await waitLoaded();
  console.log(`# load to heatmap drawn (signed in): ${Date.now() - t0} ms`);
  assert.match(await page.title(), /routewatch/);
  const modes = await page.locator('#filter-mode option').count();
  assert.ok(modes > 5, `transport modes in the filter: ${modes}`);
  assert.ok(Number(await page.evaluate(() => document.body.dataset.cells)) > 10);
  const bars = await page.locator('#timeline rect.bar').count();
  assert.ok(bars >= 12, `timeline bars: ${bars}`);
});

test('the heatmap renders: deck.gl paints where the data is', async () => {
  const { cell, xy } = await topCell();
  const px = await mapPixels(xy);
  assert.ok(px.painted > 2000, `painted pixels: ${px.painted}`);
  assert.ok(px.dataAt, `pixel under the busiest cell ${cell.h3} is painted`);
  const shot = `${SHOTS}/heatmap.png`;
  await settle();
  await page.screenshot({ path: shot });
});

test('corridors: drawn over the heatmap, listed, sortable, a click zooms to one, hidden by link', async () => {
  await page.waitForFunction(() => Number(document.body.dataset.corridors ?? 0) > 0, null, { timeout: 30_000 });
  const rows = page.locator('#corridor-list tbody tr');
  const n = await rows.count();
  assert.ok(n > 0, `corridor rows: ${n}`);
  await settle();
  const withCorridors = await mapPixels();
  await page.locator('#show-corridors').uncheck();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('cor') === '0');
  await settle();
  const without = await mapPixels();
  assert.notEqual(withCorridors.hash, without.hash, 'hiding the corridors changes the picture');
  await page.locator('#show-corridors').check();
  await page.waitForFunction(() => !new URLSearchParams(location.search).has('cor'));
  // Sorting by name reorders the rows alphabetically.
  await page.locator('#corridor-list th button', { hasText: 'Corridor' }).click();
  const names = await page.locator('#corridor-list tbody tr td:first-child').allTextContents();
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
  // Export: every listed corridor, with its geometry, as GeoJSON and as CSV.
  const [gj] = await Promise.all([page.waitForEvent('download'), page.click('#export-corridors-geojson')]);
  const fc = JSON.parse(readFileSync(await gj.path(), 'utf8'));
  assert.equal(fc.type, 'FeatureCollection');
  assert.equal(fc.features.length, n);
  for (const f of fc.features) {
    assert.match(f.geometry?.type ?? 'none', /^(LineString|MultiPolygon)$/, `corridor ${f.id} has a geometry`);
    assert.match(f.properties.status, /^(new|growing|stable|declining)$/);
  }
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-corridors-csv')]);
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\r\n');
  assert.match(lines[0], /^id,kind,label,from_place,to_place,status,/);
  assert.equal(lines.length, n + 1);
  // A click on a corridor moves the map to it.
  const before = await page.evaluate(() => window.routewatch.state());
  await page.locator('#corridor-list tbody button:not([disabled])').first().click();
  await page.waitForFunction((b) => { const s = window.routewatch.state(); return s.lon !== b.lon || s.lat !== b.lat || s.zoom !== b.zoom; }, before);
  // … and opens its detail: the API's numbers and its monthly series.
  await page.waitForFunction(() => document.body.dataset.corridorLoaded !== undefined, null, { timeout: 20_000 });
  const id = await page.evaluate(() => window.routewatch.state().corridor);
  assert.match(page.url(), new RegExp(`corridor=${id}`));
  const detail = await (await fetch(`${BASE}/api/v1/corridors/${id}`, { headers: { Authorization: `Bearer ${KEY}` } })).json();
  const panel = page.locator('#corridor-panel');
  assert.ok(await panel.isVisible(), 'the corridor panel is open');
  assert.match(await panel.locator('.stats').textContent(), new RegExp(`sightings${detail.corridor.properties.sightings.toLocaleString('en-GB')}`));
  assert.equal(await panel.locator('.corridor-months tbody tr').count(), detail.monthly.length, 'one row per month of the series');
  const { from_place: from, to_place: to } = detail.corridor.properties;
  console.log(`# corridor ${id}: ${from} → ${to}`);
  if (detail.centerline?.coordinates?.length >= 2) {
    assert.ok(from && to, `the API names the ends of corridor ${id}'s centreline`);
    assert.ok((await panel.textContent()).includes(`${from} → ${to}`), 'the panel names where the corridor runs');
  }
  await waitLoaded(await loads() - 1).catch(() => {});
  await settle();
  await page.screenshot({ path: `${SHOTS}/corridors.png` });
  await panel.locator('.close').click();
  assert.equal(await panel.isVisible(), false, 'closed');
  await page.goto(`${BASE}/${START}`);
  await waitLoaded();
});

test('findings: the latest emerging routes and MO shifts, as the API has them, with their evidence', async () => {
  await page.waitForFunction(() => document.body.dataset.findings === 'loaded', null, { timeout: 30_000 });
  const api = await page.evaluate(async () => {
    const get = async (p) => (await fetch(p, { credentials: 'same-origin' })).json();
    return {
      emerging: await get('/api/v1/emerging?status=new,surging,ongoing,declining,coverage_change'),
      shifts: await get('/api/v1/mo-shifts?kind=shift,coverage_change'),
    };
  });
  console.log(`# findings: ${api.emerging.count} emerging (run ${api.emerging.run_id}), ${api.shifts.count} shifts (run ${api.shifts.run_id})`);
  assert.ok(api.emerging.run_id && api.shifts.run_id, 'e2e.sh ran both jobs');
  assert.ok(api.emerging.count + api.shifts.count > 0, 'the small scenario has findings as of its end');
  assert.equal(await page.locator('#emerging-list tbody').count(), api.emerging.count);
  assert.equal(await page.locator('#shift-list tbody').count(), api.shifts.count);
  if (api.emerging.count) {
    const e = api.emerging.items[0];
    const row = await page.locator('#emerging-list tbody').first().textContent();
    assert.ok(row.includes(e.status) && row.includes(String(e.recent_count)), `${row} shows ${e.status}, ${e.recent_count}`);
  }
  if (api.shifts.count) {
    const s = api.shifts.items[0];
    const row = await page.locator('#shift-list tbody').first().textContent();
    assert.ok(row.includes('↑') && row.includes('↓'), row);
    for (const v of s.rose ?? []) assert.ok(row.toLowerCase().includes(v.replaceAll('_', ' ').toLowerCase()), `${row} names ${v}`);
  }
  await page.locator('#findings-title').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/findings.png` });
});

test('emerging hot spots: counted by category, outlined on the map when asked, kept in the URL', async () => {
  const api = await page.evaluate(async () => (await fetch('/api/v1/hotspots', { credentials: 'same-origin' })).json());
  const withPattern = api.items.filter((h) => h.pattern !== 'No Pattern Detected');
  console.log(`# hot spots: ${api.count} cells in run ${api.run_id}, ${withPattern.length} with a pattern`);
  assert.ok(withPattern.length > 0, 'the run has cells with a pattern');
  const items = page.locator('#hotspot-list li');
  assert.ok(await items.count() > 0, 'categories listed');
  const listed = (await items.allTextContents()).reduce((n, t) => n + Number(t.split(': ').at(-1).replace(/,/g, '')), 0);
  const res = Number((await page.locator('#hotspot-list p').textContent()).match(/resolution (\d+)/)[1]);
  assert.equal(listed, withPattern.filter((h) => h.res === res).length, 'the counts add up to the run\'s cells at the shown resolution');
  await settle();
  const before = await mapPixels();
  await page.locator('#show-hotspots').check();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('hs') === '1');
  await settle();
  const after = await mapPixels();
  assert.notEqual(before.hash, after.hash, 'outlining the hot spots changes the picture');
  await page.screenshot({ path: `${SHOTS}/hotspots.png` });
  await page.locator('#show-hotspots').uncheck();
  await page.waitForFunction(() => !new URLSearchParams(location.search).has('hs'));
});

test('hovering a cell shows sightings, persons and top modes', async () => {
  const { cell, xy } = await topCell();
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + xy.x, box.y + xy.y);
  const tip = page.locator('.tooltip');
  await tip.waitFor({ state: 'visible', timeout: 5000 });
  const text = await tip.textContent();
  assert.match(text, /sightings/);
  assert.match(text, /top modes/);
  assert.ok(text.includes(cell.h3) || /cell [0-9a-f]{15}/.test(text), text);
  if (text.includes(cell.h3) && cell.place) assert.ok(text.includes(cell.place), `the tooltip names the place ${cell.place}: ${text}`);
  await page.mouse.move(box.x + 5, box.y + box.height - 5);
});

test('the basemap names countries and seas offline, the narrow ones only when zoomed in', async () => {
  await page.waitForFunction(() => window.routewatch.labels().includes('Libya'), null, { timeout: 20_000 });
  const names = await page.evaluate(() => window.routewatch.labels());
  for (const want of ['Libya', 'Italy', 'Mediterranean Sea']) assert.ok(names.includes(want), `${want} in ${names}`);
  assert.ok(!names.includes('Strait of Gibraltar'), 'a strait is too narrow to name at this zoom');
  assert.ok(names.length > 5, `names: ${names}`);
});

test('changing a filter changes the request, the picture and the URL', async () => {
  const before = await mapPixels();
  const n = await loads();
  await page.selectOption('#filter-mode', 'boat_rubber');
  await waitLoaded(n);
  const last = heatmaps.at(-1);
  assert.equal(new URL(last.url).searchParams.get('mode'), 'boat_rubber');
  const after = await mapPixels();
  assert.notEqual(after.hash, before.hash, 'the picture changed');
  assert.ok(after.painted < before.painted, `fewer cells painted with the filter (${after.painted} < ${before.painted})`);
  assert.match(await page.locator('#chips').textContent(), /boat rubber/);
  assert.match(page.url(), /mode=boat_rubber/);
});

test('a link with parameters the app cannot use says which, and uses the defaults', async () => {
  const p2 = await ctx.newPage();
  try {
    await p2.goto(`${BASE}/${START}&step=fortnight&cell=xyz&foo=1&mode=hovercraft`);
    const note = p2.locator('#link-notice');
    await note.waitFor({ state: 'visible', timeout: 20_000 });
    const text = await note.textContent();
    for (const part of ['step=fortnight (want week or month)', 'cell=xyz', 'foo (not a routewatch link parameter)']) assert.ok(text.includes(part), text);
    await p2.click('#link-notice .close');
    assert.equal(await note.count(), 0, 'dismissed');
    // A filter value the data does not hold is kept (it is what the link says) and flagged.
    const chip = p2.locator('#chips .chip-unknown');
    await chip.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await chip.textContent(), /hovercraft.*\(not in the data\)/);
  } finally {
    await p2.close();
  }
});

test('Play steps through the chosen period, one month at a time or in rolling windows, at a chosen speed, and gives the period back', async () => {
  const p2 = await ctx.newPage();
  try {
    await p2.goto(`${BASE}/${START}&period=2025-01-01..2025-04-01`);
    await p2.waitForFunction(() => document.body.dataset.status === 'ready', null, { timeout: 30_000 });
    await p2.click('#play');
    await p2.waitForFunction(() => window.routewatch.state().period?.from === '2025-02-01', null, { timeout: 10_000 });
    assert.deepEqual(await p2.evaluate(() => window.routewatch.state().period), { from: '2025-02-01', to: '2025-03-01' });
    await p2.click('#play'); // pause
    assert.deepEqual(await p2.evaluate(() => window.routewatch.state().period), { from: '2025-01-01', to: '2025-04-01' });
    assert.match(p2.url(), /period=2025-01-01\.\.2025-04-01/);
    // A three-month rolling window at ×4 through five months: frames one month apart, the
    // last ending with the period, then the period is given back.
    await p2.goto(`${BASE}/${START}&period=2025-01-01..2025-06-01`);
    await p2.waitForFunction(() => document.body.dataset.status === 'ready', null, { timeout: 30_000 });
    await p2.selectOption('#play-window', '3');
    await p2.selectOption('#play-speed', '4');
    const seen = [];
    const started = Date.now();
    await p2.click('#play');
    while (Date.now() - started < 15_000) {
      const p = await p2.evaluate(() => window.routewatch.state().period);
      if (!seen.length || seen.at(-1).from !== p.from || seen.at(-1).to !== p.to) seen.push(p);
      if (await p2.getAttribute('#play', 'aria-pressed') === 'false') break;
      await p2.waitForTimeout(50);
    }
    const last = await p2.evaluate(() => window.routewatch.state().period); // Play may have stopped after the last read
    if (seen.at(-1).from !== last.from || seen.at(-1).to !== last.to) seen.push(last);
    assert.deepEqual(seen, [{ from: '2025-01-01', to: '2025-04-01' }, { from: '2025-02-01', to: '2025-05-01' },
      { from: '2025-03-01', to: '2025-06-01' }, { from: '2025-01-01', to: '2025-06-01' }], 'three-month frames a month apart, then the period back');
    assert.ok(Date.now() - started < 5_000, 'at ×4 a frame lasts under a second');
  } finally {
    await p2.close();
  }
});

test('at 768 px the map keeps the page width and the panels stack below it', async () => {
  const p2 = await ctx.newPage();
  try {
    await p2.setViewportSize({ width: 768, height: 1024 });
    await p2.goto(`${BASE}/${START}`);
    await p2.waitForFunction(() => document.body.dataset.status === 'ready' && Number(document.body.dataset.loads ?? 0) > 0, null, { timeout: 30_000 });
    await settle(p2);
    const map = await p2.locator('#map').boundingBox();
    assert.ok(map.width >= 700 && map.height >= 380, `map ${map.width}×${map.height} at 768 px`);
    const side = await p2.locator('#filters').boundingBox();
    assert.ok(side.y >= map.y + map.height, 'the filters come below the map');
    const px = await mapPixels(null, p2);
    assert.ok(px.painted > 1000, `painted pixels at 768 px: ${px.painted}`);
    await p2.screenshot({ path: `${SHOTS}/narrow-768.png` });
  } finally {
    await p2.close();
  }
});

test('the view is shared by link: the URL restores filters and position', async () => {
  const url = page.url();
  const want = new URL(heatmaps.at(-1).url).searchParams;
  const p2 = await ctx.newPage();
  const seen = [];
  p2.on('request', (r) => { if (r.url().includes('/api/v1/heatmap')) seen.push(new URL(r.url()).searchParams); });
  await p2.goto(url);
  await p2.waitForFunction(() => document.body.dataset.status === 'ready', null, { timeout: 30_000 });
  // The new tab may lay its map out once more after the first load (a resize asks again).
  for (let t = 0; t < 100 && seen.at(-1)?.get('bbox') !== want.get('bbox'); t++) await p2.waitForTimeout(100);
  const got = seen.at(-1);
  for (const k of ['mode', 'res', 'bbox']) assert.equal(got.get(k), want.get(k), k);
  assert.match(await p2.locator('#chips').textContent(), /boat rubber/);
  await p2.close();
  // remove the chip again from the keyboard
  const n = await loads();
  await page.locator('.chip-remove').first().focus();
  await page.keyboard.press('Enter');
  await waitLoaded(n);
  assert.equal(new URL(heatmaps.at(-1).url).searchParams.get('mode'), null);
});

test('right-to-left route labels are shown with dir="auto" and sent intact', async () => {
  const label = 'الطريق الأوسط, ليبيا';
  const p2 = await ctx.newPage();
  const seen = [];
  p2.on('request', (r) => { if (r.url().includes('/api/v1/heatmap')) seen.push(new URL(r.url()).searchParams); });
  await p2.goto(`${BASE}/${START}&route=${encodeURIComponent(label)}`);
  await p2.waitForFunction(() => document.body.dataset.status === 'ready', null, { timeout: 30_000 });
  assert.deepEqual(seen.at(-1).getAll('route'), [label]);
  const chip = p2.locator('.chip[data-key="route"] bdi');
  assert.equal(await chip.getAttribute('dir'), 'auto');
  assert.equal(await chip.textContent(), label);
  assert.equal(await chip.evaluate((e) => getComputedStyle(e).direction), 'rtl');
  await p2.close();
  await page.bringToFront();
});

test('clicking a cell opens its detail: weekly series, breakdowns, neighbours, hot spot, corridors', async () => {
  const { cell, xy } = await topCell();
  const box = await page.locator('#map').boundingBox();
  // As a user does: point at the cell (its tooltip shows), then click it.
  await page.mouse.move(box.x + xy.x, box.y + xy.y);
  await page.locator('.tooltip').filter({ hasText: cell.h3 }).waitFor({ state: 'visible', timeout: 10_000 });
  await page.mouse.click(box.x + xy.x, box.y + xy.y);
  await page.waitForFunction(() => document.body.dataset.cell === 'loaded', null, { timeout: 15_000 });
  const panel = page.locator('#cell-panel');
  // The heading names the place (geo/places), then the cell id.
  const place = (await page.evaluate(async (id) => (await fetch(`/api/v1/cells/${id}`, { credentials: 'same-origin' })).json(), cell.h3)).place;
  assert.ok(place && place.text, `the cell's place: ${JSON.stringify(place)}`);
  const heading = await panel.locator('h2').textContent();
  assert.ok(heading.toLowerCase().startsWith(place.text.toLowerCase()) && heading.includes(cell.h3), `${heading} names ${place.text} and ${cell.h3}`);
  assert.ok((await panel.locator('svg.weekly rect.bar').count()) > 10, 'weekly bars');
  assert.ok((await panel.locator('.breakdown').count()) >= 3, 'breakdowns');
  // The busiest cell lies on a route: a corridor of the latest run passes through it.
  assert.ok((await panel.locator('.cell-corridors li').count()) >= 1, 'corridors through the busiest cell');
  assert.match(await panel.locator('.cell-context').textContent(), /Emerging hot spot/);
  assert.match(page.url(), /cell=[0-9a-f]{15}/);
  // Cells of res 3 and 4 say what is forecast for them: the e2e data's 18 months are too few.
  const { getResolution } = await import('h3-js');
  if ([3, 4].includes(getResolution(cell.h3))) {
    assert.match(await panel.textContent(), /Next six months.*No forecast: the cell has less than 30 whole months/s);
  }
  await page.mouse.move(box.x + 200, box.y + 250); // over empty sea: no tooltip, no hover highlight
  await settle();
  await page.screenshot({ path: `${SHOTS}/cell-detail.png` });
  assert.ok(cell.h3);
});

test('the keyboard opens a cell: Enter on the focused map picks the cell at its centre', async () => {
  await page.click('#cell-panel .close');
  await page.waitForFunction(() => !new URLSearchParams(location.search).has('cell'));
  const { cell } = await topCell();
  const { cellToLatLng } = await import('h3-js');
  const [lat, lon] = cellToLatLng(cell.h3);
  const n = await loads();
  await page.evaluate(([lon, lat]) => window.routewatch.centre(lon, lat), [lon, lat]);
  await waitLoaded(n).catch(() => {});
  await page.focus('#map canvas');
  await page.keyboard.press('Enter');
  await page.waitForFunction((h3) => new URLSearchParams(location.search).get('cell') === h3 && document.body.dataset.cell === 'loaded',
    cell.h3, { timeout: 15_000 });
});

test('the ranked table of the busiest cells and routes matches the API, and exports as CSV', async () => {
  const rankings = [];
  const onResponse = async (r) => {
    if (!r.url().includes('/api/v1/ranking') || !r.ok()) return;
    const body = await r.json().catch(() => null); // null when the page navigated away first
    if (body) rankings.push({ url: r.url(), body });
  };
  page.on('response', onResponse);
  const before = page.url(); // the later tests carry on from the view as it was (a cell open)
  try {
    await page.goto(`${BASE}/${START}&period=2025-01-01..2025-04-01`);
    await page.waitForFunction(() => Number(document.body.dataset.ranking ?? 0) > 0, null, { timeout: 30_000 });
    await page.waitForTimeout(500); // a map move may have asked again
    const rowsOf = () => page.$$eval('#ranking-body tbody tr', (trs) => trs.map((tr) => [tr.dataset.unit, tr.children[2].textContent]));
    const check = async (by) => {
      const of = () => rankings.filter((r) => new URL(r.url).searchParams.get('by') === by).at(-1);
      for (let i = 0; i < 100 && !of(); i++) await page.waitForTimeout(100); // the response handler reads the body asynchronously
      const last = of();
      assert.ok(last, `a ${by} ranking was asked for`);
      const direct = await (await fetch(last.url, { headers: { Authorization: `Bearer ${KEY}` } })).json();
      assert.ok(direct.rows.length > 0, `${by}: rows`);
      const fmt = (n) => n.toLocaleString('en-GB');
      assert.deepEqual(await rowsOf(), direct.rows.map((x) => [by === 'cell' ? x.h3 : x.route, `${fmt(x.a)} → ${fmt(x.b)}`]), `${by}: the table is the API's`);
      return direct;
    };
    // Corridors follow a whole-month period, found on request when no run covers it.
    await page.waitForFunction(() => /^[1-9][\d,]* corridors of 1 Jan 2025/.test(document.querySelector('#corridor-list caption')?.textContent ?? ''), null, { timeout: 20_000 });
    const cells = await check('cell');
    assert.equal(cells.period.from, '2025-01-01T00:00:00Z');
    const named = cells.rows.filter((x) => x.place);
    assert.ok(named.length > 0, 'ranked cells carry their place');
    const shown = await page.$$eval('#ranking-body tbody tr td .place', (ps) => ps.map((p) => p.textContent));
    assert.deepEqual(shown, named.map((x) => x.place), 'the table names each cell by its place');
    assert.equal(cells.previous.from, '2024-10-01T00:00:00Z', 'the previous period of the same length, in whole months');
    const n = rankings.length;
    await page.selectOption('#ranking-by', 'route');
    await page.waitForFunction((n) => document.querySelector('#ranking-body tbody tr td span[dir="auto"]') !== null, n, { timeout: 20_000 });
    await check('route');
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#export-ranking-csv')]);
    const csv = readFileSync(await file.path(), 'utf8').split('\r\n');
    assert.match(csv[0], /^rank,route,previous,period,/);
    assert.ok(csv.length > 2, 'CSV rows');
    await page.selectOption('#ranking-by', 'cell');
  } finally {
    page.off('response', onResponse);
    await page.goto(before);
    await waitLoaded();
  }
});

test('compare mode renders a diverging map, outlines and the rises and falls', async () => {
  const n = await loads();
  await page.click('#view-compare');
  await waitLoaded(n);
  const px = await mapPixels();
  assert.ok(px.painted > 2000, `painted pixels: ${px.painted}`);
  assert.ok((await page.locator('.compare-table tbody tr').count()) > 0, 'rows in the rises/falls tables');
  assert.match(page.url(), /view=compare/);
  assert.match(page.url(), /a=\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}/);
  assert.match(await page.locator('.legend').textContent(), /change/);
  // The modus-operandi shifts between the periods: one verdict per dimension.
  await page.waitForFunction(() => document.querySelectorAll('#compare-shifts .shift-dim').length === 3, null, { timeout: 20_000 });
  for (const dim of ['transport_mode', 'modus_operandi', 'nationalities']) {
    assert.match(await page.locator(`#compare-shifts [data-dimension="${dim}"] h4`).textContent(), /shift ·|no shift ·|not tested:/, dim);
  }
  await page.click('#cell-panel .close');
  await page.evaluate(() => document.getElementById('panel').scrollTo(0, 0));
  await settle();
  await page.screenshot({ path: `${SHOTS}/compare.png` });
  const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
  assert.ok(pdf.length > 20_000, `PDF bytes: ${pdf.length}`);
  if (process.env.PDF_OUT) writeFileSync(process.env.PDF_OUT, pdf);
  // The report read back from the PDF: the handling marking on every page, the analysis in
  // its title, the caveats and the method note.
  const pdfPath = join(tmpdir(), `rw-report-${process.pid}.pdf`);
  writeFileSync(pdfPath, pdf);
  const pages = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }).split('\f').filter((p) => p.trim());
  assert.ok(pages.length >= 1, 'the PDF has text');
  pages.forEach((p, i) => assert.match(p, /HANDLING H3/, `page ${i + 1} of ${pages.length} carries the handling marking`));
  pages.forEach((p, i) => assert.match(p, new RegExp(`page ${i + 1} of ${pages.length}`), `page ${i + 1} is numbered`));
  // Letter paper too: the same marking and numbering on every page.
  const letterPath = join(tmpdir(), `rw-report-letter-${process.pid}.pdf`);
  writeFileSync(letterPath, await page.pdf({ format: 'Letter', landscape: true, printBackground: true }));
  const letter = execFileSync('pdftotext', ['-layout', letterPath, '-'], { encoding: 'utf8' }).split('\f').filter((p) => p.trim());
  letter.forEach((p, i) => assert.match(p, new RegExp(`HANDLING H3[\\s\\S]*page ${i + 1} of ${letter.length}`), `Letter page ${i + 1}`));
  const text = pages.join('\n');
  for (const want of [/Compare A .* with B /, /Printed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/, /Caveats/, /fewer than 5/, /Method: compare/, /data version \d+/]) assert.match(text, want);
  // Cells are named by their places in the tables, on screen and on paper.
  const places = await page.$$eval('#compare-panel .compare-table .place', (ps) => ps.map((p) => p.textContent));
  assert.ok(places.length > 0, 'the rises and falls name their places');
  const flat = text.replace(/\s+/g, ' ');
  assert.ok(places.some((p) => flat.includes(p)), `a place of the tables is in the PDF: ${places.slice(0, 3)}`);
  await page.locator('#compare-shifts').screenshot({ path: `${SHOTS}/compare-shifts.png` });
});

test('the same compare link gives the same numbers at 1440 px, at 1024 px and in print', async () => {
  assert.match(page.url(), /area=-?[\d.]+%2C-?[\d.]+%2C-?[\d.]+%2C-?[\d.]+|area=-?[\d.]+,-?[\d.]+,-?[\d.]+,-?[\d.]+/, 'the analysis area is in the link');
  assert.match(page.url(), /ares=\d/);
  const link = page.url();
  const numbers = (p) => p.evaluate(() => ({
    area: document.getElementById('compare-area-text')?.textContent,
    stats: document.querySelector('#compare-panel .stats')?.textContent,
    tables: [...document.querySelectorAll('#compare-panel .compare-table')].map((t) => t.textContent).join('|'),
    shifts: [...document.querySelectorAll('#compare-shifts h4')].map((e) => e.textContent).join('|'),
    cells: document.body.dataset.cells,
  }));
  const ready = (p) => p.waitForFunction(() => document.body.dataset.status === 'ready' && Number(document.body.dataset.loads ?? 0) > 0
    && document.querySelectorAll('#compare-shifts .shift-dim').length === 3, null, { timeout: 30_000 });
  const seen = {};
  for (const width of [1440, 1024]) {
    const p = await ctx.newPage();
    const bboxes = new Set();
    p.on('request', (r) => { if (/\/api\/v1\/compare/.test(r.url())) bboxes.add(new URL(r.url()).searchParams.get('bbox')); });
    p.on('pageerror', (e) => assert.fail(`page error at ${width} px: ${e.message}`));
    await p.setViewportSize({ width, height: 900 });
    await p.goto(link);
    await ready(p);
    seen[width] = await numbers(p);
    assert.equal(bboxes.size, 1, `compare requests at ${width} px asked for one area: ${[...bboxes]}`);
    await p.close();
  }
  assert.ok(seen[1440].stats && seen[1440].cells > 0, JSON.stringify(seen[1440]));
  assert.deepEqual(seen[1024], seen[1440], 'the numbers at 1024 px are those at 1440 px');
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 1123, height: 794 }); // A4 landscape at 96 dpi
  await page.waitForTimeout(1500);
  const printed = await numbers(page);
  await page.emulateMedia({ media: null });
  await page.setViewportSize({ width: 1400, height: 860 });
  assert.deepEqual(printed, seen[1440], 'the numbers in print layout are those at 1440 px');
});

test('a named sea basin or country becomes the analysis area, in the link and in every compare request', async () => {
  const p2 = await ctx.newPage();
  try {
    p2.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    const bboxes = [];
    p2.on('request', (r) => { if (/\/api\/v1\/compare/.test(r.url())) bboxes.push(new URL(r.url()).searchParams.get('bbox')); });
    await p2.goto(`${BASE}/${START}&view=compare`);
    await p2.waitForFunction(() => document.body.dataset.status === 'ready' && Number(document.body.dataset.loads ?? 0) > 0, null, { timeout: 30_000 });
    await p2.waitForFunction(() => document.querySelector('#area-region option[value="Libya"]') !== null, null, { timeout: 20_000 }); // countries from the atlas
    bboxes.length = 0;
    await p2.selectOption('#area-region', 'Aegean Sea');
    await p2.waitForFunction(() => /area=22\.5(%2C|,)35(%2C|,)28\.5(%2C|,)41(&|$)/.test(location.search), null, { timeout: 10_000 });
    await p2.waitForFunction(() => document.body.dataset.status === 'ready', null, { timeout: 30_000 });
    assert.match(await p2.locator('#compare-area-text').textContent(), /^Aegean Sea: /);
    assert.ok(bboxes.length > 0 && bboxes.every((b) => b === '22.5,35,28.5,41'), `compare asked for the basin only: ${bboxes}`);
    // the link names it again when opened afresh
    const p3 = await ctx.newPage();
    await p3.goto(p2.url());
    await p3.waitForFunction(() => /^Aegean Sea: /.test(document.getElementById('compare-area-text')?.textContent ?? ''), null, { timeout: 30_000 });
    await p3.close();
    await p2.selectOption('#area-region', 'Libya');
    await p2.waitForFunction(() => /^Libya: /.test(document.getElementById('compare-area-text')?.textContent ?? ''), null, { timeout: 10_000 });
  } finally {
    await p2.close();
  }
});

test('every statistic of compare links to its glossary entry', async () => {
  const q = page.locator('#compare-panel button.term-link[data-term="rate-ratio"]');
  await q.click();
  const dialog = page.locator('dialog#glossary');
  await dialog.waitFor({ state: 'visible', timeout: 5_000 });
  assert.match(await dialog.locator('.glossary-entry.current').textContent(), /Rate ratio/);
  for (const term of ['analysis-area', 'status', 'q-value', 'mo-shift']) {
    assert.ok(await page.locator(`#compare-panel button.term-link[data-term="${term}"]`).count() > 0, `a ? for ${term}`);
  }
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: 5_000 });
});

test('export downloads the cells in view as valid GeoJSON and CSV', async () => {
  const cells = Number(await page.evaluate(() => document.body.dataset.cells));
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-geojson')]);
  assert.match(dl.suggestedFilename(), /^routewatch-compare-res\d.*\.geojson$/);
  const fc = JSON.parse(readFileSync(await dl.path(), 'utf8'));
  assert.equal(fc.type, 'FeatureCollection');
  assert.equal(fc.features.length, cells);
  for (const f of fc.features) {
    assert.equal(f.type, 'Feature');
    assert.match(f.geometry.type, /^(Multi)?Polygon$/);
    const rings = f.geometry.type === 'Polygon' ? [f.geometry.coordinates[0]] : f.geometry.coordinates.map((p) => p[0]);
    for (const r of rings) {
      assert.ok(r.length >= 4);
      assert.deepEqual(r[0], r.at(-1));
      for (const [lon, lat] of r) assert.ok(Math.abs(lon) <= 180 && Math.abs(lat) <= 90);
    }
    assert.match(f.properties.status, /^(new|vanished|up|down|unchanged)$/);
  }
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\r\n');
  assert.match(lines[0], /^h3,lat,lon,a,b,/);
  assert.equal(lines.length, cells + 1);
});

test('every control has an accessible name and is reachable from the keyboard', async () => {
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('button, select, input, [tabindex]')]
    .filter((el) => el.offsetParent !== null && el.closest('dialog') === null)
    .filter((el) => {
      const labelled = el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.getAttribute('title');
      return !labelled && !(el.tagName === 'BUTTON' && el.textContent.trim());
    })
    .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  // Tab from the top of the page (the skip link) reaches the mode switch and the filters.
  await page.locator('a.skip').focus();
  const seen = new Set();
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    seen.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.className || ''));
  }
  for (const id of ['view-heatmap', 'metric', 'filter-mode']) assert.ok(seen.has(id), `Tab reaches #${id}: ${[...seen].join(' ')}`);
});

test('the page requests nothing from any host but ours', () => {
  const foreign = requests.filter((u) => /^(https?|wss?):/.test(u) && new URL(u).origin !== ORIGIN);
  assert.deepEqual(foreign, []);
  assert.ok(requests.length > 10, `requests recorded: ${requests.length}`);
  const other = requests.filter((u) => !/^(https?|wss?|data|blob):/.test(u));
  assert.deepEqual(other, []);
});

test('100,000 hexagons render without freezing the page', async () => {
  const p = await ctx.newPage();
  await p.bringToFront(); // a page in the background gets no animation frames: deck.gl would not draw
  await p.goto(`${BASE}/${START}`);
  await p.waitForFunction(() => document.body.dataset.status === 'ready', null, { timeout: 30_000 });
  // While it runs, a key goes down every 250 ms: Event Timing gives each press's time from
  // the input to the next painted frame (what a user feels when the page is busy).
  await p.evaluate(() => {
    window.__inputs = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === 'keydown') window.__inputs.push(e.duration); })
      .observe({ type: 'event', durationThreshold: 16 });
  });
  let running = true;
  const result = p.evaluate((n) => window.routewatch.bench(n), BENCH_CELLS).finally(() => { running = false; });
  let presses = 0;
  while (running) { await p.keyboard.press('Shift'); presses++; await p.waitForTimeout(250); }
  const r = await result;
  await p.waitForTimeout(300);
  const inputs = (await p.evaluate(() => window.__inputs)).sort((a, b) => a - b);
  // Presses answered within 16 ms make no entry: count them as 16.
  const all = [...Array(Math.max(0, presses - inputs.length)).fill(16), ...inputs];
  r.keyPresses = presses;
  r.inputToPaintMedianMs = all[Math.floor(all.length / 2)];
  r.inputToPaintMaxMs = all.at(-1);
  console.log(`# bench ${JSON.stringify(r)}`);
  if (BENCH_OUT) writeFileSync(BENCH_OUT, JSON.stringify(r));
  assert.equal(r.cells, BENCH_CELLS);
  assert.ok(r.firstRenderMs < 30_000, `first render ${r.firstRenderMs} ms`);
  // 100k cells cover over a fifth of the map. The last redraw (no read-back) may still be
  // building its buffers on a loaded machine: read until it is on the canvas, for up to 15 s.
  const want = (px) => px.painted > px.total * 0.2 * (BENCH_CELLS / 100_000);
  let px = await mapPixels(null, p);
  for (let i = 0; i < 30 && !want(px); i++) { await p.waitForTimeout(500); px = await mapPixels(null, p); }
  console.log(`# bench painted ${px.painted} of ${px.total}`);
  assert.ok(want(px), `painted ${px.painted} of ${px.total}`);
  await p.close();
});

test('signing out and in with an H0 key shows the H0 answer, not the H3 one the browser holds', async () => {
  assert.ok(KEY_H0, 'set ROUTEWATCH_KEY_H0 to an analyst key of clearance H0 (scripts/e2e.sh creates one beside ROUTEWATCH_KEY)');
  // A period wholly in the past: its answers carry an ETag and may be kept for minutes.
  const view = `${BASE}/${START}&period=2024-01-01..2025-07-01`;
  await page.bringToFront();
  await page.goto(view);
  await waitLoaded();
  const h3 = heatmaps.at(-1);
  assert.match(await page.locator('#account').textContent(), /H3/);
  assert.ok(h3.headers.etag && /max-age/.test(h3.headers['cache-control']), `the H3 answer is cacheable: ${JSON.stringify(h3.headers)}`);
  assert.match(h3.headers['cache-control'], /private/);
  assert.match(h3.headers.vary, /Cookie/i);

  await page.click('#signout'); // signs out and reloads: the app asks for a key
  const dialog = page.locator('dialog#signin');
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  const n = heatmaps.length;
  await page.fill('#signin-key', KEY_H0);
  await page.click('#signin-submit');
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  await waitLoaded();
  assert.match(await page.locator('#account').textContent(), /H0/);
  assert.ok(heatmaps.length > n, 'the app asked for the heatmap again');
  const h0 = heatmaps.at(-1);
  assert.equal(h0.url, h3.url, 'the same request the H3 key made (the one the browser cache holds)');

  const direct = await (await fetch(h0.url, { headers: { Authorization: `Bearer ${KEY_H0}` } })).json();
  assert.notDeepEqual(direct.totals, h3.body.totals, 'the data holds sightings only H3 may see in this view');
  assert.deepEqual(h0.body.totals, direct.totals, 'the page got the H0 answer');
  assert.notEqual(h0.headers.etag, h3.headers.etag);
  assert.equal(Number(await page.evaluate(() => document.body.dataset.cells)), direct.cells.length, 'the map shows the H0 cells');
  assert.match(await page.locator('#status').textContent(), new RegExp(`${direct.totals.sightings.toLocaleString('en-GB')} sightings`));

  // Back to the H3 key for anything that runs after this.
  await page.click('#signout');
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  await page.fill('#signin-key', KEY);
  await page.click('#signin-submit');
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
});

test('a planner sees the released corridors only, with what was withheld, and calls nothing a planner may not', async () => {
  assert.ok(KEY_PLANNER, 'set ROUTEWATCH_KEY_PLANNER to a planner key (scripts/e2e.sh creates one)');
  const { context, close: closePlanner } = await launch(); // a browser of its own: its session is the planner's
  try {
    const p = await context.newPage();
    const refused = [];
    const errors = [];
    p.on('response', (r) => { if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`); });
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`${BASE}/${START}#key=${encodeURIComponent(KEY_PLANNER)}`);
    await p.waitForFunction(() => document.body.dataset.role === 'planner' && document.body.dataset.corridors !== undefined
      && document.body.dataset.status === 'ready', null, { timeout: 30_000 });
    assert.match(await p.locator('#status').textContent(), /Released for .*: counts of at least 11 per H3 res-4 cell and leg; [\d,]+ cells withheld/);
    assert.match(await p.locator('#account').textContent(), /planner/);
    for (const hidden of ['#view-compare', '#filter-form', '#export-geojson', '#timeline', '#emerging-list']) {
      assert.equal(await p.locator(hidden).isVisible(), false, `${hidden} is hidden from a planner`);
    }
    await p.waitForTimeout(500);
    assert.deepEqual(refused, [], 'no request was refused');
    assert.deepEqual(errors, [], 'no page error');
    await p.screenshot({ path: `${SHOTS}/planner.png` });
  } finally {
    await closePlanner();
  }
});

test('no Content-Security-Policy violation in any page or worker of the whole run', () => {
  assert.deepEqual(cspViolations, []);
});
