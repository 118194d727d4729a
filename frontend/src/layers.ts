// layers.ts: the map's deck.gl layers as small factories (data + accessors). A further layer
// (hot spots, emerging routes) is one more factory here and one line in main.ts.

import type { Layer, PickingInfo } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { PathLayer, PolygonLayer, SolidPolygonLayer } from '@deck.gl/layers';
import type { CompareCell, HeatCell, Hotspot } from './api';
import { change, type RGBA, type Scale } from './colors';
import { type Corridor, statusColor, volume, widthPx } from './corridors';
import { type HexMesh, hexMesh, vertexColors } from './hexmesh';
import type { BBox } from './geo';
import { patternStyle } from './hotspots';
import type { Metric } from './state';

export interface Handlers<T> {
  onHover?: (d: T | null, x: number, y: number) => void;
  onClick?: (d: T) => void;
}

/** picking makes a layer hoverable and clickable; byIndex finds the object of a layer drawn
 * from binary data, whose picks carry only an index. */
function picking<T>(h: Handlers<T>, byIndex: (i: number) => T | undefined = () => undefined) {
  const object = (info: PickingInfo<T>): T | null => info.object ?? (info.index >= 0 ? byIndex(info.index) ?? null : null);
  return {
    pickable: Boolean(h.onHover || h.onClick),
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90] as RGBA,
    onHover: (info: PickingInfo<T>) => h.onHover?.(object(info), info.x, info.y),
    onClick: (info: PickingInfo<T>) => { const o = object(info); if (o) h.onClick?.(o); },
  };
}

/** heatmapLayer draws cells coloured by sightings or persons. */
export function heatmapLayer(cells: HeatCell[], metric: Metric, scale: Scale, h: Handlers<HeatCell> = {}, id = 'heatmap'): Layer {
  return cellLayer(id, cells, (d) => d.h3, (d) => scale.color(d[metric]), [metric, scale], h);
}

/** compareLayer draws cells coloured by their change from period A to B. */
export function compareLayer(cells: CompareCell[], scale: Scale, h: Handlers<CompareCell> = {}): Layer {
  return cellLayer('compare', cells, (d) => d.h3, (d) => scale.color(change(d)), [scale], h);
}

type CellData = { length: number; startIndices: Uint32Array; attributes: Record<string, unknown> };
const meshes = new WeakMap<object, HexMesh>();
const coloured = new WeakMap<object, { key: unknown[]; data: CellData }>();

/** cellLayer draws cells filled by colour as one triangle mesh (hexmesh.ts says why not
 * H3HexagonLayer). The mesh is built once per cell list and its colours once per colouring
 * (key), so redrawing the same cells uploads nothing. */
function cellLayer<T extends object>(id: string, cells: T[], h3: (d: T) => string, color: (d: T) => RGBA, key: unknown[], h: Handlers<T>): Layer {
  let mesh = meshes.get(cells);
  if (!mesh) {
    mesh = hexMesh(cells.map(h3));
    meshes.set(cells, mesh);
  }
  let c = coloured.get(cells);
  if (!c || c.key.length !== key.length || c.key.some((k, i) => k !== key[i])) {
    const m = mesh;
    c = {
      key,
      data: {
        length: m.length,
        startIndices: m.starts,
        attributes: {
          getPolygon: { value: m.positions, size: 2 },
          indices: m.indices,
          getFillColor: { value: vertexColors(m, (i) => color(cells[i]!)), size: 4, normalized: true },
        },
      },
    };
    coloured.set(cells, c);
  }
  return new SolidPolygonLayer({
    id,
    data: c.data as never,
    _normalize: false,
    positionFormat: 'XY',
    filled: true,
    extruded: false,
    ...picking<T>(h, (i) => cells[i]),
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

/** areaLayer outlines compare mode's analysis area (two boxes when it crosses the antimeridian). */
export function areaLayer(b: BBox): Layer {
  const spans = b.west <= b.east ? [[b.west, b.east]] : [[b.west, 180], [-180, b.east]];
  return new PolygonLayer<[number, number][]>({
    id: 'analysis-area',
    data: spans.map(([w, e]) => [[w, b.south], [e, b.south], [e, b.north], [w, b.north], [w, b.south]]),
    getPolygon: (d) => d,
    filled: false,
    stroked: true,
    getLineColor: [255, 214, 0, 230],
    lineWidthUnits: 'pixels',
    getLineWidth: 2,
  });
}
