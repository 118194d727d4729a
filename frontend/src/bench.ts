// bench.ts: a synthetic layer of n hexagons, to measure the time to first render of a big
// heatmap (docs/BENCHMARKS.md, "Web app"). Called by the end-to-end run through
// window.routewatch.bench(n); it replaces the data layers until the page is reloaded.

import { gridDisk, latLngToCell } from 'h3-js';
import type { HeatCell } from './api';
import { sequential } from './colors';
import { heatmapLayer } from './layers';
import type { MapView } from './map';

export interface BenchResult {
  cells: number;
  res: number;
  /** Building the synthetic cells (h3-js), not part of rendering. */
  generateMs: number;
  /** From handing the layer to deck.gl to the end of the first frame it was submitted in. */
  firstFrameMs: number;
  /** From handing the layer to deck.gl until its pixels are on the canvas (read back). */
  firstRenderMs: number;
  /** Frames deck.gl drew until then. */
  frames: number;
  /** The longest main-thread task seen meanwhile (what a user would feel as a freeze). */
  longestTaskMs: number;
  /** The longest gap between animation frames meanwhile. */
  longestFrameGapMs: number;
  /** A pan with all cells on screen: from the move until the moved picture is read back. */
  panMs: number;
  /** The layer drawn again from scratch with no read-back for 4 s (as in normal use, where
   * nothing reads pixels): the longest main-thread task and frame gap meanwhile. */
  handsOffLongestTaskMs: number;
  handsOffFrameGapMs: number;
}

/** watchMainThread records the longest task and the longest gap between animation frames until stop is called. */
function watchMainThread(): () => { longestTaskMs: number; longestFrameGapMs: number } {
  let longestTask = 0;
  const obs = PerformanceObserver.supportedEntryTypes?.includes('longtask')
    ? new PerformanceObserver((l) => { for (const e of l.getEntries()) longestTask = Math.max(longestTask, e.duration); })
    : null;
  obs?.observe({ type: 'longtask' });
  let gap = 0;
  let last = performance.now();
  let watching = true;
  const tick = (t: number): void => {
    gap = Math.max(gap, t - last);
    last = t;
    if (watching) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return () => {
    watching = false;
    obs?.disconnect();
    return { longestTaskMs: longestTask, longestFrameGapMs: gap };
  };
}

/** pixel reads back one pixel of the map's canvas (this waits for the GPU to finish). */
function pixel(canvas: HTMLCanvasElement, x: number, y: number): string {
  const g = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!g) return '';
  const s = canvas.width / canvas.clientWidth;
  g.drawImage(canvas, Math.round(x * s), Math.round(y * s), 1, 1, 0, 0, 1, 1);
  return g.getImageData(0, 0, 1, 1).data.join(',');
}

export async function bench(view: MapView, n: number, res = 7): Promise<BenchResult> {
  const lon = 15;
  const lat = 38;
  view.jumpTo(lon, lat, 5.6);
  view.setLayers([]);
  await view.rendered();
  const t0 = performance.now();
  const k = Math.ceil((-3 + Math.sqrt(9 + 12 * (n - 1))) / 6); // a disk of radius k holds 3k(k+1)+1 cells
  const ids = gridDisk(latLngToCell(lat, lon, res), k).slice(0, n);
  const cells: HeatCell[] = ids.map((h3, i) => {
    const v = 1 + Math.floor(1000 * Math.abs(Math.sin(i * 12.9898)) ** 4);
    return { h3, sightings: v, persons: v * 3, top_modes: [] };
  });
  const generateMs = performance.now() - t0;

  const stopWatch = watchMainThread();

  const centre = view.map.project([lon, lat]);
  const basemap = pixel(view.canvas(), centre.x, centre.y);
  const painted = (dx = 0): boolean => pixel(view.canvas(), centre.x + dx, centre.y) !== basemap;
  const scale = sequential(1000);
  const layer = (): ReturnType<typeof heatmapLayer> => heatmapLayer(cells, 'sightings', scale, {}, 'bench');
  const t1 = performance.now();
  view.setLayers([layer()]);
  let frame = await view.rendered();
  const firstFrameMs = frame - t1;
  let frames = 1;
  while (!painted() && performance.now() - t1 < 60_000) {
    view.setLayers([layer()]);
    frame = await view.rendered();
    frames++;
  }
  const firstRenderMs = performance.now() - t1;
  await new Promise((r) => setTimeout(r, 100)); // let the observers report
  const watched = stopWatch();

  const t3 = performance.now();
  view.map.panBy([60, 0], { animate: false });
  view.setLayers([layer()]);
  await view.rendered();
  painted(60);
  const panMs = performance.now() - t3;

  view.setLayers([]);
  await view.rendered();
  const stopHandsOff = watchMainThread();
  view.setLayers([heatmapLayer(cells, 'sightings', scale, {}, 'bench-again')]);
  await new Promise((r) => setTimeout(r, 4000));
  const handsOff = stopHandsOff();
  // Leave the map with that layer on the canvas, read back, for whoever looks next.
  for (const t = performance.now(); !painted() && performance.now() - t < 30_000;) await view.rendered();
  return {
    cells: cells.length, res, generateMs, firstFrameMs, firstRenderMs, frames,
    longestTaskMs: watched.longestTaskMs, longestFrameGapMs: watched.longestFrameGapMs, panMs,
    handsOffLongestTaskMs: handsOff.longestTaskMs, handsOffFrameGapMs: handsOff.longestFrameGapMs,
  };
}
