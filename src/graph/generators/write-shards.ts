// Node-only. Streams a PaperModel into this project's dataset format (docs/dataset-format.md)
// with memory of one shard, not of the graph: pass 1 draws every node's edges and appends each
// entry (both directions) to its destination shard's bucket file; pass 2 reads one bucket at a
// time, sorts it into the shard's in-edge rows, adds node features and labels, checks the shard
// with the loader's own validation and writes it. (convert/write.ts's writeDataset needs the
// whole graph in memory, which ogbn-proteins' 79 M entries × 8 edge features do not allow.)
import { closeSync, openSync, readSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressFn } from '../convert/input';
import { manifestText } from '../convert/write';
import {
  FORMAT_NAME,
  FORMAT_VERSION,
  MANIFEST_FILE,
  bitsBytesPerNode,
  crc32Hex,
  encodeShard,
  shardFileName,
  type DatasetManifest,
  type ShardData,
} from '../format';
import { Rng } from '../rng';
import type { NodeFeatures } from '../types';
import { validateManifest, validateShard } from '../validate';
import type { PaperModel } from './paper-model';

export interface ShardWriteOptions {
  shards: number;
  /** Seed of the node partition into shards (as `convert --seed`: the same partition). */
  partitionSeed: number;
  onProgress?: ProgressFn;
  /** The manifest's descriptive fields. */
  name: string;
  description: string;
  source: string;
  splitDescription: string;
  notes: string[];
}

