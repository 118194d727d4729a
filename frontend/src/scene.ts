// scene.ts: the map's layers, legend and hot spot list drawn from the view state and what
// has loaded for it.

import { sequential } from './colors';
import { heatmapRes } from './geo';
import { nearestRes, renderHotspots } from './hotspots';
import { areaLayer, compareLayer, corridorLayers, heatmapLayer, hotspotLayer, outlineLayers, significant } from './layers';
import { compareLegend, compareTooltipLines, heatLegend, heatTooltipLines, type Tooltip } from './legend';
import type { Row } from './export';
import { labelLayer, type MapLabel } from './labels';
import type { MapView } from './map';
import type { Loaded, ViewData, ViewState } from './state';

export interface SceneParts {
  legend: HTMLElement;
  /** The sidebar's hot spot list (it follows the map's resolution). */
  hotspots: HTMLElement;
  tooltip: Tooltip;
  /** select opens a clicked cell. */
  select: (h3: string) => void;
  /** The basemap's names (drawn over everything, small). */
  labels?: MapLabel[];
}

/** drawScene sets the map's layers and redraws the legend and hot spot list. A heatmap's colour
 * scale follows the metric shown (it is replaced on d.loaded when the metric's top changes). */
export function drawScene(view: Pick<MapView, 'setLayers' | 'zoom' | 'bbox'>, s: ViewState, d: ViewData, parts: SceneParts): void {
  const { loaded, hotspots, corridors } = d;
  const { legend, tooltip } = parts;
  const layers = [];
  const onHover = (lines: (string | [string, string])[] | null, x: number, y: number): void => {
    if (lines) tooltip.show(x, y, lines);
    else tooltip.hide();
  };
  if (loaded?.kind === 'heatmap' && s.view === 'heatmap') {
    let max = Math.max(1, ...loaded.data.cells.map((c) => c[s.metric]));
    if (d.playMax !== null) max = d.playMax = Math.max(d.playMax, max); // Play: one scale, growing only
    if (loaded.scale.ticks[loaded.scale.ticks.length - 1]?.value !== Math.max(2, max)) loaded.scale = sequential(max);
    layers.push(heatmapLayer(loaded.data.cells, s.metric, loaded.scale, {
      onHover: (c, x, y) => onHover(c && heatTooltipLines(c), x, y), onClick: (c) => parts.select(c.h3),
    }));
    heatLegend(legend, loaded.scale, s.metric);
  } else if (loaded?.kind === 'compare' && s.view === 'compare') {
    const { data } = loaded;
    layers.push(compareLayer(data.cells, loaded.scale, {
      onHover: (c, x, y) => onHover(c && compareTooltipLines(c), x, y), onClick: (c) => parts.select(c.h3),
    }));
    layers.push(...outlineLayers('significant', data.cells.filter((c) => significant(c, data.alpha)).map((c) => c.h3), [255, 255, 255, 255], 1.5));
    if (s.area) layers.push(areaLayer(s.area.bbox));
    compareLegend(legend, loaded.scale, data.alpha);
  } else {
    legend.replaceChildren();
  }
  if (hotspots) {
    const res = nearestRes(hotspots.items, loaded?.data.res ?? heatmapRes(view.zoom(), view.bbox()));
    renderHotspots(parts.hotspots, hotspots, res);
    if (s.hotspots && s.view === 'heatmap') layers.push(hotspotLayer(hotspots.items.filter((h) => h.res === res)));
  }
  if (s.corridors && s.view === 'heatmap' && corridors.length) {
    layers.push(...corridorLayers(corridors));
  }
  if (s.cell) layers.push(...outlineLayers('selected', [s.cell], [255, 255, 255, 255], 3.5));
  if (parts.labels?.length) layers.push(labelLayer(parts.labels, view.zoom()));
  view.setLayers(layers);
}

/** cellsExport names and lists the loaded cells for a download; null before any have loaded. */
export function cellsExport(s: ViewState, loaded: Loaded | null): { rows: Row[]; name: string } | null {
  if (!loaded) return null;
  const period = loaded.kind === 'heatmap'
    ? (s.period ? `${s.period.from}_${s.period.to}` : 'all-time')
    : `A${loaded.data.a.from.slice(0, 10)}_${loaded.data.a.to.slice(0, 10)}-B${loaded.data.b.from.slice(0, 10)}_${loaded.data.b.to.slice(0, 10)}`;
  return { rows: loaded.data.cells as unknown as Row[], name: `routewatch-${loaded.kind}-res${loaded.data.res}-${period}` };
}
