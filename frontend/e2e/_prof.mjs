import { launch } from './browser.mjs';
const { context, close } = await launch();
const p = context.pages()[0];
await p.goto('http://127.0.0.1:18080/?c=14,37&z=3.9');
await p.waitForFunction(() => document.body.dataset.status === 'ready', null, { timeout: 30000 });
const cdp = await context.newCDPSession(p);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
await cdp.send('Profiler.start');
const r = await p.evaluate((n) => window.routewatch.bench(n), Number(process.argv[2] ?? 100000));
const { profile } = await cdp.send('Profiler.stop');
console.log(JSON.stringify(r));
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas; let i = 0;
for (const s of profile.samples) { const n = byId.get(s); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i++] ?? 0) / 1000); }
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(0).padStart(7)} ms  ${k}`).join('\n'));
await close();
