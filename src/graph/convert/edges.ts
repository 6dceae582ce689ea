// From an edge list to the stored adjacency: in-edge CSR (row i lists the sources j of j → i),
// rows ascending, duplicates collapsed (the first occurrence keeps its edge features), self-loops
// dropped and counted; optionally symmetrised (each edge also added reversed). Two stable
// counting sorts, O(E + N): fine for ogbn-products' 124 M directed entries.
import type { Csr } from '../types';

export interface AdjacencyResult {
  adj: Csr;
  edgeFeatures?: { dim: number; data: Float32Array };
  /** Input edges u → u (dropped). */
  selfLoops: number;
  /** Input edges that repeat an earlier input edge (same source and target; collapsed). */
  duplicateInputEdges: number;
}

export function buildAdjacency(
  numNodes: number,
  src: Uint32Array,
  dst: Uint32Array,
  opts: { symmetrize: boolean; edgeFeatures?: { dim: number; data: Float32Array } },
): AdjacencyResult {
  const E = src.length;
  const M = opts.symmetrize ? 2 * E : E;
  const rowOf = (k: number) => (k < E ? dst[k] : src[k - E]);
  const colOf = (k: number) => (k < E ? src[k] : dst[k - E]);

  let selfLoops = 0;
  for (let e = 0; e < E; e++) if (src[e] === dst[e]) selfLoops++;

  // Pass 1: stable counting sort of all entries by column.
  const colStart = new Uint32Array(numNodes + 1);
  for (let k = 0; k < M; k++) colStart[colOf(k) + 1]++;
  for (let j = 0; j < numNodes; j++) colStart[j + 1] += colStart[j];
  const byCol = new Uint32Array(M);
  for (let k = 0; k < M; k++) byCol[colStart[colOf(k)]++] = k;
  // Pass 2: stable counting sort by row → rows ascending by column, ties in entry order.
  const rowStart = new Uint32Array(numNodes + 1);
  for (let k = 0; k < M; k++) rowStart[rowOf(k) + 1]++;
  for (let i = 0; i < numNodes; i++) rowStart[i + 1] += rowStart[i];
  const fill = rowStart.slice(0, numNodes);
  const sorted = new Uint32Array(M);
  for (let t = 0; t < M; t++) {
    const k = byCol[t];
    sorted[fill[rowOf(k)]++] = k;
  }

  // Walk rows: drop self-loops and repeats.
  const rowPtr = new Uint32Array(numNodes + 1);
  const keep = new Uint32Array(M);
  let nnz = 0;
  let duplicateInputEdges = 0;
  for (let i = 0; i < numNodes; i++) {
    let prev = -1;
    let originalsInGroup = 0;
    for (let t = rowStart[i]; t < rowStart[i + 1]; t++) {
      const k = sorted[t];
      const j = colOf(k);
      if (j === i) continue;
      if (j === prev) {
        if (k < E) originalsInGroup++;
        continue;
      }
      if (originalsInGroup > 1) duplicateInputEdges += originalsInGroup - 1;
      originalsInGroup = k < E ? 1 : 0;
      prev = j;
      keep[nnz++] = k;
    }
    if (originalsInGroup > 1) duplicateInputEdges += originalsInGroup - 1;
    rowPtr[i + 1] = nnz;
  }
  const colIdx = new Uint32Array(nnz);
  for (let t = 0; t < nnz; t++) colIdx[t] = colOf(keep[t]);
  const result: AdjacencyResult = {
    adj: { rows: numNodes, cols: numNodes, rowPtr, colIdx },
    selfLoops,
    duplicateInputEdges,
  };
  if (opts.edgeFeatures) {
    const { dim, data } = opts.edgeFeatures;
    const out = new Float32Array(nnz * dim);
    for (let t = 0; t < nnz; t++) {
      const e = keep[t] % E;
      out.set(data.subarray(e * dim, (e + 1) * dim), t * dim);
    }
    result.edgeFeatures = { dim, data: out };
  }
  return result;
}

/** Mean over each node's stored in-edges of their features (zero for an isolated node). */
export function meanIncidentEdgeFeatures(
  adj: Csr,
  ef: { dim: number; data: Float32Array },
): Float32Array {
  const { dim, data } = ef;
  const out = new Float32Array(adj.rows * dim);
  const acc = new Float64Array(dim);
  for (let i = 0; i < adj.rows; i++) {
    const a = adj.rowPtr[i];
    const b = adj.rowPtr[i + 1];
    if (b === a) continue;
    acc.fill(0);
    for (let k = a; k < b; k++) for (let d = 0; d < dim; d++) acc[d] += data[k * dim + d];
    for (let d = 0; d < dim; d++) out[i * dim + d] = acc[d] / (b - a);
  }
  return out;
}
