import { describe, expect, it } from 'vitest';
import { zeroByTag } from '../../gpu/memory-tags';
import { DEFAULT_RUN } from '../state/run-config';
import type { RunRecord } from '../state/history-store';
import { csvField, runsCurvesCsv, runsJson, runsSummaryCsv } from './csv';

const RUN: RunRecord = {
  id: 'r1',
  createdAt: Date.UTC(2025, 0, 2),
  dataset: 'my "big", graph',
  metric: 'accuracy',
  config: { ...DEFAULT_RUN, budgetMiB: null },
  status: 'oom',
  message: 'Out of GPU memory\nduring forward 3',
  params: 9558,
  peakBytes: 3015772,
  peakByTag: zeroByTag(),
  msPerEpoch: 250,
  best: { epoch: 0, valid: NaN, test: NaN },
  epochs: [
    {
      epoch: 1,
      loss: 1.75,
      train: 0.5,
      valid: 0.4,
      test: 0.3,
      ms: 250,
      steps: 2,
      reconstruction: 2e-7,
      solver: null,
    },
  ],
  adapter: 'x',
  recoveries: 0,
};

describe('CSV and JSON export', () => {
  it('quotes what needs quoting and leaves NaN empty', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(NaN)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(0.25)).toBe('0.25');
  });

  it('writes one summary row per run with a header', () => {
    const lines = runsSummaryCsv([RUN]).trimEnd().split('\r\n');
    expect(lines[0].split(',')).toContain('peak_bytes');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"my ""big"", graph"');
    expect(lines[1]).toContain(',oom,9558,3015772,250,accuracy,,,,');
  });

  it('writes one curve row per run and epoch', () => {
    const lines = runsCurvesCsv([RUN, { ...RUN, id: 'r2' }])
      .trimEnd()
      .split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`r1,rev,${DEFAULT_RUN.model.layers},1,1.75,0.5,0.4,0.3,250,2,2e-7,,,,`);
  });

  it('JSON carries everything', () => {
    const back = JSON.parse(runsJson([RUN]));
    expect(back.format).toBe('revgnn-runs');
    expect(back.runs[0].config.seed).toBe(DEFAULT_RUN.seed);
    expect(back.runs[0].best.valid).toBeNull();
  });
});
