// The in-memory graph types every layer shares. A Subgraph is what one training step sees:
// local node ids 0..n-1, in-edge CSR, features, labels and split membership.

/** Compressed sparse rows: row i's entries are colIdx[rowPtr[i] .. rowPtr[i+1]). */
export interface Csr {
  rows: number;
  cols: number;
  rowPtr: Uint32Array;
  colIdx: Uint32Array;
  /** Per-entry weights (GCN normalisation, mean); absent means 1. */
  values?: Float32Array;
}

/** A transposed CSR that remembers, for each of its entries, the entry's position in the original. */
export interface CsrTransposed extends Csr {
  /** perm[k] = position in the original CSR of transposed entry k. */
  perm: Uint32Array;
}

export type NodeFeatures =
  { kind: 'dense'; dim: number; data: Float32Array } | { kind: 'sparse'; dim: number; csr: Csr };

export type NodeLabels =
  | { kind: 'multiclass'; numClasses: number; /** -1 = no label */ y: Int32Array }
  | {
      kind: 'multilabel';
      numTasks: number;
      /** n × numTasks row-major, 0 or 1 */ y: Uint8Array;
    };

export const SPLIT_NONE = 0;
export const SPLIT_TRAIN = 1;
export const SPLIT_VALID = 2;
export const SPLIT_TEST = 3;

export interface Subgraph {
  numNodes: number;
  /** In-edges: row i lists the sources j of edges j → i (local ids), no duplicates, no self-loops. */
  adj: Csr;
  /** Per-edge features aligned with adj's entries (nnz × edgeDim, row-major), where the data has them. */
  edgeFeatures?: { dim: number; data: Float32Array };
  features: NodeFeatures;
  labels: NodeLabels;
  /** SPLIT_* per node. */
  split: Uint8Array;
  /** Global id of each local node. */
  globalIds: Uint32Array;
}
