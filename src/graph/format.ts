// The on-disk dataset format (version 1): a folder with `manifest.json` and K binary shard files.
// Documented in docs/dataset-format.md; keep the two in step.
//
// A shard holds, for its nodes (ascending global ids): global ids, split codes, labels, features
// and the in-edge CSR rows of the FULL graph with global neighbour ids (+ per-edge features), so
// any set of shards yields the exact induced subgraph on its nodes. All numbers little-endian.
import { DatasetError } from './errors';
import type { NodeFeatures } from './types';

export const FORMAT_NAME = 'revgnn-dataset';
export const FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
/** "RGNS" read as a little-endian u32. */
export const SHARD_MAGIC = 0x534e4752;
export const SHARD_HEADER_BYTES = 64;

export const FEATURE_DENSE = 1;
export const FEATURE_SPARSE = 2;
export const LABEL_MULTICLASS = 1;
export const LABEL_MULTILABEL = 2;

export type Task = 'multiclass' | 'multilabel';
export type Metric = 'accuracy' | 'rocauc';

export interface ShardEntry {
  /** File name inside the dataset folder, e.g. "shard-000.bin". */
  file: string;
  nodes: number;
  /** Adjacency entries (in-edges, over the full graph) stored for this shard's nodes. */
  edges: number;
  /** Stored feature entries (sparse features only). */
  featureNnz?: number;
  bytes: number;
  /** CRC-32 (IEEE, as zlib/PNG) of the whole shard file, 8 lowercase hex digits. */
  crc32: string;
}

export interface DatasetManifest {
  format: typeof FORMAT_NAME;
  version: number;
  name: string;
  description: string;
  /** Where the data came from (converter, input, generator and its parameters). */
  source: string;
  numNodes: number;
  /** Adjacency entries over all shards: each directed in-edge once; an undirected edge twice. */
  numEdges: number;
  /** Every edge j → i has its reverse i → j. */
  symmetric: boolean;
  task: Task;
  metric: Metric;
  /** Multi-class: the class count (labels are 0..numClasses-1, -1 = none). */
  numClasses?: number;
  /** Multi-label: the task count (a bit set of tasks per node). */
  numTasks?: number;
  features: {
    kind: 'dense' | 'sparse';
    dim: number;
    /** Total stored entries (sparse only). */
    nnz?: number;
    /** How the features were made when they are not the input's own (e.g. from edge features). */
    derived?: string;
  };
  edgeFeatures: { dim: number } | null;
  split: { train: number; valid: number; test: number; none: number; description: string };
  partition: { method: 'random'; seed: number; shards: number };
  /** A hint for the trainer: how many random parts per epoch suit this dataset. */
  suggestedParts?: number;
  /** Facts the converter or generator wants a person to know (dropped self-loops, …). */
  notes: string[];
  checksum: 'crc32';
  shards: ShardEntry[];
}

/** One decoded shard. Adjacency columns are GLOBAL node ids. */
export interface ShardData {
  index: number;
  /** The whole dataset's node count, as written in the shard header. */
  totalNodes: number;
  globalIds: Uint32Array;
  split: Uint8Array;
  labels:
    | { kind: 'multiclass'; numClasses: number; y: Int32Array }
    | {
        kind: 'multilabel';
        numTasks: number;
        /** ceil(numTasks / 8) bytes per node; task t of node i is bit (t & 7) of byte i*B + (t >> 3). */
        bits: Uint8Array;
      };
  features: NodeFeatures;
  adj: { rowPtr: Uint32Array; colIdx: Uint32Array };
  edgeFeatures?: { dim: number; data: Float32Array };
}

export interface ShardHeader {
  magic: number;
  version: number;
  index: number;
  nodes: number;
  edges: number;
  featureKind: number;
  featureDim: number;
  featureNnz: number;
  labelKind: number;
  labelWidth: number;
  edgeFeatureDim: number;
  totalNodes: number;
}

export function shardFileName(index: number): string {
  return `shard-${String(index).padStart(3, '0')}.bin`;
}

export function bitsBytesPerNode(numTasks: number): number {
  return Math.ceil(numTasks / 8);
}

const pad4 = (n: number) => (n + 3) & ~3;

