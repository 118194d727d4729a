// gazetteer.mjs: writes geo/places/countries.geojson, the countries routewatch names places
// by, from Natural Earth's 1:10m admin-0 countries (public domain) as the world-atlas package
// ships them (ISC licence, geo/places/ATTRIBUTION.md). Coordinates are rounded to 0.001°
// (about 100 m, finer than the 1:50m source). Run from the repository root after
// `npm ci` in frontend/: node scripts/gazetteer.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../frontend/package.json', import.meta.url));
const { feature } = require('topojson-client');
const atlas = JSON.parse(readFileSync(require.resolve('world-atlas/countries-10m.json'), 'utf8'));
const round = (x) => (Array.isArray(x) ? x.map(round) : Math.round(x * 1000) / 1000);
const fc = feature(atlas, atlas.objects.countries);
const out = {
  type: 'FeatureCollection',
  features: fc.features.filter((f) => f.geometry).map((f) => ({
    type: 'Feature', properties: { name: f.properties.name }, geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
  })),
};
writeFileSync(new URL('../geo/places/countries.geojson', import.meta.url), JSON.stringify(out));
console.log(`gazetteer: ${out.features.length} countries`);
