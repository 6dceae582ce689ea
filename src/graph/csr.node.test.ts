import { describe, expect, it } from 'vitest';
import { transposeCsr } from './csr';

describe('transposeCsr', () => {
  it('transposes, keeps values and records where each entry came from', () => {
    // 3×4: row0 → {1, 3}, row1 → {}, row2 → {0, 1}
    const a = {
      rows: 3,
      cols: 4,
      rowPtr: Uint32Array.from([0, 2, 2, 4]),
      colIdx: Uint32Array.from([1, 3, 0, 1]),
      values: Float32Array.from([10, 11, 12, 13]),
    };
    const t = transposeCsr(a);
    expect(t.rows).toBe(4);
    expect(Array.from(t.rowPtr)).toEqual([0, 1, 3, 3, 4]);
    expect(Array.from(t.colIdx)).toEqual([2, 0, 2, 0]);
    expect(Array.from(t.values!)).toEqual([12, 10, 13, 11]);
    expect(Array.from(t.perm)).toEqual([2, 0, 3, 1]);
    const back = transposeCsr(t);
    expect(Array.from(back.rowPtr)).toEqual(Array.from(a.rowPtr));
    expect(Array.from(back.colIdx)).toEqual(Array.from(a.colIdx));
  });
});
