// From decoded shards to the Subgraph a training step sees, and the paper's training protocol:
// the loaded nodes split into P random parts afresh each epoch (seeded), each part's induced
// subgraph one optimizer step — or each shard one step.
//
// Conventions (src/graph/types.ts): local ids 0..n-1, in ascending global id; adj rows are
// IN-edges (row i lists the sources j of j → i), ascending local ids, no duplicates, no self-loops.
import { DatasetError } from './errors';
import { MANIFEST_FILE, type DatasetManifest, type ShardData } from './format';
import { PartAssembler } from './part-assembler';
import { Rng, mixSeed } from './rng';
import type { Csr, NodeFeatures, NodeLabels, Subgraph } from './types';

export interface AssembledGraph {
  graph: Subgraph;
  /** For each loaded shard (in the order given), its nodes as ascending local ids of `graph`. */
  shardNodes: Uint32Array[];
}

/**
 * The exact induced subgraph on the union of the given shards' nodes. Edges to nodes outside the
 * loaded shards are dropped. With every shard loaded, checks the split counts and (for a symmetric
 * dataset) that each edge has its reverse.
 */
export function assembleSubgraph(
  manifest: DatasetManifest,
  shards: ShardData[],
  opts: { checkSymmetry?: boolean } = {},
): AssembledGraph {
  const N = manifest.numNodes;
  const assembler = new PartAssembler(
    manifest,
    shards.map((s) => ({ index: s.index, globalIds: s.globalIds })),
  );
  for (const s of shards) assembler.add(s);
  const graph = assembler.finish();
  const { numNodes: n, split, adj, globalIds } = graph;
  const shardNodes = assembler.shardNodes;

  if (n === N) {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[split[i]]++;
    const listed = [
      manifest.split.none,
      manifest.split.train,
      manifest.split.valid,
      manifest.split.test,
    ];
    const names = ['none', 'train', 'valid', 'test'];
    for (const c of [1, 2, 3, 0]) {
      if (counts[c] !== listed[c]) {
        throw new DatasetError(
          MANIFEST_FILE,
          `split.${names[c]}`,
          `${counts[c]} nodes (counted in the shards)`,
          `${listed[c]}`,
          'the manifest and the shards disagree',
        );
      }
    }
    if (manifest.symmetric && opts.checkSymmetry !== false) checkSymmetric(adj, globalIds);
  }
  return { graph, shardNodes };
}

function hasEntry(adj: Csr, row: number, col: number): boolean {
  let lo = adj.rowPtr[row];
  let hi = adj.rowPtr[row + 1];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = adj.colIdx[mid];
    if (v === col) return true;
    if (v < col) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

function checkSymmetric(adj: Csr, globalIds: Uint32Array): void {
  for (let i = 0; i < adj.rows; i++) {
    for (let k = adj.rowPtr[i]; k < adj.rowPtr[i + 1]; k++) {
      const j = adj.colIdx[k];
      if (!hasEntry(adj, j, i)) {
        throw new DatasetError(
          MANIFEST_FILE,
          'symmetric',
          `every edge with its reverse (the manifest says symmetric: true)`,
          `edge ${globalIds[j]} → ${globalIds[i]} without ${globalIds[i]} → ${globalIds[j]}`,
        );
      }
    }
  }
}

/** Symmetry of an in-memory adjacency (true when every entry has its transpose). */
export function isSymmetric(adj: Csr): boolean {
  for (let i = 0; i < adj.rows; i++) {
    for (let k = adj.rowPtr[i]; k < adj.rowPtr[i + 1]; k++) {
      if (!hasEntry(adj, adj.colIdx[k], i)) return false;
    }
  }
  return true;
}

/**
 * The induced subgraph of `g` on `nodes` (local ids of g). The nodes are taken in ascending order,
 * so the result's local id k is the k-th smallest of them; globalIds carry through.
 */
export function inducedSubgraph(g: Subgraph, nodes: ArrayLike<number>): Subgraph {
  const sorted = Uint32Array.from(nodes).sort();
  const n = sorted.length;
  const localOf = new Int32Array(g.numNodes).fill(-1);
  for (let k = 0; k < n; k++) {
    if (localOf[sorted[k]] !== -1 || sorted[k] >= g.numNodes) {
      throw new RangeError(`inducedSubgraph: node ${sorted[k]} repeated or out of range`);
    }
    localOf[sorted[k]] = k;
  }
  const { rowPtr: gp, colIdx: gc } = g.adj;
  const rowPtr = new Uint32Array(n + 1);
  for (let k = 0; k < n; k++) {
    const i = sorted[k];
    let c = 0;
    for (let e = gp[i]; e < gp[i + 1]; e++) if (localOf[gc[e]] !== -1) c++;
    rowPtr[k + 1] = rowPtr[k] + c;
  }
  const colIdx = new Uint32Array(rowPtr[n]);
  const efDim = g.edgeFeatures?.dim ?? 0;
  const ef = g.edgeFeatures ? new Float32Array(rowPtr[n] * efDim) : null;
  for (let k = 0; k < n; k++) {
    const i = sorted[k];
    let out = rowPtr[k];
    for (let e = gp[i]; e < gp[i + 1]; e++) {
      const l = localOf[gc[e]];
      if (l === -1) continue;
      colIdx[out] = l;
      if (ef) ef.set(g.edgeFeatures!.data.subarray(e * efDim, (e + 1) * efDim), out * efDim);
      out++;
    }
  }
  const globalIds = new Uint32Array(n);
  const split = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    globalIds[k] = g.globalIds[sorted[k]];
    split[k] = g.split[sorted[k]];
  }
  const sub: Subgraph = {
    numNodes: n,
    adj: { rows: n, cols: n, rowPtr, colIdx },
    features: selectFeatures(g.features, sorted),
    labels: selectLabels(g.labels, sorted),
    split,
    globalIds,
  };
  if (ef) sub.edgeFeatures = { dim: efDim, data: ef };
  return sub;
}

