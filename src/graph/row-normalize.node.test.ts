import { describe, expect, it } from 'vitest';
import { rowNormalized } from './row-normalize';

describe('row-normalised features', () => {
  it('scales each dense row to sum 1 and leaves an all-zero row alone', () => {
    const f = rowNormalized({
      kind: 'dense',
      dim: 3,
      data: Float32Array.from([1, 1, 2, 0, 0, 0, 0, 5, 0]),
    });
    expect(f.kind === 'dense' && [...f.data]).toEqual([0.25, 0.25, 0.5, 0, 0, 0, 0, 1, 0]);
  });

  it('scales a sparse row’s stored values (1 when absent) and keeps its pattern', () => {
    const csr = {
      rows: 3,
      cols: 4,
      rowPtr: Uint32Array.from([0, 2, 2, 5]),
      colIdx: Uint32Array.from([0, 3, 1, 2, 3]),
    };
    const f = rowNormalized({ kind: 'sparse', dim: 4, csr });
    if (f.kind !== 'sparse') throw new Error('kind changed');
    expect(f.csr.colIdx).toBe(csr.colIdx);
    expect([...f.csr.values!].map((v) => +v.toFixed(6))).toEqual([
      0.5, 0.5, 0.333333, 0.333333, 0.333333,
    ]);
  });
});