/** The same seeded partition as convert/write.ts's (so generate and convert agree shard by shard). */
function partition(N: number, K: number, seed: number): Uint32Array {
  const perm = new Rng(seed).permutation(N);
  const partOf = new Uint32Array(N);
  for (let k = 0; k < N; k++) partOf[perm[k]] = Math.floor((k * K) / N);
  return partOf;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Per-shard append buffers over bucket files of fixed-size records (dst, src, edge features). */
class Buckets {
  private readonly words: number;
  private readonly bufs: Uint32Array[];
  private readonly bufsF32: Float32Array[];
  private readonly fill: Uint32Array;
  private readonly fds: number[];
  readonly counts: Float64Array;

  constructor(
    readonly dir: string,
    K: number,
    readonly edgeDim: number,
  ) {
    const record = 2 + edgeDim;
    // 64 MiB of buffers in all, at most 1 MiB each.
    const perShard = Math.max(record, Math.min(1 << 18, Math.floor((1 << 24) / K)));
    this.words = perShard - (perShard % record);
    this.bufs = Array.from({ length: K }, () => new Uint32Array(this.words));
    this.bufsF32 = this.bufs.map((b) => new Float32Array(b.buffer));
    this.fill = new Uint32Array(K);
    this.fds = Array.from({ length: K }, (_, s) => openSync(this.file(s), 'w'));
    this.counts = new Float64Array(K);
  }

  file(s: number): string {
    return join(this.dir, `.bucket-${shardFileName(s)}`);
  }

  push(s: number, dst: number, src: number, ef: Float32Array | null, efAt: number): void {
    let f = this.fill[s];
    if (f === this.words) {
      this.flush(s);
      f = 0;
    }
    const b = this.bufs[s];
    b[f] = dst;
    b[f + 1] = src;
    if (ef) {
      const out = this.bufsF32[s];
      for (let d = 0; d < this.edgeDim; d++) out[f + 2 + d] = ef[efAt + d];
    }
    this.fill[s] = f + 2 + this.edgeDim;
    this.counts[s]++;
  }

  private flush(s: number): void {
    const b = this.bufs[s];
    writeSync(this.fds[s], new Uint8Array(b.buffer, 0, this.fill[s] * 4));
    this.fill[s] = 0;
  }

  close(): void {
    for (let s = 0; s < this.fds.length; s++) {
      this.flush(s);
      closeSync(this.fds[s]);
    }
  }

  /** Reads shard s's records into one buffer and deletes its file. */
  take(s: number): Uint32Array {
    const words = this.counts[s] * (2 + this.edgeDim);
    const out = new Uint32Array(words);
    const bytes = new Uint8Array(out.buffer);
    const fd = openSync(this.file(s), 'r');
    try {
      let off = 0;
      while (off < bytes.length) {
        const n = readSync(fd, bytes, off, Math.min(1 << 26, bytes.length - off), off);
        if (n <= 0) throw new Error(`${this.file(s)}: ended at byte ${off} of ${bytes.length}`);
        off += n;
      }
    } finally {
      closeSync(fd);
    }
    unlinkSync(this.file(s));
    return out;
  }
}

/** Pass 2 for one shard: bucket records → in-edge rows ascending by source, features, labels. */
function buildShard(
  model: PaperModel,
  s: number,
  members: Uint32Array,
  localOf: Uint32Array,
  records: Uint32Array,
): ShardData {
  const E = model.edgeDim;
  const R = 2 + E;
  const e = records.length / R;
  const n = members.length;
  const rowPtr = new Uint32Array(n + 1);
  for (let r = 0; r < e; r++) rowPtr[localOf[records[r * R]] + 1]++;
  for (let i = 0; i < n; i++) rowPtr[i + 1] += rowPtr[i];
  // Sort keys src·e + record: exact in a float64 while N·e < 2^53 (far beyond products).
  if (model.N * e >= 2 ** 53) throw new Error('buildShard: shard too large for float64 keys');
  const keys = new Float64Array(e);
  const fill = rowPtr.slice(0, n);
  for (let r = 0; r < e; r++) keys[fill[localOf[records[r * R]]]++] = records[r * R + 1] * e + r;
  for (let i = 0; i < n; i++) keys.subarray(rowPtr[i], rowPtr[i + 1]).sort();
  const colIdx = new Uint32Array(e);
  const efRecords = E ? new Float32Array(records.buffer) : null;
  const ef = E ? new Float32Array(e * E) : null;
  for (let t = 0; t < e; t++) {
    const src = Math.floor(keys[t] / e);
    colIdx[t] = src;
    if (ef) {
      const r = keys[t] - src * e;
      ef.set(efRecords!.subarray(r * R + 2, r * R + 2 + E), t * E);
    }
  }

  const D = model.featureDim;
  const x = new Float32Array(n * D);
  if (ef) {
    // Node inputs = the mean of incident edge features, summed in row order as
    // convert/edges.ts's meanIncidentEdgeFeatures does (so convert --format ogb gives the same).
    const acc = new Float64Array(E);
    for (let i = 0; i < n; i++) {
      const a = rowPtr[i];
      const b = rowPtr[i + 1];
      if (b === a) continue;
      acc.fill(0);
      for (let k = a; k < b; k++) for (let d = 0; d < E; d++) acc[d] += ef[k * E + d];
      for (let d = 0; d < E; d++) x[i * D + d] = acc[d] / (b - a);
    }
  } else {
    for (let i = 0; i < n; i++) model.nodeFeatures(members[i], x, i * D);
  }
  const features: NodeFeatures = { kind: 'dense', dim: D, data: x };

  const split = new Uint8Array(n);
  for (let i = 0; i < n; i++) split[i] = model.split[members[i]];
  let labels: ShardData['labels'];
  if (model.sizes.task === 'multiclass') {
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = model.classOf(members[i]);
    labels = { kind: 'multiclass', numClasses: model.sizes.labelWidth, y };
  } else {
    const T = model.sizes.labelWidth;
    const B = bitsBytesPerNode(T);
    const bits = new Uint8Array(n * B);
    const tasks = new Uint8Array(T);
    for (let i = 0; i < n; i++) {
      model.nodeTasks(members[i], tasks, 0);
      for (let t = 0; t < T; t++) if (tasks[t]) bits[i * B + (t >> 3)] |= 1 << (t & 7);
    }
    labels = { kind: 'multilabel', numTasks: T, bits };
  }
  const shard: ShardData = {
    index: s,
    totalNodes: model.N,
    globalIds: members,
    split,
    labels,
    features,
    adj: { rowPtr, colIdx },
  };
  if (ef) shard.edgeFeatures = { dim: E, data: ef };
  return shard;
}

function manifestHead(model: PaperModel, opts: ShardWriteOptions): DatasetManifest {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < model.N; i++) counts[model.split[i]]++;
  const multi = model.sizes.task === 'multiclass';
  const m: DatasetManifest = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    name: opts.name,
    description: opts.description,
    source: opts.source,
    numNodes: model.N,
    numEdges: 2 * model.M,
    symmetric: true,
    task: model.sizes.task,
    metric: multi ? 'accuracy' : 'rocauc',
    features: { kind: 'dense', dim: model.featureDim },
    edgeFeatures: model.edgeDim ? { dim: model.edgeDim } : null,
    split: {
      train: counts[1],
      valid: counts[2],
      test: counts[3],
      none: counts[0],
      description: opts.splitDescription,
    },
    partition: { method: 'random', seed: opts.partitionSeed, shards: opts.shards },
    notes: opts.notes,
    checksum: 'crc32',
    shards: [],
  };
  if (multi) m.numClasses = model.sizes.labelWidth;
  else m.numTasks = model.sizes.labelWidth;
  if (!model.sizes.featureDim) {
    m.features.derived =
      'mean of incident edge features (as OGB proteins examples: x = adj_t.mean(dim=1))';
  }
  return m;
}

