// What the operators need from a subgraph, built on demand on the CPU once per subgraph:
// GCN's D^-1/2 (A+I) D^-1/2, mean weights, and transposed CSRs for the backward passes.
// Adjacency convention: row i lists the sources j of in-edges j → i (src/graph/types.ts).
import { transposeCsr } from './csr';
import type { Csr, CsrTransposed, Subgraph } from './types';

/**
 * A + I with the self-loop of row i inserted where it keeps the row ascending. `selfPos[i]` is
 * the position of i's self-loop; `origPos[k]` maps entry k of the result to the entry of `adj` it
 * came from (or 0xffffffff for a self-loop), so per-edge data can follow.
 */
export function addSelfLoops(adj: Csr): { csr: Csr; selfPos: Uint32Array; origPos: Uint32Array } {
  const n = adj.rows;
  if (adj.cols !== n)
    throw new RangeError(`addSelfLoops: a square matrix is needed, got ${n}×${adj.cols}`);
  const rowPtr = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) rowPtr[i + 1] = rowPtr[i] + (adj.rowPtr[i + 1] - adj.rowPtr[i]) + 1;
  const nnz = rowPtr[n];
  const colIdx = new Uint32Array(nnz);
  const origPos = new Uint32Array(nnz);
  const selfPos = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let out = rowPtr[i];
    let placed = false;
    for (let k = adj.rowPtr[i]; k < adj.rowPtr[i + 1]; k++) {
      const j = adj.colIdx[k];
      if (j === i) throw new RangeError(`addSelfLoops: row ${i} already has a self-loop`);
      if (!placed && j > i) {
        selfPos[i] = out;
        colIdx[out] = i;
        origPos[out++] = 0xffffffff;
        placed = true;
      }
      colIdx[out] = j;
      origPos[out++] = k;
    }
    if (!placed) {
      selfPos[i] = out;
      colIdx[out] = i;
      origPos[out++] = 0xffffffff;
    }
  }
  return { csr: { rows: n, cols: n, rowPtr, colIdx }, selfPos, origPos };
}

/** In-degree of every node counting a self-loop (row length + 1). */
export function degreesWithSelf(adj: Csr): Float64Array {
  const d = new Float64Array(adj.rows);
  for (let i = 0; i < adj.rows; i++) d[i] = adj.rowPtr[i + 1] - adj.rowPtr[i] + 1;
  return d;
}

/**
 * GCN (Kipf & Welling): Â = D^-1/2 (A + I) D^-1/2 with D the in-degree including the self-loop,
 * as a new CSR with values: entry (i, j) = 1 / sqrt(d_i · d_j).
 */
export function gcnNormalized(adj: Csr): Csr {
  const { csr } = addSelfLoops(adj);
  const inv = degreesWithSelf(adj).map((d) => 1 / Math.sqrt(d));
  const values = new Float32Array(csr.colIdx.length);
  for (let i = 0; i < csr.rows; i++) {
    for (let k = csr.rowPtr[i]; k < csr.rowPtr[i + 1]; k++) values[k] = inv[i] * inv[csr.colIdx[k]];
  }
  return { ...csr, values };
}

/**
 * Mean aggregation weights. With `includeSelf` (default): A + I with 1 / (deg + 1) on each entry of
 * row i — the mean over the neighbours and the node itself. Without: A with 1 / deg (an isolated
 * node's row is empty, its mean zero).
 */
export function meanWeights(adj: Csr, opts: { includeSelf?: boolean } = {}): Csr {
  const base = opts.includeSelf === false ? adj : addSelfLoops(adj).csr;
  const values = new Float32Array(base.colIdx.length);
  for (let i = 0; i < base.rows; i++) {
    const a = base.rowPtr[i];
    const b = base.rowPtr[i + 1];
    if (b > a) values.fill(1 / (b - a), a, b);
  }
  return { rows: base.rows, cols: base.cols, rowPtr: base.rowPtr, colIdx: base.colIdx, values };
}

/**
 * The CSRs the operators of one subgraph need, each built the first time it is asked for.
 * `xT` is the transpose of `x` (for backward passes: aggregate over out-edges without atomics).
 */
export class OperatorGraphs {
  private cache = new Map<string, Csr>();

  constructor(readonly graph: Subgraph) {}

  private memo<T extends Csr>(key: string, make: () => T): T {
    let v = this.cache.get(key);
    if (!v) {
      v = make();
      this.cache.set(key, v);
    }
    return v as T;
  }

  /** In-edges as stored (row i lists sources j); no values. */
  get adj(): Csr {
    return this.graph.adj;
  }
  get adjT(): CsrTransposed {
    return this.memo('adjT', () => transposeCsr(this.graph.adj));
  }
  /** D^-1/2 (A+I) D^-1/2. */
  get gcn(): Csr {
    return this.memo('gcn', () => gcnNormalized(this.graph.adj));
  }
  get gcnT(): CsrTransposed {
    return this.memo('gcnT', () => transposeCsr(this.gcn));
  }
  /** Mean over neighbours and self: A+I with 1/(deg+1). */
  get mean(): Csr {
    return this.memo('mean', () => meanWeights(this.graph.adj));
  }
  get meanT(): CsrTransposed {
    return this.memo('meanT', () => transposeCsr(this.mean));
  }
  /** Mean over neighbours only: A with 1/deg. */
  get meanNeighbours(): Csr {
    return this.memo('meanNb', () => meanWeights(this.graph.adj, { includeSelf: false }));
  }
  get meanNeighboursT(): CsrTransposed {
    return this.memo('meanNbT', () => transposeCsr(this.meanNeighbours));
  }
}
