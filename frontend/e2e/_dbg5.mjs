import { launch } from './browser.mjs';
const { context, close } = await launch();
const p = context.pages()[0];
p.on('pageerror', (e) => console.log('pageerror', e.stack.slice(0, 1500)));
await p.goto('http://127.0.0.1:18080/?c=-2,45&z=4');
await p.waitForTimeout(5000);
await close();
