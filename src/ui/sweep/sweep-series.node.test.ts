import { describe, expect, it } from 'vitest';
import { sweepRow as row } from '../../testing/sweep-rows';
import { spread, sweepSeries } from './sweep-series';

describe('depth sweep chart data', () => {
  const rows = [
    row('res', 2, 200),
    row('res', 8, 800),
    row('res', 32, 0, 'oom'),
    row('rev', 2, 100),
    row('rev', 8, 100),
    row('rev', 32, 100),
  ];

  it('draws ok points per model and marks out-of-memory at the top', () => {
    const s = sweepSeries(rows, 'activations', null);
    expect(s.lines.find((l) => l.model === 'res')!.points).toEqual([
      { x: 2, y: 200 },
      { x: 8, y: 800 },
    ]);
    expect(s.ooms).toHaveLength(1);
    expect(s.ooms[0].x).toBe(32);
    expect(s.ooms[0].y).toBeLessThan(s.yDomain[1]);
    expect(s.ooms[0].y).toBeGreaterThan(800);
    expect(spread(s.lines.find((l) => l.model === 'rev')!.points)).toBe(0);
  });

  it('guides grow like L from the highest and stay flat from the lowest first point', () => {
    const s = sweepSeries(rows, 'activations', null);
    const grow = s.guides[0].points;
    expect(grow[0]).toEqual({ x: 2, y: 200 });
    expect(grow[1]).toEqual({ x: 8, y: 800 });
    expect(s.guides[1].points.every((p) => p.y === 100)).toBe(true);
  });

  it('the total view counts the budget in its range', () => {
    const s = sweepSeries(rows, 'total', 1 << 20);
    expect(s.yDomain[1]).toBeGreaterThanOrEqual(1 << 20);
  });
});

describe('the growing guide', () => {
  it('ends where it leaves the chart', () => {
    const rows = [
      row('res', 2, 1000),
      row('res', 8, 0, 'oom'),
      row('res', 128, 0, 'oom'),
      row('rev', 2, 500),
      row('rev', 128, 500),
    ];
    const s = sweepSeries(rows, 'activations', null);
    const g = s.guides[0].points;
    expect(g.at(-1)!.y).toBe(s.yDomain[1]);
    expect(g.at(-1)!.x).toBeCloseTo((2 * s.yDomain[1]) / 1000);
  });
});
