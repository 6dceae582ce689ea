import { describe, expect, it } from 'vitest';
import { sweepRow } from '../../testing/sweep-rows';
import type { SweepRow } from '../../worker/protocol';

const row = (
  model: SweepRow['model'],
  layers: number,
  act: number,
  status: SweepRow['status'] = 'ok',
) => sweepRow(model, layers, act, status, 1_000_000);
import { fitLine, predictAt } from './predict';

describe('memory predicted at an unmeasured depth', () => {
  it('fits a straight line exactly when the points are on one', () => {
    const { a, b } = fitLine([
      { x: 2, y: 1200 },
      { x: 8, y: 4800 },
      { x: 32, y: 19200 },
    ]);
    expect(b).toBeCloseTo(600);
    expect(a).toBeCloseTo(0);
  });

  it('extends res by its per-layer slope and keeps rev flat', () => {
    const rows = [
      row('res', 2, 2 * 150_000 + 50_000),
      row('res', 8, 8 * 150_000 + 50_000),
      row('res', 32, 0, 'oom'),
      row('rev', 2, 300_000),
      row('rev', 8, 300_010),
      row('rev', 32, 299_990),
    ];
    const [res, rev] = predictAt(rows, 512, 'activations', null);
    expect(res.model).toBe('res');
    expect(res.perLayer).toBeCloseTo(150_000);
    expect(res.bytes).toBeCloseTo(512 * 150_000 + 50_000);
    expect(res.basis).toBe(2);
    expect(rev.bytes / 300_000).toBeCloseTo(1, 3);
    expect(rev.perLayer).toBeLessThan(1);
  });

  it('says when the prediction passes the budget, judged on everything the step holds', () => {
    const rows = [row('res', 2, 300_000), row('res', 8, 1_200_000)];
    const [p] = predictAt(rows, 64, 'activations', 4_000_000);
    expect(p.overBudget).toBe(true);
    expect(predictAt(rows, 2, 'activations', 4_000_000)[0].overBudget).toBe(false);
  });

  it('predicts nothing from a single depth', () => {
    expect(predictAt([row('rev', 8, 1), row('rev', 8, 1)], 64, 'total', null)).toEqual([]);
  });
});