/** Byte length of every section, in file order, for a header. */
function sectionSizes(h: ShardHeader): { name: string; bytes: number }[] {
  const n = h.nodes;
  const labels =
    h.labelKind === LABEL_MULTILABEL ? pad4(n * bitsBytesPerNode(h.labelWidth)) : 4 * n;
  const features =
    h.featureKind === FEATURE_SPARSE ? 4 * (n + 1) + 8 * h.featureNnz : 4 * n * h.featureDim;
  return [
    { name: 'globalIds', bytes: 4 * n },
    { name: 'split', bytes: pad4(n) },
    { name: 'labels', bytes: labels },
    { name: 'features', bytes: features },
    { name: 'adjacency.rowPtr', bytes: 4 * (n + 1) },
    { name: 'adjacency.colIdx', bytes: 4 * h.edges },
    { name: 'edgeFeatures', bytes: 4 * h.edges * h.edgeFeatureDim },
  ];
}

/** The exact file size a header implies. */
export function shardByteLength(h: ShardHeader): number {
  return SHARD_HEADER_BYTES + sectionSizes(h).reduce((s, x) => s + x.bytes, 0);
}

function headerOf(s: ShardData): ShardHeader {
  const n = s.globalIds.length;
  return {
    magic: SHARD_MAGIC,
    version: FORMAT_VERSION,
    index: s.index,
    nodes: n,
    edges: s.adj.colIdx.length,
    featureKind: s.features.kind === 'sparse' ? FEATURE_SPARSE : FEATURE_DENSE,
    featureDim: s.features.dim,
    featureNnz: s.features.kind === 'sparse' ? s.features.csr.colIdx.length : 0,
    labelKind: s.labels.kind === 'multilabel' ? LABEL_MULTILABEL : LABEL_MULTICLASS,
    labelWidth: s.labels.kind === 'multilabel' ? s.labels.numTasks : s.labels.numClasses,
    edgeFeatureDim: s.edgeFeatures?.dim ?? 0,
    totalNodes: s.totalNodes,
  };
}

const HEADER_FIELDS: (keyof ShardHeader)[] = [
  'magic',
  'version',
  'index',
  'nodes',
  'edges',
  'featureKind',
  'featureDim',
  'featureNnz',
  'labelKind',
  'labelWidth',
  'edgeFeatureDim',
  'totalNodes',
];

/** Encodes a shard into its file bytes. */
export function encodeShard(s: ShardData): Uint8Array {
  const h = headerOf(s);
  const out = new Uint8Array(shardByteLength(h));
  const dv = new DataView(out.buffer);
  HEADER_FIELDS.forEach((f, i) => dv.setUint32(4 * i, h[f], true));
  let off = SHARD_HEADER_BYTES;
  const put = (arr: ArrayBufferView, padTo?: number) => {
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    out.set(bytes, off);
    off += padTo ?? bytes.length;
  };
  // The host is little-endian on every platform WebGPU runs on; assert it rather than swap bytes.
  if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) {
    throw new Error('This encoder needs a little-endian host');
  }
  const n = h.nodes;
  put(s.globalIds);
  put(s.split, pad4(n));
  if (s.labels.kind === 'multilabel') put(s.labels.bits, pad4(s.labels.bits.length));
  else put(s.labels.y);
  if (s.features.kind === 'sparse') {
    put(s.features.csr.rowPtr);
    put(s.features.csr.colIdx);
    const values = s.features.csr.values ?? new Float32Array(h.featureNnz).fill(1);
    put(values);
  } else {
    put(s.features.data);
  }
  put(s.adj.rowPtr);
  put(s.adj.colIdx);
  if (s.edgeFeatures) put(s.edgeFeatures.data);
  if (off !== out.length) throw new Error(`encodeShard: wrote ${off} of ${out.length} bytes`);
  return out;
}

