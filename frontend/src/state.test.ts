import { describe, expect, it } from 'vitest';
import { chips, dataKey, decodeArea, decodeState, linkProblems, defaultState, encodeState, isDate, type ViewState, withFilter, withoutFilter } from './state';

function full(): ViewState {
  return {
    view: 'compare', lon: -5.6021, lat: 35.9, zoom: 6.25,
    period: { from: '2024-01-01', to: '2024-04-01' }, step: 'week', metric: 'persons',
    filters: {
      mode: ['boat_rubber', 'car'], mo: ['mothership'], nationality: ['SY', 'AF'],
      route: ['Central Mediterranean, via Lampedusa', 'الطريق الأوسط', 'Darién'], source: ['AG-IT-CG'],
      minReliability: 'B',
    },
    a: { from: '2023-01-01', to: '2023-04-01' }, b: { from: '2024-01-01', to: '2024-04-01' },
    area: { bbox: { west: 170.5, south: -20.25, east: -175, north: 5 }, res: 4 },
    cell: '851e805bfffffff', corridor: 42, corridors: false, hotspots: true,
  };
}

describe('the analysis area', () => {
  it('is read from area= and ares=, crossing the antimeridian when west > east', () => {
    expect(decodeArea('10,30,20.5,40', '5')).toEqual({ bbox: { west: 10, south: 30, east: 20.5, north: 40 }, res: 5 });
    expect(decodeArea('170,-10,-170,10', '3')?.bbox.west).toBe(170);
  });

  it('takes the finest resolution within the cell budget when ares is missing or bad', () => {
    const a = decodeArea('10,30,20,40', 'x');
    expect(a?.res).toBeGreaterThanOrEqual(2);
    expect(decodeArea('10,30,20,40', '4.5')?.res).toBe(a?.res);
    expect(decodeArea('10,30,20,40', '99')?.res).toBe(a?.res);
  });

  it('refuses malformed boxes', () => {
    for (const bad of ['', '1,2,3', '1,2,3,4,5', '10,40,20,30', '10,30,10,40', '10,-95,20,0', 'a,b,c,d', '10,30,200,40']) {
      expect(decodeArea(bad, '4'), bad).toBeNull();
    }
  });

  it('is part of the data key in compare mode only', () => {
    const s = full();
    expect(dataKey({ ...s, area: null })).not.toBe(dataKey(s));
    expect(dataKey({ ...s, view: 'heatmap', area: null })).toBe(dataKey({ ...s, view: 'heatmap' }));
  });
});

describe('link problems', () => {
  it('names what a link held that the app could not use', () => {
    expect(linkProblems('?c=14,37&z=3.9&period=2025-01-01..2025-04-01&mode=car&area=10,30,20,40&ares=4')).toEqual([]);
    expect(linkProblems(encodeState(full()))).toEqual([]);
    expect(linkProblems('?z=abc&cell=xyz&period=2025-04-01..2025-01-01&foo=1&view=map&ares=12')).toEqual([
      'foo (not a routewatch link parameter)', 'view=map (want heatmap or compare)', 'z=abc (want a zoom from 0 to 22)',
      'period=2025-04-01..2025-01-01 (want YYYY-MM-DD..YYYY-MM-DD, the end after the start)', 'ares=12 (want a resolution from 2 to 8)',
      'cell=xyz (want an H3 cell id)',
    ]);
  });
});

describe('URL encoding', () => {
  it('round-trips a full state, including route labels with commas and Arabic', () => {
    const s = full();
    expect(decodeState(encodeState(s))).toEqual(s);
  });

  it('round-trips the default state and leaves defaults out of the URL', () => {
    const d = defaultState();
    const qs = encodeState(d);
    expect(qs).not.toMatch(/view=|metric=|step=|period=|rel=|cor=|hs=/);
    expect(decodeState(qs)).toEqual(d);
  });

  it('writes routes as repeated parameters and other lists comma-separated', () => {
    const q = new URLSearchParams(encodeState(full()));
    expect(q.getAll('route')).toEqual(['Central Mediterranean, via Lampedusa', 'الطريق الأوسط', 'Darién']);
    expect(q.get('mode')).toBe('boat_rubber,car');
    expect(q.get('a')).toBe('2023-01-01..2023-04-01');
  });

  it('survives a trip through a real URL (percent-encoding)', () => {
    const url = new URL(`http://x/?${encodeState(full())}`);
    expect(decodeState(url.search)).toEqual(full());
  });

  it('falls back to defaults for malformed values', () => {
    const s = decodeState('?view=nope&c=500,1&z=abc&period=2024-02-30..2024-03-01&step=year&metric=x&rel=Z&cell=notacell&a=2024-05-01..2024-04-01');
    const d = defaultState();
    expect(s).toEqual(d);
  });

  it('normalises nationality case, de-duplicates and drops empty values', () => {
    const s = decodeState('?nationality=sy,SY,,af&mode=car&mode=car,bus&route=&route=A');
    expect(s.filters.nationality).toEqual(['SY', 'AF']);
    expect(s.filters.mode).toEqual(['car', 'bus']);
    expect(s.filters.route).toEqual(['A']);
  });

  it('rounds the map position', () => {
    const s = { ...defaultState(), lon: 12.123456789, lat: -3.987654321, zoom: 4.56789 };
    const q = new URLSearchParams(encodeState(s));
    expect(q.get('c')).toBe('12.1235,-3.9877');
    expect(q.get('z')).toBe('4.57');
  });
});

describe('view state', () => {
  it('adds and removes filters without mutating', () => {
    const d = defaultState();
    const s = withFilter(d, 'mode', 'car');
    expect(d.filters.mode).toEqual([]);
    expect(s.filters.mode).toEqual(['car']);
    expect(withFilter(s, 'mode', 'car')).toBe(s);
    expect(withoutFilter(s, 'mode', 'car').filters.mode).toEqual([]);
    const r = { ...s, filters: { ...s.filters, minReliability: 'C' } };
    expect(withoutFilter(r, 'rel', 'C').filters.minReliability).toBeNull();
  });

  it('lists chips in order, reliability last', () => {
    expect(chips(full().filters).map((c) => `${c.key}:${c.value}`)).toEqual([
      'mode:boat_rubber', 'mode:car', 'mo:mothership', 'nationality:SY', 'nationality:AF',
      'route:Central Mediterranean, via Lampedusa', 'route:الطريق الأوسط', 'route:Darién', 'source:AG-IT-CG', 'rel:B',
    ]);
  });

  it('keys data on what the request depends on, not on the map position', () => {
    const s = full();
    expect(dataKey({ ...s, lon: 0, zoom: 3 })).toBe(dataKey(s));
    expect(dataKey(withFilter(s, 'mode', 'bus'))).not.toBe(dataKey(s));
    expect(dataKey({ ...s, a: null })).not.toBe(dataKey(s));
    const h = { ...s, view: 'heatmap' as const };
    expect(dataKey({ ...h, a: null })).toBe(dataKey(h)); // periods A and B matter only in compare mode
  });

  it('validates dates', () => {
    expect(isDate('2024-02-29')).toBe(true);
    expect(isDate('2023-02-29')).toBe(false);
    expect(isDate('2024-1-01')).toBe(false);
  });
});
