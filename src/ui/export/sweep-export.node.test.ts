import { describe, expect, it } from 'vitest';
import { zeroByTag } from '../../gpu/memory-tags';
import { DEFAULT_RUN, DEFAULT_SWEEP, sweepSpec } from '../state/run-config';
import type { SweepRow } from '../../worker/protocol';
import { sweepCsv, sweepJson } from './sweep-export';

const rows: SweepRow[] = [
  {
    model: 'res',
    layers: 8,
    status: 'ok',
    peakBytes: 4096,
    peakHeldBytes: 8192,
    activationBytes: 1024,
    peakByTag: { ...zeroByTag(), activations: 1000, workspace: 24 },
    params: 77,
    ms: 12.5,
  },
  {
    model: 'res',
    layers: 128,
    status: 'oom',
    peakBytes: 0,
    activationBytes: 0,
    peakByTag: zeroByTag(),
    params: 0,
    ms: 0,
    message: 'Out of GPU memory (budget), during forward 40',
  },
];

describe('sweep export', () => {
  it('writes one CSV row per point with every tag', () => {
    const lines = sweepCsv(rows).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    const head = lines[0].split(',');
    expect(head).toContain('peak_activations_bytes');
    const first = lines[1].split(',');
    expect(first[head.indexOf('peak_activations_bytes')]).toBe('1000');
    expect(first[head.indexOf('peak_held_bytes')]).toBe('8192');
    expect(lines[2]).toContain('"Out of GPU memory (budget), during forward 40"');
  });

  it('JSON carries the specification and the rows', () => {
    const spec = sweepSpec(DEFAULT_RUN, DEFAULT_SWEEP);
    const back = JSON.parse(sweepJson(spec, rows, Date.UTC(2025, 0, 1)));
    expect(back.format).toBe('revgnn-sweep');
    expect(back.measuredAt).toBe('2025-01-01T00:00:00.000Z');
    expect(back.spec.base.channels).toBe(DEFAULT_RUN.model.channels);
    expect(back.rows[1].status).toBe('oom');
  });
});
