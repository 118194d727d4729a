import { describe, expect, it } from 'vitest';
import type { CorridorProps } from './api';
import { bounds, type Corridor, corridorsCSV, corridorsGeoJSON, joinCorridors, sortCorridors, statusColor, summary, volume, widthPx } from './corridors';

function props(id: number, over: Partial<CorridorProps> = {}): CorridorProps {
  return { id, kind: 'flow', label: '', status: 'stable', legs: 0, journeys: 0, persons: 0, sightings: 0, trend: null,
    first_seen: null, last_seen: null, top_modes: null, ...over };
}
const corridor = (p: CorridorProps, line: [number, number][] | null = null): Corridor =>
  ({ props: p, line: line && { type: 'LineString', coordinates: line }, area: null });

describe('corridors', () => {
  it('summarises a planner corridor (names-only top modes, no journeys) without undefined', () => {
    const p: CorridorProps = { id: 3, kind: 'flow', label: 'Central Mediterranean', status: 'growing', legs: 40, persons: 300,
      sightings: 55, trend: 1.5, top_modes: ['boat_rubber'] };
    const lines = summary(p).join('\n');
    expect(lines).not.toMatch(/undefined|NaN|journeys/);
    expect(lines).toMatch(/top modes: .*rubber/i);
  });

  it('measures flow corridors by legs and label corridors by sightings', () => {
    expect(volume(props(1, { legs: 7, sightings: 100 }))).toBe(7);
    expect(volume(props(2, { kind: 'label', legs: 0, sightings: 100 }))).toBe(100);
  });

  it('widens lines with the square root of the volume, 2 to 12 pixels', () => {
    expect(widthPx(0, 100)).toBe(2);
    expect(widthPx(25, 100)).toBe(7);
    expect(widthPx(100, 100)).toBe(12);
    expect(widthPx(400, 100)).toBe(12);
  });

  it('sorts by volume, trend, name and status, ties by id', () => {
    const cs = [
      corridor(props(3, { legs: 5, label: 'Balkans', status: 'declining', trend: 0.5 })),
      corridor(props(1, { legs: 50, label: 'Central Med', status: 'growing', trend: 2 })),
      corridor(props(2, { legs: 5, label: '', status: 'new', trend: null })),
    ];
    const ids = (key: Parameters<typeof sortCorridors>[1]) => sortCorridors(cs, key).map((c) => c.props.id);
    expect(ids('volume')).toEqual([1, 2, 3]);
    expect(ids('trend')).toEqual([1, 3, 2]);
    expect(ids('name')).toEqual([3, 1, 2]); // 'corridor 2' sorts after the labels
    expect(ids('status')).toEqual([2, 1, 3]); // new, growing, stable, declining
    expect(cs.map((c) => c.props.id)).toEqual([3, 1, 2]); // the input is left alone
  });

  it('joins outlines to centerlines by id and bounds whichever geometry exists', () => {
    const joined = joinCorridors(
      [{ type: 'Feature', id: 1, geometry: { type: 'LineString', coordinates: [[10, 30], [12, 35]] }, properties: props(1) },
        { type: 'Feature', id: 2, geometry: null, properties: props(2, { kind: 'label' }) }],
      [{ type: 'Feature', id: 2, geometry: { type: 'MultiPolygon', coordinates: [[[[-5, 35], [-4, 36], [-6, 36], [-5, 35]]]] }, properties: props(2) }]);
    expect(bounds(joined[0]!)).toEqual([10, 30, 12, 35]);
    expect(bounds(joined[1]!)).toEqual([-6, 35, -4, 36]);
    expect(bounds(corridor(props(3)))).toBeNull();
  });

  it('colours unknown statuses as stable', () => {
    expect(statusColor('surprising')).toEqual(statusColor('stable'));
  });

  it('exports GeoJSON with each corridor\'s geometry and CSV with its bounding box', () => {
    const cs = [corridor(props(1, { label: 'Route "A", north', legs: 3, from_place: 'near Zuwarah, LY', to_place: 'sea, 11 km S of Lampedusa, IT' }), [[10, 30], [12, 35]]), corridor(props(2))];
    const fc = corridorsGeoJSON(cs);
    expect(fc.features.map((f) => f.geometry?.type ?? null)).toEqual(['LineString', null]);
    expect(fc.features[0]!.properties).toMatchObject({ id: 1, legs: 3 });
    const lines = corridorsCSV(cs).trim().split('\r\n');
    expect(lines[0]).toBe('id,kind,label,from_place,to_place,status,legs,journeys,persons,sightings,trend,first_seen,last_seen,top_modes,west,south,east,north');
    expect(lines[1]).toBe('1,flow,"Route ""A"", north","near Zuwarah, LY","sea, 11 km S of Lampedusa, IT",stable,3,0,0,0,,,,,10,30,12,35');
    expect(lines[2]).toBe('2,flow,,,,stable,0,0,0,0,,,,,,,,');
    expect(summary(cs[0]!.props)[1]).toBe('near Zuwarah, LY → sea, 11 km S of Lampedusa, IT');
  });
});
