// layers.ts: the map's deck.gl layers as small factories (data + accessors). A further layer
// (hot spots, emerging routes) is one more factory here and one line in main.ts.

import type { Layer, PickingInfo } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { PathLayer, PolygonLayer } from '@deck.gl/layers';
import type { CompareCell, HeatCell, Hotspot } from './api';
import { change, type RGBA, type Scale } from './colors';
import { type Corridor, statusColor, volume, widthPx } from './corridors';
import { patternStyle } from './hotspots';
import type { Metric } from './state';

export interface Handlers<T> {
  onHover?: (d: T | null, x: number, y: number) => void;
  onClick?: (d: T) => void;
}

function picking<T>(h: Handlers<T>) {
  return {
    pickable: Boolean(h.onHover || h.onClick),
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90] as RGBA,
    onHover: (info: PickingInfo<T>) => h.onHover?.(info.object ?? null, info.x, info.y),
    onClick: (info: PickingInfo<T>) => { if (info.object) h.onClick?.(info.object); },
  };
}

/** heatmapLayer draws cells coloured by sightings or persons. */
export function heatmapLayer(cells: HeatCell[], metric: Metric, scale: Scale, h: Handlers<HeatCell> = {}, id = 'heatmap'): Layer {
  return new H3HexagonLayer<HeatCell>({
    id,
    data: cells,
    getHexagon: (d) => d.h3,
    getFillColor: (d) => scale.color(d[metric]),
    material: false,
    extruded: false,
    stroked: false,
    updateTriggers: { getFillColor: [metric, scale] },
    ...picking(h),
  });
}

/** compareLayer draws cells coloured by their change from period A to B. */
export function compareLayer(cells: CompareCell[], scale: Scale, h: Handlers<CompareCell> = {}): Layer {
  return new H3HexagonLayer<CompareCell>({
    id: 'compare',
    data: cells,
    getHexagon: (d) => d.h3,
    getFillColor: (d) => scale.color(change(d)),
    extruded: false,
    stroked: false,
    updateTriggers: { getFillColor: [scale] },
    ...picking(h),
  });
}

/** significant tells whether a cell's change passes the false-discovery threshold. */
export function significant(c: CompareCell, alpha: number): boolean {
  return c.q_up < alpha || c.q_down < alpha;
}

function outline(id: string, h3s: string[], color: RGBA, widthPx: number): Layer {
  return new H3HexagonLayer<string>({
    id,
    data: h3s,
    getHexagon: (d) => d,
    filled: false,
    stroked: true,
    extruded: false,
    highPrecision: true,
    getLineColor: color,
    lineWidthUnits: 'pixels',
    getLineWidth: widthPx,
    lineWidthMinPixels: 1,
  });
}

/** outlineLayers outline cells (significant changes, the selected cell) in a colour over a
 * dark halo, so that the outline shows on light and dark fills alike. */
export function outlineLayers(id: string, h3s: string[], color: RGBA, widthPx: number): Layer[] {
  return [outline(`${id}-halo`, h3s, [0, 0, 0, 200], widthPx + 2), outline(id, h3s, color, widthPx)];
}

/** corridorLayers draw route corridors: flow corridors as centerlines (width by volume),
 * route-label corridors as the outlines of their cells; colour by status. They are not
 * pickable: a centerline runs through its cells' centres, the busiest cells, which must stay
 * hoverable and clickable; the corridors' details are in the sidebar list. */
export function corridorLayers(cs: Corridor[]): Layer[] {
  const max = Math.max(1, ...cs.map((c) => volume(c.props)));
  const areas = cs.flatMap((c) => (c.line ? [] : (c.area?.coordinates ?? []).map((polygon) => ({ c, polygon }))));
  return [
    new PolygonLayer<{ c: Corridor; polygon: [number, number][][] }>({
      id: 'corridor-areas',
      data: areas,
      getPolygon: (d) => d.polygon,
      filled: false,
      stroked: true,
      getLineColor: (d) => statusColor(d.c.props.status),
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
    }),
    new PathLayer<Corridor>({
      id: 'corridor-lines',
      data: cs.filter((c) => c.line),
      getPath: (c) => c.line!.coordinates,
      getColor: (c) => statusColor(c.props.status),
      getWidth: (c) => widthPx(volume(c.props), max),
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
    }),
  ];
}

/** hotspotLayer outlines the cells of an emerging hot spot analysis by pattern. */
export function hotspotLayer(spots: Hotspot[]): Layer {
  return new H3HexagonLayer<Hotspot>({
    id: 'hotspots',
    data: spots,
    getHexagon: (d) => d.cell,
    filled: false,
    stroked: true,
    extruded: false,
    highPrecision: true,
    getLineColor: (d) => patternStyle(d.pattern).color,
    lineWidthUnits: 'pixels',
    getLineWidth: (d) => patternStyle(d.pattern).width,
  });
}
