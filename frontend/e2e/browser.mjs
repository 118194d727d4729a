// browser.mjs: Debian's Chromium driven by playwright-core (no browser download), with
// WebGL through SwiftShader so deck.gl and MapLibre render headless. The page is composited
// in software (--disable-gpu); CHROMIUM_GPU_COMPOSITING=1 leaves the GPU process to composite
// too (with SwiftShader), the experiment docs/BENCHMARKS.md "Web app" reports.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const GPU_COMPOSITING = process.env.CHROMIUM_GPU_COMPOSITING === '1';

/** launch starts Chromium with a fresh, empty profile and returns its browser context. */
export async function launch(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'rw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 860 },
    locale: 'en-GB',
    timezoneId: 'UTC',
    acceptDownloads: true,
    args: [
      '--headless', '--no-sandbox', ...(GPU_COMPOSITING ? [] : ['--disable-gpu']), '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
    ],
    ...options,
  });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}