/** Reads the fixed header; checks magic, version and that the size matches what it implies. */
export function readShardHeader(bytes: Uint8Array, file: string): ShardHeader {
  if (bytes.length < SHARD_HEADER_BYTES) {
    throw new DatasetError(
      file,
      'header',
      `at least ${SHARD_HEADER_BYTES} bytes`,
      `${bytes.length} bytes`,
      'the file is truncated',
    );
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = {} as ShardHeader;
  HEADER_FIELDS.forEach((f, i) => (h[f] = dv.getUint32(4 * i, true)));
  if (h.magic !== SHARD_MAGIC) {
    throw new DatasetError(
      file,
      'magic',
      `0x${SHARD_MAGIC.toString(16)} ("RGNS")`,
      `0x${h.magic.toString(16)}`,
      'not a shard file',
    );
  }
  if (h.version !== FORMAT_VERSION) {
    throw new DatasetError(file, 'header.version', `${FORMAT_VERSION}`, `${h.version}`);
  }
  if (h.featureKind !== FEATURE_DENSE && h.featureKind !== FEATURE_SPARSE) {
    throw new DatasetError(
      file,
      'header.featureKind',
      '1 (dense) or 2 (sparse)',
      `${h.featureKind}`,
    );
  }
  if (h.labelKind !== LABEL_MULTICLASS && h.labelKind !== LABEL_MULTILABEL) {
    throw new DatasetError(
      file,
      'header.labelKind',
      '1 (multi-class) or 2 (multi-label)',
      `${h.labelKind}`,
    );
  }
  const expected = shardByteLength(h);
  if (bytes.length !== expected) {
    throw new DatasetError(
      file,
      'file size',
      `${expected} bytes (as its header implies)`,
      `${bytes.length} bytes`,
      bytes.length < expected ? 'the file is truncated' : 'trailing bytes',
    );
  }
  return h;
}

/**
 * Decodes shard bytes into typed arrays (views when the bytes are 4-byte aligned, else one copy).
 * Checks only the structure; contents are checked by validate.ts.
 */
export function decodeShard(
  bytes: Uint8Array,
  file: string,
): { header: ShardHeader; shard: ShardData } {
  const header = readShardHeader(bytes, file);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const buf = aligned.buffer;
  let off = aligned.byteOffset + SHARD_HEADER_BYTES;
  const u32 = (count: number) => {
    const a = new Uint32Array(buf, off, count);
    off += 4 * count;
    return a;
  };
  const f32 = (count: number) => {
    const a = new Float32Array(buf, off, count);
    off += 4 * count;
    return a;
  };
  const n = header.nodes;
  const globalIds = u32(n);
  const split = new Uint8Array(buf, off, n);
  off += pad4(n);
  let labels: ShardData['labels'];
  if (header.labelKind === LABEL_MULTILABEL) {
    const len = n * bitsBytesPerNode(header.labelWidth);
    labels = {
      kind: 'multilabel',
      numTasks: header.labelWidth,
      bits: new Uint8Array(buf, off, len),
    };
    off += pad4(len);
  } else {
    labels = { kind: 'multiclass', numClasses: header.labelWidth, y: new Int32Array(buf, off, n) };
    off += 4 * n;
  }
  let features: NodeFeatures;
  if (header.featureKind === FEATURE_SPARSE) {
    const rowPtr = u32(n + 1);
    const colIdx = u32(header.featureNnz);
    const values = f32(header.featureNnz);
    features = {
      kind: 'sparse',
      dim: header.featureDim,
      csr: { rows: n, cols: header.featureDim, rowPtr, colIdx, values },
    };
  } else {
    features = { kind: 'dense', dim: header.featureDim, data: f32(n * header.featureDim) };
  }
  const rowPtr = u32(n + 1);
  const colIdx = u32(header.edges);
  const edgeFeatures =
    header.edgeFeatureDim > 0
      ? { dim: header.edgeFeatureDim, data: f32(header.edges * header.edgeFeatureDim) }
      : undefined;
  return {
    header,
    shard: {
      index: header.index,
      totalNodes: header.totalNodes,
      globalIds,
      split,
      labels,
      features,
      adj: { rowPtr, colIdx },
      edgeFeatures,
    },
  };
}

// ---- CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib and PNG compute it ----

let crcTable: Uint32Array | null = null;

function table(): Uint32Array {
  if (crcTable) return crcTable;
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  crcTable = t;
  return t;
}

/** CRC-32 of bytes; pass a previous value to continue over several chunks. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = table();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function crc32Hex(bytes: Uint8Array): string {
  return crc32(bytes).toString(16).padStart(8, '0');
}
