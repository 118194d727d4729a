import { describe, expect, it } from 'vitest';
import * as fmt from './format';
import { playFrames } from './timecontrols';

describe('Play frames', () => {
  const ext = { from: '2025-01-01', to: '2025-07-01' };
  it('steps one month a frame through the period', () => {
    expect(playFrames('2025-01-01', ext, 'month', 1, fmt.offsetStep).map((f) => f.from))
      .toEqual(['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01', '2025-06-01']);
  });
  it('rolls a three-month window a month at a time, the last one ending with the period', () => {
    expect(playFrames('2025-01-01', ext, 'month', 3, fmt.offsetStep)).toEqual([
      { from: '2025-01-01', to: '2025-04-01' }, { from: '2025-02-01', to: '2025-05-01' },
      { from: '2025-03-01', to: '2025-06-01' }, { from: '2025-04-01', to: '2025-07-01' }]);
  });
  it('gives one frame when the window is longer than the period', () => {
    expect(playFrames('2025-01-01', ext, 'month', 12, fmt.offsetStep)).toEqual([ext]);
  });
  it('steps weeks too', () => {
    const f = playFrames('2025-01-06', { from: '2025-01-06', to: '2025-02-03' }, 'week', 2, fmt.offsetStep);
    expect(f).toEqual([{ from: '2025-01-06', to: '2025-01-20' }, { from: '2025-01-13', to: '2025-01-27' }, { from: '2025-01-20', to: '2025-02-03' }]);
  });
});
