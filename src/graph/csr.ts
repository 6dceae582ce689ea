// CSR routines the operators need, computed on the CPU once per subgraph.
import type { Csr, CsrTransposed } from './types';

/** The transpose, stable: entries of each transposed row keep the original row order. */
export function transposeCsr(a: Csr): CsrTransposed {
  const nnz = a.colIdx.length;
  const rowPtr = new Uint32Array(a.cols + 1);
  for (let k = 0; k < nnz; k++) rowPtr[a.colIdx[k] + 1]++;
  for (let j = 0; j < a.cols; j++) rowPtr[j + 1] += rowPtr[j];
  const fill = rowPtr.slice(0, a.cols);
  const colIdx = new Uint32Array(nnz);
  const perm = new Uint32Array(nnz);
  const values = a.values ? new Float32Array(nnz) : undefined;
  for (let i = 0; i < a.rows; i++) {
    for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
      const j = a.colIdx[k];
      const pos = fill[j]++;
      colIdx[pos] = i;
      perm[pos] = k;
      if (values) values[pos] = a.values![k];
    }
  }
  return { rows: a.cols, cols: a.rows, rowPtr, colIdx, values, perm };
}