/** Writes the dataset's files into `dir` (a staging folder); returns the manifest written. */
export async function writeGeneratedShards(
  model: PaperModel,
  dir: string,
  opts: ShardWriteOptions,
): Promise<DatasetManifest> {
  const { N } = model;
  const K = opts.shards;
  if (!Number.isInteger(K) || K < 1 || K > N) {
    throw new RangeError(`--shards: expected a whole number from 1 to ${N}, found ${K}`);
  }
  const partOf = partition(N, K, opts.partitionSeed);
  const sizes = new Uint32Array(K);
  const localOf = new Uint32Array(N);
  for (let i = 0; i < N; i++) localOf[i] = sizes[partOf[i]]++;
  const members = Array.from(sizes, (c) => new Uint32Array(c));
  for (let i = 0; i < N; i++) members[partOf[i]][localOf[i]] = i;

  const E = model.edgeDim;
  const partners = new Uint32Array(model.maxQuota);
  const ef = E ? new Float32Array(model.maxQuota * E) : null;
  const buckets = new Buckets(dir, K, E);
  let drawn = 0;
  let since = 0;
  try {
    for (let u = 0; u < N; u++) {
      const c = model.nodeEdges(u, partners, ef);
      const su = partOf[u];
      for (let k = 0; k < c; k++) {
        const v = partners[k];
        buckets.push(partOf[v], v, u, ef, k * E);
        buckets.push(su, u, v, ef, k * E);
      }
      drawn += c;
      since += c + 1;
      if (since > 1 << 18) {
        since = 0;
        opts.onProgress?.({ stage: 'build', label: 'edges', done: drawn, total: model.M });
        await yieldToEventLoop();
      }
    }
  } finally {
    buckets.close();
  }
  opts.onProgress?.({ stage: 'build', label: 'edges', done: model.M, total: model.M });

  const manifest = manifestHead(model, opts);
  for (let s = 0; s < K; s++) {
    opts.onProgress?.({ stage: 'write', label: `shard ${s + 1} of ${K}`, done: s, total: K });
    await yieldToEventLoop();
    const shard = buildShard(model, s, members[s], localOf, buckets.take(s));
    const bytes = encodeShard(shard);
    manifest.shards.push({
      file: shardFileName(s),
      nodes: members[s].length,
      edges: shard.adj.colIdx.length,
      bytes: bytes.length,
      crc32: crc32Hex(bytes),
    });
    validateShard(bytes, manifest, s);
    writeFileSync(join(dir, shardFileName(s)), bytes);
  }
  const text = manifestText(manifest);
  validateManifest(JSON.parse(text));
  writeFileSync(join(dir, MANIFEST_FILE), text);
  opts.onProgress?.({ stage: 'done', label: opts.name, done: K, total: K });
  return manifest;
}
