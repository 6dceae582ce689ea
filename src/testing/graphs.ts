// Small random graphs for model tests: symmetric, duplicate-free, no self-loops, some isolated
// nodes, labels and a split, with dense or sparse features and optional edge features.
import type { Csr, Subgraph } from '../graph/types';
import { rng } from './gpu-fixture';
export { shapeOf } from '../train/train-data';

export interface RandomGraphOptions {
  nodes: number;
  avgDegree: number;
  featureDim: number;
  classes: number;
  seed: number;
  sparseFeatures?: boolean;
  edgeDim?: number;
  /** Multi-label with this many tasks instead of classes. */
  tasks?: number;
}

export function randomSubgraph(o: RandomGraphOptions): Subgraph {
  const r = rng(o.seed);
  const n = o.nodes;
  const nbrs: Set<number>[] = Array.from({ length: n }, () => new Set());
  const edges = Math.round((n * o.avgDegree) / 2);
  // Leave the last node isolated: every operator must cope with empty rows.
  for (let e = 0; e < edges && n > 2; e++) {
    const i = Math.floor(r() * (n - 1));
    const j = Math.floor(r() * (n - 1));
    if (i === j) continue;
    nbrs[i].add(j);
    nbrs[j].add(i);
  }
  const rowPtr = new Uint32Array(n + 1);
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    const sorted = [...nbrs[i]].sort((a, b) => a - b);
    cols.push(...sorted);
    rowPtr[i + 1] = cols.length;
  }
  const adj: Csr = { rows: n, cols: n, rowPtr, colIdx: Uint32Array.from(cols) };
  const split = new Uint8Array(n);
  for (let i = 0; i < n; i++) split[i] = 1 + (i % 3);
  let features: Subgraph['features'];
  if (o.sparseFeatures) {
    const fp = [0];
    const fi: number[] = [];
    const fv: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < o.featureDim; f++) {
        if (r() < 0.2) {
          fi.push(f);
          fv.push(1);
        }
      }
      fp.push(fi.length);
    }
    features = {
      kind: 'sparse',
      dim: o.featureDim,
      csr: {
        rows: n,
        cols: o.featureDim,
        rowPtr: Uint32Array.from(fp),
        colIdx: Uint32Array.from(fi),
        values: Float32Array.from(fv),
      },
    };
  } else {
    features = {
      kind: 'dense',
      dim: o.featureDim,
      data: Float32Array.from({ length: n * o.featureDim }, () => 2 * r() - 1),
    };
  }
  const labels: Subgraph['labels'] = o.tasks
    ? {
        kind: 'multilabel',
        numTasks: o.tasks,
        y: Uint8Array.from({ length: n * o.tasks }, () => (r() < 0.4 ? 1 : 0)),
      }
    : {
        kind: 'multiclass',
        numClasses: o.classes,
        y: Int32Array.from({ length: n }, (_, i) =>
          i % 7 === 6 ? -1 : Math.floor(r() * o.classes),
        ),
      };
  const sub: Subgraph = {
    numNodes: n,
    adj,
    features,
    labels,
    split,
    globalIds: Uint32Array.from({ length: n }, (_, i) => i),
  };
  if (o.edgeDim) {
    sub.edgeFeatures = {
      dim: o.edgeDim,
      data: Float32Array.from({ length: cols.length * o.edgeDim }, () => r()),
    };
  }
  return sub;
}
