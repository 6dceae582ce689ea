import { describe, expect, it } from 'vitest';
import { sweepRow as row } from '../../testing/sweep-rows';
import type { TimelineSeries } from '../../worker/protocol';
import { sweepSeries } from '../sweep/sweep-series';
import { tourNotes, type TourData } from './annotate';

const timeline = (
  model: string,
  layers: number,
  bytes: number[],
  phases: string[],
): TimelineSeries => ({
  label: `${model} ${layers}`,
  model,
  layers,
  source: 'probe',
  points: bytes.map((b, i) => ({ x: i / bytes.length, bytes: b, phase: phases[i] })),
  segments: [
    { phase: 'forward', from: 0, to: 0.5 },
    { phase: 'backward', from: 0.5, to: 1 },
  ],
  peakBytes: Math.max(...bytes),
  startBytes: bytes[0],
  events: bytes.length,
});

const empty: TourData = {
  current: null,
  sweep: sweepSeries([], 'activations', null),
  timelines: [],
};

describe('the tour’s notes sit on the points they talk about', () => {
  it('step 3: on the first depth res ran out at, and on the end of rev’s flat line', () => {
    const rows = [
      row('res', 2, 100),
      row('res', 8, 400),
      row('res', 32, 0, 'oom'),
      row('res', 128, 0, 'oom'),
      row('rev', 2, 50),
      row('rev', 128, 50),
    ];
    const sweep = sweepSeries(rows, 'activations', null);
    const notes = tourNotes(3, { ...empty, sweep }).sweep!;
    const oom = notes.find((n) => n.id === 'oom')!;
    expect(oom.x).toBe(32);
    expect(oom.y).toBe(sweep.ooms.find((o) => o.x === 32)!.y);
    expect(notes.find((n) => n.id === 'flat')).toMatchObject({ x: 128, y: 50 });
    expect(notes.find((n) => n.id === 'flat')!.text).toContain('128 layers as at 2');
  });

  it('step 4: on res’s peak and on rev in its backward pass', () => {
    const phases = ['forward 1', 'forward 2', 'backward 2', 'backward 1'];
    const notes = tourNotes(4, {
      ...empty,
      timelines: [
        timeline('res', 2, [10, 30, 20, 5], phases),
        timeline('rev', 2, [8, 9, 8, 9], phases),
      ],
    }).timeline!;
    expect(notes.find((n) => n.id === 'climb')).toMatchObject({ x: 0.25, y: 30 });
    expect(notes.find((n) => n.id === 'flat-step')).toMatchObject({ x: 0.75, y: 9 });
  });

  it('a note waits for its point: nothing before the data exists', () => {
    for (const step of [1, 2, 3, 4, 5]) {
      const n = tourNotes(step, empty);
      expect(Object.values(n).flat()).toEqual([]);
    }
  });
});
