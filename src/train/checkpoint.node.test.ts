import { describe, expect, it } from 'vitest';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import { DEFAULT_MODEL } from '../models/config';

describe('checkpoint file', () => {
  it('round-trips values, moments, progress and extras exactly', () => {
    const ckpt = {
      model: { ...DEFAULT_MODEL, layers: 3 },
      adamStep: 17,
      epoch: 4,
      params: {
        'a.weight': {
          rows: 2,
          cols: 3,
          value: Float32Array.from([1, 2, 3, 4, 5, 6]),
          m: new Float32Array(6).fill(0.5),
          v: new Float32Array(6).fill(0.25),
        },
        'a.bias': { rows: 1, cols: 3, value: Float32Array.from([-1, 0, 1e-30]) },
      },
      extra: { dataset: 'citation' },
    };
    const back = decodeCheckpoint(encodeCheckpoint(ckpt));
    expect(back.model).toEqual(ckpt.model);
    expect(back.adamStep).toBe(17);
    expect(back.epoch).toBe(4);
    expect(back.extra).toEqual({ dataset: 'citation' });
    expect(Array.from(back.params['a.weight'].value)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(back.params['a.weight'].v!)).toEqual(new Array(6).fill(0.25));
    expect(Array.from(back.params['a.bias'].value)).toEqual(
      Array.from(Float32Array.from([-1, 0, 1e-30])),
    );
    expect(back.params['a.bias'].m).toBeUndefined();
  });

  it('rejects a file that is not a checkpoint, or is cut short, with a reason', () => {
    expect(() => decodeCheckpoint(new TextEncoder().encode('hello world'))).toThrow(
      CheckpointError,
    );
    const bytes = encodeCheckpoint({
      model: DEFAULT_MODEL,
      adamStep: 1,
      epoch: 1,
      params: { w: { rows: 4, cols: 4, value: new Float32Array(16) } },
    });
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 8))).toThrow(/needs 16 values/);
  });
});
