// Row-normalised node features (Kipf & Welling's Planetoid preprocessing): each node's features
// scaled to sum to 1. A row that sums to 0 (a node with no words) stays as it is, as in their
// code (1/0 → 0). Rows are independent, so normalising a part is normalising the whole graph.
import type { NodeFeatures, Subgraph } from './types';

export function rowNormalized(f: NodeFeatures): NodeFeatures {
  if (f.kind === 'dense') {
    const data = new Float32Array(f.data.length);
    const rows = f.dim === 0 ? 0 : f.data.length / f.dim;
    for (let r = 0; r < rows; r++) {
      const row = f.data.subarray(r * f.dim, (r + 1) * f.dim);
      const scale = inverse(row.reduce((s, v) => s + v, 0));
      for (let c = 0; c < f.dim; c++) data[r * f.dim + c] = row[c] * scale;
    }
    return { kind: 'dense', dim: f.dim, data };
  }
  const { csr } = f;
  const values = new Float32Array(csr.colIdx.length);
  for (let r = 0; r < csr.rows; r++) {
    const [k0, k1] = [csr.rowPtr[r], csr.rowPtr[r + 1]];
    let sum = 0;
    for (let k = k0; k < k1; k++) sum += csr.values ? csr.values[k] : 1;
    const scale = inverse(sum);
    for (let k = k0; k < k1; k++) values[k] = (csr.values ? csr.values[k] : 1) * scale;
  }
  return { kind: 'sparse', dim: f.dim, csr: { ...csr, values } };
}

export function withRowNormalizedFeatures(g: Subgraph): Subgraph {
  return { ...g, features: rowNormalized(g.features) };
}

function inverse(sum: number): number {
  return sum === 0 || !Number.isFinite(sum) ? 1 : 1 / sum;
}
