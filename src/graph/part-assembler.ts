// The induced subgraph on the union of some shards' nodes, assembled one shard at a time: the
// members of every shard are known first (their global ids), so each shard can be read, its
// rows filtered to the part and copied out, and dropped before the next is read. Memory: one
// shard plus the part, never the group of shards at once.
//
// Conventions (src/graph/types.ts): local ids 0..n-1 in ascending global id; adj rows are
// IN-edges (row i lists the sources j of j → i), ascending, no duplicates; edge features keep
// their positions in the rows.
import { DatasetError } from './errors';
import type { DatasetManifest, ShardData } from './format';
import type { Csr, NodeFeatures, NodeLabels, Subgraph } from './types';

/** One shard's rows, filtered to the part, in the shard's row order. */
interface ShardRows {
  /** Local id of each of the shard's rows. */
  local: Uint32Array;
  /** Kept in-edges per row. */
  counts: Uint32Array;
  colIdx: Uint32Array;
  edgeFeatures: Float32Array | null;
  split: Uint8Array;
  labels: Int32Array | Uint8Array;
  features: Float32Array | { rowPtr: Uint32Array; colIdx: Uint32Array; values: Float32Array };
}

export class PartAssembler {
  readonly numNodes: number;
  readonly globalIds: Uint32Array;
  /** For each shard given at construction (in order), its nodes as local ids. */
  readonly shardNodes: Uint32Array[];
  private readonly localOf: Int32Array;
  private readonly position = new Map<number, number>();
  private readonly rows: (ShardRows | null)[];

  /** `members`: for each shard of the part, its shard index and its nodes' global ids. */
  constructor(
    private readonly manifest: DatasetManifest,
    members: { index: number; globalIds: Uint32Array }[],
  ) {
    const N = manifest.numNodes;
    const owner = new Int32Array(N).fill(-1);
    for (const m of members) {
      const file = manifest.shards[m.index]?.file ?? `shard ${m.index}`;
      for (let r = 0; r < m.globalIds.length; r++) {
        const g = m.globalIds[r];
        if (owner[g] !== -1) {
          throw new DatasetError(
            file,
            `globalIds[${r}]`,
            'each node in exactly one shard',
            `node ${g} also in shard ${manifest.shards[owner[g]]?.file ?? owner[g]}`,
          );
        }
        owner[g] = m.index;
      }
    }
    let n = 0;
    for (let g = 0; g < N; g++) if (owner[g] !== -1) n++;
    this.numNodes = n;
    this.globalIds = new Uint32Array(n);
    this.localOf = owner;
    for (let g = 0, l = 0; g < N; g++) {
      if (owner[g] === -1) continue;
      this.globalIds[l] = g;
      owner[g] = l++;
    }
    members.forEach((m, p) => this.position.set(m.index, p));
    this.shardNodes = members.map((m) => Uint32Array.from(m.globalIds, (g) => owner[g]));
    this.rows = members.map(() => null);
  }

  /** Takes what the part needs of one of its shards; the shard can be dropped afterwards. */
  add(s: ShardData): void {
    const p = this.position.get(s.index);
    if (p === undefined) throw new Error(`shard ${s.index} is not part of this assembly`);
    const { localOf } = this;
    const n = s.globalIds.length;
    const counts = new Uint32Array(n);
    let kept = 0;
    for (let r = 0; r < n; r++) {
      let c = 0;
      for (let k = s.adj.rowPtr[r]; k < s.adj.rowPtr[r + 1]; k++)
        if (localOf[s.adj.colIdx[k]] !== -1) c++;
      counts[r] = c;
      kept += c;
    }
    const colIdx = new Uint32Array(kept);
    const efDim = this.manifest.edgeFeatures?.dim ?? 0;
    const ef = efDim > 0 ? new Float32Array(kept * efDim) : null;
    let out = 0;
    for (let r = 0; r < n; r++) {
      for (let k = s.adj.rowPtr[r]; k < s.adj.rowPtr[r + 1]; k++) {
        const l = localOf[s.adj.colIdx[k]];
        if (l === -1) continue;
        colIdx[out] = l;
        if (ef) ef.set(s.edgeFeatures!.data.subarray(k * efDim, (k + 1) * efDim), out * efDim);
        out++;
      }
    }
    this.rows[p] = {
      local: this.shardNodes[p],
      counts,
      colIdx,
      edgeFeatures: ef,
      split: s.split.slice(),
      labels: s.labels.kind === 'multiclass' ? s.labels.y.slice() : s.labels.bits.slice(),
      features:
        s.features.kind === 'dense'
          ? s.features.data.slice()
          : {
              rowPtr: s.features.csr.rowPtr.slice(),
              colIdx: s.features.csr.colIdx.slice(),
              values: s.features.csr.values?.slice() ?? new Float32Array(0),
            },
    };
  }

