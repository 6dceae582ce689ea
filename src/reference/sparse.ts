// Float64 reference of the sparse product, and small CSR builders the sparse tests share.
// Straight loops on purpose: this is what the GPU kernels are checked against.
import type { Csr } from '../graph/types';

/** A·x for a CSR A (rows × cols) and a dense x (cols × d, row-major): rows × d in float64. */
export function spmmRef(a: Csr, x: ArrayLike<number>, d: number): Float64Array {
  if (x.length !== a.cols * d) {
    throw new Error(`spmmRef: x has ${x.length} values, expected ${a.cols}×${d}.`);
  }
  const out = new Float64Array(a.rows * d);
  for (let i = 0; i < a.rows; i++) {
    for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
      const j = a.colIdx[k];
      const w = a.values ? a.values[k] : 1;
      for (let c = 0; c < d; c++) out[i * d + c] += w * x[j * d + c];
    }
  }
  return out;
}

/** A CSR from (row, col) pairs, each row's entries in the order given. */
export function csrFromPairs(
  rows: number,
  cols: number,
  pairs: readonly (readonly [number, number])[],
  values?: readonly number[],
): Csr {
  const rowPtr = new Uint32Array(rows + 1);
  for (const [r] of pairs) rowPtr[r + 1]++;
  for (let r = 0; r < rows; r++) rowPtr[r + 1] += rowPtr[r];
  const fill = rowPtr.slice(0, rows);
  const colIdx = new Uint32Array(pairs.length);
  const vals = values ? new Float32Array(pairs.length) : undefined;
  pairs.forEach(([r, c], n) => {
    const pos = fill[r]++;
    colIdx[pos] = c;
    if (vals) vals[pos] = values![n];
  });
  return { rows, cols, rowPtr, colIdx, values: vals };
}

/**
 * A random CSR without duplicate entries: each row draws its degree uniformly from
 * [0, 2·meanDegree] (so some rows are empty) and distinct columns in random order; no self-loop
 * (entry (i, i)) unless asked.
 */
export function randomCsr(
  rows: number,
  cols: number,
  meanDegree: number,
  random: () => number,
  opts: { values?: boolean; selfLoops?: boolean } = {},
): Csr {
  const pairs: [number, number][] = [];
  const seen = new Set<number>();
  for (let i = 0; i < rows; i++) {
    const noSelf = !opts.selfLoops && i < cols;
    const deg = Math.min(cols - (noSelf ? 1 : 0), Math.floor(random() * (2 * meanDegree + 1)));
    seen.clear();
    while (seen.size < deg) {
      const j = Math.floor(random() * cols);
      if ((noSelf && j === i) || seen.has(j)) continue;
      seen.add(j);
      pairs.push([i, j]);
    }
  }
  const values = opts.values ? pairs.map(() => random() * 2 - 1) : undefined;
  return csrFromPairs(rows, cols, pairs, values);
}
