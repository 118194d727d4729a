// map.ts: MapLibre with the local basemap, and deck.gl drawing the data layers over it.

import type { LayersList } from '@deck.gl/core';
import { MapboxOverlay } from '@deck.gl/mapbox';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { basemap, style } from './basemap';
import { type BBox, normalizeBounds } from './geo';

export interface MapView {
  map: maplibregl.Map;
  setLayers(layers: LayersList): void;
  bbox(): BBox;
  zoom(): number;
  /** Called (debounced by MapLibre's moveend) when the view settles after a move. */
  onMove(cb: (lon: number, lat: number, zoom: number) => void): void;
  jumpTo(lon: number, lat: number, zoom: number): void;
  /** The canvas the map and deck.gl's layers draw into. */
  canvas(): HTMLCanvasElement;
  /** Called when the pointer is over no object of any layer, or leaves the map. */
  onHoverNothing(cb: () => void): void;
  /** Resolves after deck.gl has drawn a frame following the last setLayers. */
  rendered(): Promise<number>;
}

/** maplibreCentre reads a MapLibre centre (an LngLat or an array) as [lon, lat]. */
export function maplibreCentre(c: maplibregl.LngLatLike): [number, number] {
  const ll = maplibregl.LngLat.convert(c);
  return [ll.lng, ll.lat];
}

export async function createMap(container: HTMLElement, view: { lon: number; lat: number; zoom: number }): Promise<MapView> {
  const map = new maplibregl.Map({
    container,
    style,
    center: [view.lon, view.lat],
    zoom: view.zoom,
    minZoom: 1,
    maxZoom: 12,
    renderWorldCopies: false,
    dragRotate: false,
    pitchWithRotate: false,
    attributionControl: { compact: true, customAttribution: 'Basemap: Natural Earth' },
    // Keep the frame so the map prints (and can be read back by tests).
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.enable();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  container.querySelector('canvas')?.setAttribute('aria-label', 'Map of sightings; arrow keys pan, + and − zoom, Enter opens the cell at the centre');

  const waiters: ((t: number) => void)[] = [];
  let pending = false;
  const hoverOut: (() => void)[] = [];
  container.addEventListener('mouseleave', () => hoverOut.forEach((f) => f()));
  const overlay = new MapboxOverlay({
    onHover: (info) => { if (!info.picked) hoverOut.forEach((f) => f()); }, // binary layers pick an index, no object
    // Drawn in MapLibre's own WebGL context: one canvas to composite, print and read back.
    interleaved: true,
    layers: [],
    onAfterRender: () => {
      if (!pending) return;
      pending = false;
      const t = performance.now();
      for (const w of waiters.splice(0)) w(t);
    },
  });
  map.addControl(overlay);
  await new Promise<void>((resolve) => map.once('load', () => resolve()));
  await basemap(map);

  return {
    map,
    setLayers(layers) {
      pending = true;
      overlay.setProps({ layers });
    },
    bbox() {
      const b = map.getBounds();
      return normalizeBounds(b.getWest(), b.getSouth(), b.getEast(), b.getNorth());
    },
    zoom: () => map.getZoom(),
    onMove(cb) {
      map.on('moveend', () => {
        const c = map.getCenter();
        cb(c.lng, c.lat, map.getZoom());
      });
    },
    jumpTo(lon, lat, zoom) {
      const c = map.getCenter();
      if (Math.abs(c.lng - lon) > 1e-4 || Math.abs(c.lat - lat) > 1e-4 || Math.abs(map.getZoom() - zoom) > 1e-2) {
        map.jumpTo({ center: [lon, lat], zoom });
      }
    },
    canvas: () => map.getCanvas(),
    onHoverNothing: (cb) => { hoverOut.push(cb); },
    rendered: () => new Promise((resolve) => waiters.push(resolve)),
  };
}
