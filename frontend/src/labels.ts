// labels.ts: the basemap's names, drawn offline — the countries of the bundled Natural Earth
// atlas and the sea basins and border regions of regions.ts — as a deck.gl TextLayer (the
// browser's own fonts: no glyphs are fetched). A name shows once its area is wide enough on
// screen for it, so labels do not pile up when zoomed out.

import type { Layer } from '@deck.gl/core';
import { TextLayer } from '@deck.gl/layers';
import { type BBox, widthDeg } from './geo';
import type { Region } from './regions';

export interface MapLabel { name: string; lon: number; lat: number; widthDeg: number; kind: 'country' | 'sea' }

/** regionLabels are labels at the centres of the regions' boxes (countries: of their largest
 * part, so France is named in France and not in the sea between its overseas parts). */
export function regionLabels(regions: Region[], largest: Map<string, BBox> = new Map()): MapLabel[] {
  return regions.map((r) => {
    const b = largest.get(r.name) ?? r.bbox;
    return { name: r.name, lon: (b.west + b.east) / 2, lat: (b.south + b.north) / 2, widthDeg: widthDeg(b),
      kind: r.group === 'Countries' ? 'country' : 'sea' };
  });
}

/** largestParts are the bounding boxes of each named country's largest polygon (by box area). */
export function largestParts(countries: GeoJSON.FeatureCollection): Map<string, BBox> {
  const out = new Map<string, BBox>();
  for (const f of countries.features) {
    const name = (f.properties as { name?: string } | null)?.name;
    if (!name || !f.geometry || (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon')) continue;
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    let best: BBox | null = null;
    let bestArea = -1;
    for (const p of polys) {
      let west = 180, south = 90, east = -180, north = -90;
      for (const [x, y] of p[0] as [number, number][]) {
        west = Math.min(west, x); east = Math.max(east, x); south = Math.min(south, y); north = Math.max(north, y);
      }
      const area = (east - west) * (north - south);
      if (area > bestArea) { bestArea = area; best = { west, south, east, north }; }
    }
    if (best) out.set(name, best);
  }
  return out;
}

/** CHAR_PX is a label character's width on screen, about. */
const CHAR_PX = 7;

/** visibleLabels are the labels whose area spans their text at zoom (512-pixel world at 0). */
export function visibleLabels(labels: MapLabel[], zoom: number): MapLabel[] {
  const pxPerDeg = (512 * 2 ** zoom) / 360;
  return labels.filter((l) => l.widthDeg * pxPerDeg >= CHAR_PX * l.name.length);
}

/** labelLayer draws the visible labels: countries light, seas blue-grey and slanted by case. */
export function labelLayer(labels: MapLabel[], zoom: number): Layer {
  return new TextLayer<MapLabel>({
    id: 'labels',
    data: visibleLabels(labels, zoom),
    getPosition: (d) => [d.lon, d.lat],
    getText: (d) => (d.kind === 'sea' ? d.name : d.name.toUpperCase()),
    getColor: (d) => (d.kind === 'sea' ? [140, 175, 205, 230] : [205, 214, 222, 210]),
    getSize: (d) => (d.kind === 'sea' ? 12 : 11),
    fontFamily: 'DejaVu Sans, Arial, sans-serif',
    characterSet: 'auto',
    outlineWidth: 2,
    outlineColor: [12, 22, 33, 255],
    fontSettings: { sdf: true },
    pickable: false,
    updateTriggers: { getText: zoom },
  });
}