  /** The part's subgraph, once every shard has been added. */
  finish(): Subgraph {
    const n = this.numNodes;
    const missing = this.rows.findIndex((r) => r === null);
    if (missing >= 0) throw new Error(`shard at position ${missing} was never added`);
    const shards = this.rows as ShardRows[];
    // Where each local node's row lives: (shard position, row).
    const srcShard = new Uint32Array(n);
    const srcRow = new Uint32Array(n);
    shards.forEach((s, p) =>
      s.local.forEach((l, r) => {
        srcShard[l] = p;
        srcRow[l] = r;
      }),
    );
    const rowStart = shards.map((s) => {
      const a = new Uint32Array(s.counts.length + 1);
      for (let r = 0; r < s.counts.length; r++) a[r + 1] = a[r] + s.counts[r];
      return a;
    });
    const rowPtr = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) rowPtr[i + 1] = rowPtr[i] + shards[srcShard[i]].counts[srcRow[i]];
    const nnz = rowPtr[n];
    const colIdx = new Uint32Array(nnz);
    const efDim = this.manifest.edgeFeatures?.dim ?? 0;
    const ef = efDim > 0 ? new Float32Array(nnz * efDim) : null;
    const split = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const s = shards[srcShard[i]];
      const r = srcRow[i];
      const a = rowStart[srcShard[i]][r];
      const b = a + s.counts[r];
      colIdx.set(s.colIdx.subarray(a, b), rowPtr[i]);
      if (ef) ef.set(s.edgeFeatures!.subarray(a * efDim, b * efDim), rowPtr[i] * efDim);
      split[i] = s.split[r];
    }
    const adj: Csr = { rows: n, cols: n, rowPtr, colIdx };
    const graph: Subgraph = {
      numNodes: n,
      adj,
      features: this.features(shards, srcShard, srcRow),
      labels: this.labels(shards, srcShard, srcRow),
      split,
      globalIds: this.globalIds,
    };
    if (ef) graph.edgeFeatures = { dim: efDim, data: ef };
    return graph;
  }

  private features(shards: ShardRows[], srcShard: Uint32Array, srcRow: Uint32Array): NodeFeatures {
    const n = srcShard.length;
    const dim = this.manifest.features.dim;
    if (this.manifest.features.kind === 'dense') {
      const data = new Float32Array(n * dim);
      for (let i = 0; i < n; i++) {
        const f = shards[srcShard[i]].features as Float32Array;
        const r = srcRow[i];
        data.set(f.subarray(r * dim, (r + 1) * dim), i * dim);
      }
      return { kind: 'dense', dim, data };
    }
    type Sparse = { rowPtr: Uint32Array; colIdx: Uint32Array; values: Float32Array };
    const csrOf = (i: number) => shards[srcShard[i]].features as Sparse;
    const rowPtr = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const c = csrOf(i);
      rowPtr[i + 1] = rowPtr[i] + c.rowPtr[srcRow[i] + 1] - c.rowPtr[srcRow[i]];
    }
    const colIdx = new Uint32Array(rowPtr[n]);
    const values = new Float32Array(rowPtr[n]);
    for (let i = 0; i < n; i++) {
      const c = csrOf(i);
      const a = c.rowPtr[srcRow[i]];
      const b = c.rowPtr[srcRow[i] + 1];
      colIdx.set(c.colIdx.subarray(a, b), rowPtr[i]);
      if (c.values.length) values.set(c.values.subarray(a, b), rowPtr[i]);
      else values.fill(1, rowPtr[i], rowPtr[i + 1]);
    }
    return { kind: 'sparse', dim, csr: { rows: n, cols: dim, rowPtr, colIdx, values } };
  }

  private labels(shards: ShardRows[], srcShard: Uint32Array, srcRow: Uint32Array): NodeLabels {
    const n = srcShard.length;
    const m = this.manifest;
    if (m.task === 'multiclass') {
      const y = new Int32Array(n);
      for (let i = 0; i < n; i++) y[i] = (shards[srcShard[i]].labels as Int32Array)[srcRow[i]];
      return { kind: 'multiclass', numClasses: m.numClasses!, y };
    }
    const T = m.numTasks!;
    const B = Math.ceil(T / 8);
    const y = new Uint8Array(n * T);
    for (let i = 0; i < n; i++) {
      const bits = shards[srcShard[i]].labels as Uint8Array;
      const base = srcRow[i] * B;
      for (let t = 0; t < T; t++) y[i * T + t] = (bits[base + (t >> 3)] >> (t & 7)) & 1;
    }
    return { kind: 'multilabel', numTasks: T, y };
  }
}
