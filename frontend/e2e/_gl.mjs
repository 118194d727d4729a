import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
const base = ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const sets = {
  a: ['--disable-gpu', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  b: ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  c: ['--disable-gpu', '--use-angle=swiftshader-webgl', '--enable-unsafe-swiftshader'],
  d: ['--disable-gpu', '--enable-unsafe-swiftshader'],
  e: ['--disable-gpu'],
};
for (const [k, flags] of Object.entries(sets)) {
  const ctx = await chromium.launchPersistentContext(mkdtempSync('/tmp/gl-'), { executablePath: '/usr/bin/chromium', headless: true, args: [...base, ...flags] });
  const p = ctx.pages()[0];
  await p.goto('http://127.0.0.1:18080/healthz');
  const info = await p.evaluate(() => {
    const c = document.createElement('canvas');
    const gl = c.getContext('webgl2');
    if (!gl) return 'no webgl2';
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  });
  console.log(k, info);
  await ctx.close();
}
