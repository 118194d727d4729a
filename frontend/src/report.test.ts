import { describe, expect, it } from 'vitest';
import { CAVEATS, marking, title } from './report';
import { defaultState } from './state';

describe('printed report', () => {
  it('marks every page with the clearance of the key that printed it', () => {
    expect(marking({ role: 'analyst', clearance: 'H2', key: 'rw_ab12' })).toMatch(/^HANDLING H2 .*clearance H2 or above/);
    expect(marking(null)).toMatch(/not signed in/);
  });
  it('names the analysis: view, period, filters', () => {
    const s = { ...defaultState(), period: { from: '2025-04-01', to: '2025-07-01' } };
    const t = title(s as never);
    expect(t).toMatch(/Heatmap of sightings/);
    expect(t).toMatch(/filters: none/);
  });
  it('carries the caveats a meeting needs: counts are reports, small counts, coverage', () => {
    const all = CAVEATS.join(' ');
    for (const w of ['sightings reported', 'fewer than 5', 'coverage change']) expect(all).toContain(w);
  });
});
