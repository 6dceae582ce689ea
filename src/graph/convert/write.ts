// Writes a whole graph as a dataset folder: a seeded random partition of the nodes into K shards,
// each encoded, checksummed and checked by the loader's own validation before anything is
// committed; the manifest is written last. A sink stages files and makes them visible only on
// commit (a temp folder renamed, or one IndexedDB transaction), so a failure leaves nothing behind.
import { DatasetError } from '../errors';
import {
  FORMAT_NAME,
  FORMAT_VERSION,
  MANIFEST_FILE,
  bitsBytesPerNode,
  crc32Hex,
  encodeShard,
  shardFileName,
  type DatasetManifest,
  type Metric,
  type ShardData,
} from '../format';
import { Rng } from '../rng';
import { isSymmetric, partMembers, randomPartition } from '../subgraph';
import type { NodeFeatures, Subgraph } from '../types';
import { validateManifest, validateShard } from '../validate';
import type { ProgressFn } from './input';

/** Where a converted dataset goes. Nothing is visible until commit(); abort() removes the staging. */
export interface DatasetSink {
  readonly label: string;
  writeFile(name: string, bytes: Uint8Array): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** What the manifest says about a graph beyond its arrays. */
export interface DatasetMeta {
  name: string;
  description: string;
  source: string;
  metric: Metric;
  symmetric: boolean;
  splitDescription: string;
  featuresDerived?: string;
  suggestedParts?: number;
  notes: string[];
}

export interface WriteOptions {
  /** K, the number of shards (≥ 1). */
  shards: number;
  /** Seed of the random node partition into shards. */
  seed: number;
  onProgress?: ProgressFn;
}

/**
 * A whole graph ready to be written: a Subgraph whose local ids ARE the global ids
 * (globalIds[i] = i), adjacency in the stored convention (in-edges, rows ascending, no repeats,
 * no self-loops).
 */
export type FullGraph = Subgraph;

function shardOf(g: FullGraph, members: Uint32Array, index: number): ShardData {
  const n = members.length;
  const split = new Uint8Array(n);
  for (let r = 0; r < n; r++) split[r] = g.split[members[r]];

  let labels: ShardData['labels'];
  if (g.labels.kind === 'multiclass') {
    const y = new Int32Array(n);
    for (let r = 0; r < n; r++) y[r] = g.labels.y[members[r]];
    labels = { kind: 'multiclass', numClasses: g.labels.numClasses, y };
  } else {
    const T = g.labels.numTasks;
    const B = bitsBytesPerNode(T);
    const bits = new Uint8Array(n * B);
    for (let r = 0; r < n; r++) {
      const base = members[r] * T;
      for (let t = 0; t < T; t++) if (g.labels.y[base + t]) bits[r * B + (t >> 3)] |= 1 << (t & 7);
    }
    labels = { kind: 'multilabel', numTasks: T, bits };
  }

  let features: NodeFeatures;
  if (g.features.kind === 'dense') {
    const { dim, data } = g.features;
    const out = new Float32Array(n * dim);
    for (let r = 0; r < n; r++)
      out.set(data.subarray(members[r] * dim, (members[r] + 1) * dim), r * dim);
    features = { kind: 'dense', dim, data: out };
  } else {
    const c = g.features.csr;
    const rowPtr = new Uint32Array(n + 1);
    for (let r = 0; r < n; r++)
      rowPtr[r + 1] = rowPtr[r] + c.rowPtr[members[r] + 1] - c.rowPtr[members[r]];
    const colIdx = new Uint32Array(rowPtr[n]);
    const values = new Float32Array(rowPtr[n]);
    for (let r = 0; r < n; r++) {
      const a = c.rowPtr[members[r]];
      const b = c.rowPtr[members[r] + 1];
      colIdx.set(c.colIdx.subarray(a, b), rowPtr[r]);
      if (c.values) values.set(c.values.subarray(a, b), rowPtr[r]);
      else values.fill(1, rowPtr[r], rowPtr[r + 1]);
    }
    features = {
      kind: 'sparse',
      dim: g.features.dim,
      csr: { rows: n, cols: c.cols, rowPtr, colIdx, values },
    };
  }

  const A = g.adj;
  const rowPtr = new Uint32Array(n + 1);
  for (let r = 0; r < n; r++)
    rowPtr[r + 1] = rowPtr[r] + A.rowPtr[members[r] + 1] - A.rowPtr[members[r]];
  const colIdx = new Uint32Array(rowPtr[n]);
  const efDim = g.edgeFeatures?.dim ?? 0;
  const ef = efDim ? new Float32Array(rowPtr[n] * efDim) : null;
  for (let r = 0; r < n; r++) {
    const a = A.rowPtr[members[r]];
    const b = A.rowPtr[members[r] + 1];
    colIdx.set(A.colIdx.subarray(a, b), rowPtr[r]);
    if (ef) ef.set(g.edgeFeatures!.data.subarray(a * efDim, b * efDim), rowPtr[r] * efDim);
  }
  const shard: ShardData = {
    index,
    totalNodes: g.numNodes,
    globalIds: members,
    split,
    labels,
    features,
    adj: { rowPtr, colIdx },
  };
  if (ef) shard.edgeFeatures = { dim: efDim, data: ef };
  return shard;
}

/** The manifest for a graph, without its shard list. */
function manifestHead(g: FullGraph, meta: DatasetMeta, opts: WriteOptions): DatasetManifest {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < g.numNodes; i++) counts[g.split[i]]++;
  const m: DatasetManifest = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    name: meta.name,
    description: meta.description,
    source: meta.source,
    numNodes: g.numNodes,
    numEdges: g.adj.colIdx.length,
    symmetric: meta.symmetric,
    task: g.labels.kind,
    metric: meta.metric,
    features:
      g.features.kind === 'sparse'
        ? { kind: 'sparse', dim: g.features.dim, nnz: g.features.csr.colIdx.length }
        : { kind: 'dense', dim: g.features.dim },
    edgeFeatures: g.edgeFeatures ? { dim: g.edgeFeatures.dim } : null,
    split: {
      train: counts[1],
      valid: counts[2],
      test: counts[3],
      none: counts[0],
      description: meta.splitDescription,
    },
    partition: { method: 'random', seed: opts.seed, shards: opts.shards },
    notes: meta.notes,
    checksum: 'crc32',
    shards: [],
  };
  if (g.labels.kind === 'multiclass') m.numClasses = g.labels.numClasses;
  else m.numTasks = g.labels.numTasks;
  if (meta.featuresDerived) m.features.derived = meta.featuresDerived;
  if (meta.suggestedParts) m.suggestedParts = meta.suggestedParts;
  return m;
}

