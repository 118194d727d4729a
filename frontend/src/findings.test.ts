import { describe, expect, it } from 'vitest';
import type { EmergingRoute } from './api';
import { ratio } from './findings';

const base = { baseline_count: 40, recent_count: 30, rate_ratio: 3, recent_expected: 10 } as EmergingRoute;

describe('emerging-route ratio', () => {
  it('is recent over expected when the run has an expectation', () => {
    expect(ratio(base)).toBe(ratio({ ...base, recent_expected: undefined, rate_ratio: 3 }));
    expect(ratio({ ...base, recent_expected: 20 })).not.toBe(ratio(base));
  });
  it('says new for an empty baseline, and falls back to the rate ratio for older runs', () => {
    expect(ratio({ ...base, baseline_count: 0 })).toBe('new');
    expect(ratio({ ...base, recent_expected: undefined, rate_ratio: null })).toBe('–');
  });
});
