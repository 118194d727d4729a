import { describe, expect, it } from 'vitest';
import type { RankedRow, Ranking } from './api';
import { changeText, rankingCSV, sortRows } from './ranking';

const row = (rank: number, a: number, b: number, status: string, ratio: number | null, extra: Partial<RankedRow> = {}): RankedRow => ({
  rank, h3: `83000${rank}fffffffff`, a, b, persons_a: a * 2, persons_b: b * 2, rate_a_per_day: a / 31, rate_b_per_day: b / 29,
  rate_ratio: ratio, difference_per_day: 0, p_up: 0.5, p_down: 0.5, q_up: 0.5, q_down: 0.5, status, ...extra,
} as RankedRow);

describe('ranking', () => {
  const rows = [row(1, 2, 12, 'up', 6.4), row(2, 0, 5, 'new', null), row(3, 9, 4, 'unchanged', 0.47)];

  it('sorts by change with new first and vanished last, ties by rank', () => {
    expect(sortRows([...rows, row(4, 7, 0, 'vanished', null)], 'change').map((r) => r.rank)).toEqual([2, 1, 3, 4]);
    expect(sortRows(rows, 'b').map((r) => r.rank)).toEqual([1, 2, 3]);
    expect(sortRows(rows, 'rank').map((r) => r.rank)).toEqual([1, 2, 3]);
  });

  it('names the change', () => {
    expect(rows.map(changeText)).toEqual(['×6.4', 'new', '÷2.1']);
  });

  it('exports routes with their labels, formulas neutralised', () => {
    const r: Ranking = { by: 'route', res: 4, alpha: 0.05, period: { from: '', to: '', days: 29 }, previous: { from: '', to: '', days: 31 }, units: 1,
      rows: [row(1, 2, 12, 'up', 6.4, { route: '=HYPERLINK("x")' })] };
    const csv = rankingCSV(r).split('\r\n');
    expect(csv[0]).toBe('rank,route,previous,period,persons_previous,persons_period,rate_ratio,q_up,q_down,status');
    expect(csv[1]).toMatch(/^1,"?'=HYPERLINK/);
  });

  it('exports cells with their place', () => {
    const r: Ranking = { by: 'cell', res: 4, alpha: 0.05, period: { from: '', to: '', days: 29 }, previous: { from: '', to: '', days: 31 }, units: 2,
      rows: [row(1, 2, 12, 'up', 6.4, { h3: '84384bfffffffff', place: 'near Zuwarah, LY' }), row(2, 1, 2, 'unchanged', 2, { h3: '8438481ffffffff' })] };
    const csv = rankingCSV(r).split('\r\n');
    expect(csv[0]).toBe('rank,h3,place,previous,period,persons_previous,persons_period,rate_ratio,q_up,q_down,status');
    expect(csv[1]).toMatch(/^1,84384bfffffffff,"near Zuwarah, LY",2,12,/);
    expect(csv[2]).toMatch(/^2,8438481ffffffff,,1,2,/);
  });
});