/** Stable JSON for the manifest: fixed key order (as built), two-space indent, final newline. */
export function manifestText(m: DatasetManifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}

/**
 * Partitions, encodes, validates and writes a dataset through `sink`, then commits it.
 * On any error the sink is aborted (nothing left behind) and the error rethrown.
 */
export async function writeDataset(
  g: FullGraph,
  meta: DatasetMeta,
  opts: WriteOptions,
  sink: DatasetSink,
): Promise<DatasetManifest> {
  try {
    const K = opts.shards;
    if (!Number.isInteger(K) || K < 1 || K > g.numNodes) {
      throw new DatasetError(
        sink.label,
        '--shards',
        `a whole number from 1 to the node count (${g.numNodes})`,
        String(K),
      );
    }
    if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) {
      throw new DatasetError(
        sink.label,
        '--seed',
        'a whole number from 0 to 4294967295',
        String(opts.seed),
      );
    }
    for (let i = 0; i < g.numNodes; i++) {
      if (g.globalIds[i] !== i) throw new Error('writeDataset: a FullGraph has globalIds[i] = i');
    }
    if (meta.symmetric && !isSymmetric(g.adj)) {
      throw new DatasetError(
        sink.label,
        'symmetric',
        'every edge with its reverse',
        'a directed graph',
      );
    }
    const manifest = manifestHead(g, meta, opts);
    const members = partMembers(randomPartition(g.numNodes, K, new Rng(opts.seed)), K);
    for (let s = 0; s < K; s++) {
      opts.onProgress?.({ stage: 'write', label: `shard ${s + 1} of ${K}`, done: s, total: K });
      const shard = shardOf(g, members[s], s);
      const bytes = encodeShard(shard);
      const entry = {
        file: shardFileName(s),
        nodes: members[s].length,
        edges: shard.adj.colIdx.length,
        ...(shard.features.kind === 'sparse'
          ? { featureNnz: shard.features.csr.colIdx.length }
          : {}),
        bytes: bytes.length,
        crc32: crc32Hex(bytes),
      };
      manifest.shards.push(entry);
      // The loader's own checks, before the file is written: a converter never writes what the
      // loader would refuse.
      validateShard(bytes, manifest, s);
      await sink.writeFile(entry.file, bytes);
    }
    opts.onProgress?.({ stage: 'verify', label: MANIFEST_FILE, done: K, total: K });
    const text = manifestText(manifest);
    validateManifest(JSON.parse(text));
    await sink.writeFile(MANIFEST_FILE, new TextEncoder().encode(text));
    await sink.commit();
    opts.onProgress?.({ stage: 'done', label: meta.name, done: K, total: K });
    return manifest;
  } catch (e) {
    await sink.abort().catch(() => {});
    throw e;
  }
}

/** A sink in memory (tests; the page before it stores). */
export class MemorySink implements DatasetSink {
  readonly files = new Map<string, Uint8Array>();
  committed = false;
  aborted = false;
  constructor(readonly label = 'memory') {}
  async writeFile(name: string, bytes: Uint8Array): Promise<void> {
    this.files.set(name, bytes);
  }
  async commit(): Promise<void> {
    this.committed = true;
  }
  async abort(): Promise<void> {
    this.aborted = true;
    this.files.clear();
  }
}
