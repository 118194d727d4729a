// run.mjs — times scripts/webgl-floor/index.html in Debian's Chromium with the e2e tests'
// flags (software WebGL): `node scripts/webgl-floor/run.mjs [cells]` (default 100,000),
// run from the repository root after scripts/build-web.sh (it needs frontend/node_modules).
import { launch } from '../../frontend/e2e/browser.mjs';

const n = Number(process.argv[2] ?? 100_000);
const { context, close } = await launch();
try {
  const page = await context.newPage();
  await page.goto(new URL('./index.html', import.meta.url).href);
  for (const how of ['instanced-hexagons', 'instanced-points', 'triangles']) {
    const ms = [];
    for (let i = 0; i < 3; i++) ms.push(Math.round(await page.evaluate(([n, how]) => window.run(n, how), [n, how])));
    console.log(`${how.padEnd(20)} ${n} cells: ${ms.join(', ')} ms`);
  }
} finally {
  await close();
}
