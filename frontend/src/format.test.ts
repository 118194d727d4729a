import { describe, expect, it } from 'vitest';
import * as fmt from './format';

describe('format', () => {
  it('counts', () => {
    expect(fmt.count(0)).toBe('0');
    expect(fmt.count(1234)).toBe('1,234');
    expect(fmt.count(999999)).toBe('999,999');
    expect(fmt.count(1250000)).toBe('1.25M');
    expect(fmt.count(Number.NaN)).toBe('–');
  });

  it('ratios, rates, signed differences and p-values', () => {
    expect(fmt.ratio(2.5)).toBe('×2.5');
    expect(fmt.ratio(0.25)).toBe('÷4');
    expect(fmt.ratio(null)).toBe('–');
    expect(fmt.ratio(1)).toBe('×1');
    expect(fmt.rate(0.7032967)).toBe('0.70');
    expect(fmt.rate(15.3736)).toBe('15.4');
    expect(fmt.signed(1.98)).toBe('+2.0');
    expect(fmt.signed(-0.4)).toBe('−0.40');
    expect(fmt.pvalue(0.0321)).toBe('0.032');
    expect(fmt.pvalue(1e-16)).toBe('<0.001');
  });

  it('labels periods by their first and last day', () => {
    expect(fmt.periodLabel(null)).toBe('all time');
    expect(fmt.periodLabel({ from: '2024-01-01', to: '2024-04-01' })).toBe('1 Jan 2024 – 31 Mar 2024');
    expect(fmt.periodLabel({ from: '2024-02-01', to: '2024-03-01' })).toBe('Feb 2024');
    expect(fmt.days({ from: '2024-01-01', to: '2024-04-01' })).toBe(91);
  });

  it('snaps to weeks (Mondays) and months', () => {
    expect(fmt.floorStep('2024-05-15', 'month')).toBe('2024-05-01');
    expect(fmt.floorStep('2024-05-15', 'week')).toBe('2024-05-13');
    expect(fmt.ceilStep('2024-05-13', 'week')).toBe('2024-05-13');
    expect(fmt.ceilStep('2024-05-14', 'week')).toBe('2024-05-20');
    expect(fmt.offsetStep('2024-12-01', 'month', 1)).toBe('2025-01-01');
    expect(fmt.snapPeriod({ from: '2024-03-10', to: '2024-03-10' }, 'month')).toEqual({ from: '2024-03-01', to: '2024-04-01' });
    expect(fmt.snapPeriod({ from: '2024-03-10', to: '2024-05-02' }, 'month')).toEqual({ from: '2024-03-01', to: '2024-06-01' });
  });

  it('turns vocabulary values into words', () => {
    expect(fmt.label('boat_rubber')).toBe('boat rubber');
  });

  it('shows errors as the app always has', () => {
    expect(fmt.errorText(new Error('the API is down'))).toBe('the API is down');
    expect(fmt.errorText('not found')).toBe('not found');
    expect(fmt.errorText(404)).toBe('404');
    expect(fmt.errorText(undefined)).toBe('undefined');
    expect(fmt.errorText(new Error('timed out'), 'corridors')).toBe('corridors: timed out');
    expect(fmt.errorText('bad', 'vocabulary')).toBe('vocabulary: bad');
    expect(fmt.errorText(new TypeError('Failed to fetch'), 'Could not sign in')).toBe('Could not sign in: Failed to fetch');
    class ApiLike extends Error { constructor(readonly status: number, m: string) { super(m); } }
    expect(fmt.errorText(new ApiLike(429, 'too many requests'))).toBe('too many requests');
  });
});
