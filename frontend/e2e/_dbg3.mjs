import { launch } from './browser.mjs';
const { context, close } = await launch();
const p = context.pages()[0];
await p.goto('http://127.0.0.1:18080/?c=-2,45&z=4');
await p.waitForFunction(() => window.routewatch?.idle?.(), null, { timeout: 15000 });
await p.waitForTimeout(1500);
const r = await p.evaluate(() => {
  const c = document.querySelector('#deckgl-overlay');
  const m = document.querySelector('.maplibregl-canvas');
  const read = (cv, x, y) => { const g = document.createElement('canvas').getContext('2d'); g.canvas.width = cv.width; g.canvas.height = cv.height; g.drawImage(cv, 0, 0); return [...g.getImageData(x, y, 1, 1).data]; };
  return { deck: [[50, 50], [400, 100], [600, 300], [900, 500]].map(([x, y]) => read(c, x, y)), map: [[50, 50], [400, 100], [600, 300]].map(([x, y]) => read(m, x, y)), dw: c.width, dh: c.height };
});
console.log(JSON.stringify(r));
await p.screenshot({ path: '/tmp/shot2.png' });
await close();
