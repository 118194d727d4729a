import { describe, expect, it } from 'vitest';
import type { Forecast } from './api';
import { forecastRows, skillText } from './corridorpanel';

const forecast: Forecast = {
  unit_kind: 'corridor', unit_key: '7', label: 'corridor 7', months: 36,
  backtest: { origins: 12, points: 62, mase: 0.8123, naive_mase: 1.07, cover80: 0.8, cover95: 0.99, calibration: 0.4, calibrated80: 0.79, calibrated95: 0.952 },
  series: [
    { step: -1, from: '2024-12-02T00:00:00Z', to: '2025-01-01T00:00:00Z', observed: 140 },
    { step: 1, from: '2025-01-01T00:00:00Z', to: '2025-01-31T10:30:00Z', mean: 151.4, lo80: 120.2, hi80: 183.6, lo95: 104.9, hi95: 1201.5 },
    { step: 2, from: '2025-01-31T10:30:00Z', to: '2025-03-02T21:00:00Z', mean: 160 },
  ],
};

describe('corridor forecast', () => {
  it('lists the months ahead only, rounded, with both intervals', () => {
    expect(forecastRows(forecast)).toEqual([
      { month: '2025-01-01', mean: '151', i80: '120–184', i95: '105–1,202' },
      { month: '2025-01-31', mean: '160', i80: '–', i95: '–' },
    ]);
  });
  it('says how good the forecasts were there', () => {
    expect(skillText(forecast)).toBe('Backtest over 62 held-back months: MASE 0.81 (last year\'s month: 1.07; below 1 beats it), 95% intervals held 95%.');
    expect(skillText({ ...forecast, backtest: { ...forecast.backtest, mase: null, calibrated95: null } })).toContain('MASE n/a');
  });
});