function selectFeatures(f: NodeFeatures, rows: Uint32Array): NodeFeatures {
  const n = rows.length;
  if (f.kind === 'dense') {
    const data = new Float32Array(n * f.dim);
    for (let k = 0; k < n; k++) {
      data.set(f.data.subarray(rows[k] * f.dim, (rows[k] + 1) * f.dim), k * f.dim);
    }
    return { kind: 'dense', dim: f.dim, data };
  }
  const c = f.csr;
  const rowPtr = new Uint32Array(n + 1);
  for (let k = 0; k < n; k++) rowPtr[k + 1] = rowPtr[k] + c.rowPtr[rows[k] + 1] - c.rowPtr[rows[k]];
  const colIdx = new Uint32Array(rowPtr[n]);
  const values = new Float32Array(rowPtr[n]);
  for (let k = 0; k < n; k++) {
    const a = c.rowPtr[rows[k]];
    const b = c.rowPtr[rows[k] + 1];
    colIdx.set(c.colIdx.subarray(a, b), rowPtr[k]);
    if (c.values) values.set(c.values.subarray(a, b), rowPtr[k]);
    else values.fill(1, rowPtr[k], rowPtr[k + 1]);
  }
  return { kind: 'sparse', dim: f.dim, csr: { rows: n, cols: f.dim, rowPtr, colIdx, values } };
}

function selectLabels(l: NodeLabels, rows: Uint32Array): NodeLabels {
  const n = rows.length;
  if (l.kind === 'multiclass') {
    const y = new Int32Array(n);
    for (let k = 0; k < n; k++) y[k] = l.y[rows[k]];
    return { kind: 'multiclass', numClasses: l.numClasses, y };
  }
  const T = l.numTasks;
  const y = new Uint8Array(n * T);
  for (let k = 0; k < n; k++) y.set(l.y.subarray(rows[k] * T, (rows[k] + 1) * T), k * T);
  return { kind: 'multilabel', numTasks: T, y };
}

/** One training step's graph: `nodes` are its members as local ids of the parent graph. */
export interface GraphPart {
  nodes: Uint32Array;
  graph: Subgraph;
}

/**
 * Assigns n nodes to P parts at random (sizes differ by at most one): a seeded permutation cut
 * into P contiguous runs. Returns the part of every node.
 */
export function randomPartition(n: number, parts: number, rng: Rng): Uint32Array {
  if (!Number.isInteger(parts) || parts < 1) {
    throw new RangeError(`the number of parts must be a whole number ≥ 1, got ${parts}`);
  }
  const perm = rng.permutation(n);
  const partOf = new Uint32Array(n);
  for (let k = 0; k < n; k++) partOf[perm[k]] = Math.floor((k * parts) / n);
  return partOf;
}

/** The nodes of each part, ascending. */
export function partMembers(partOf: Uint32Array, parts: number): Uint32Array[] {
  const counts = new Uint32Array(parts);
  for (let i = 0; i < partOf.length; i++) counts[partOf[i]]++;
  const members = Array.from(counts, (c) => new Uint32Array(c));
  const fill = new Uint32Array(parts);
  for (let i = 0; i < partOf.length; i++) members[partOf[i]][fill[partOf[i]]++] = i;
  return members;
}

/**
 * The paper's protocol: the graph's nodes split into `parts` random parts, fresh for each epoch
 * (seeded by seed and epoch, so a run is reproducible), each part's induced subgraph one step.
 * parts = 1 gives the whole graph. For fixed evaluation partitions pass a fixed epoch (e.g. -1).
 */
export function randomParts(g: Subgraph, parts: number, seed: number, epoch: number): GraphPart[] {
  if (parts === 1) return [{ nodes: identity(g.numNodes), graph: g }];
  const partOf = randomPartition(g.numNodes, parts, new Rng(mixSeed(seed, epoch)));
  return partMembers(partOf, parts).map((nodes) => ({ nodes, graph: inducedSubgraph(g, nodes) }));
}

/** Each loaded shard's induced subgraph as one step (the shards' fixed random partition). */
export function shardParts(assembled: AssembledGraph): GraphPart[] {
  if (assembled.shardNodes.length === 1) {
    return [{ nodes: assembled.shardNodes[0], graph: assembled.graph }];
  }
  return assembled.shardNodes.map((nodes) => ({
    nodes,
    graph: inducedSubgraph(assembled.graph, nodes),
  }));
}

function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
