import { launch } from './browser.mjs';
const { context, close } = await launch();
const p = context.pages()[0];
p.on('console', (m) => { if (!/GL Driver|luma/.test(m.text())) console.log('console', m.type(), m.text().slice(0, 300)); });
await p.goto('http://127.0.0.1:18080/?c=-2,45&z=4');
await p.waitForFunction(() => window.routewatch?.idle?.(), null, { timeout: 15000 });
await p.waitForTimeout(1000);
const r = await p.evaluate(() => {
  const m = window.routewatch.map;
  if (!m) return 'no map handle';
  const pt = m.project([-1.5, 52.5]);
  const f = m.queryRenderedFeatures(pt, { layers: ['land'] });
  const f2 = m.querySourceFeatures('land', {}).length;
  return { pt, n: f.length, ids: f.map((x) => x.properties?.name), src: f2 };
});
console.log(JSON.stringify(r));
await close();
