import { describe, expect, it } from 'vitest';
import { formatDuration, runProgress } from './progress';

describe('run progress', () => {
  it('counts epochs and steps of this run and extrapolates the time left', () => {
    const p = runProgress({ epoch: 2, step: 1, steps: 2, loss: 1, elapsedMs: 3000 }, 0, 4, false);
    expect(p.fraction).toBeCloseTo(1.5 / 4);
    expect(p.etaMs).toBeCloseTo((3000 / (1.5 / 4)) * (1 - 1.5 / 4));
  });

  it('starts from the loaded epoch when continuing saved weights', () => {
    const p = runProgress({ epoch: 6, step: 1, steps: 1, loss: 1, elapsedMs: 1000 }, 5, 7, false);
    expect(p.fraction).toBeCloseTo(0.5);
  });

  it('is complete when finished and unknown before the first step', () => {
    expect(runProgress(null, 0, 3, true).fraction).toBe(1);
    expect(runProgress(null, 0, 3, false).etaMs).toBeNull();
  });

  it('words durations', () => {
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  });
});
