// Everything a loaded dataset must satisfy, checked before a single number reaches the GPU:
// the manifest's schema, each shard's size and checksum, the shard header against the manifest,
// and the contents (ids in range, rows sorted without duplicates or self-loops, labels in range,
// features finite). Every failure is a DatasetError naming file, field, expected and found.
import { DatasetError, describeValue } from './errors';
import {
  FEATURE_SPARSE,
  FORMAT_NAME,
  FORMAT_VERSION,
  LABEL_MULTILABEL,
  MANIFEST_FILE,
  crc32Hex,
  decodeShard,
  type DatasetManifest,
  type ShardData,
  type ShardEntry,
} from './format';
import { SPLIT_TEST } from './types';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class ManifestReader {
  constructor(readonly file: string) {}

  fail(field: string, expected: string, found: unknown): never {
    throw new DatasetError(this.file, field, expected, describeValue(found));
  }

  int(o: Obj, key: string, path: string, min = 0): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 0xffffffff) {
      this.fail(path, `an integer ≥ ${min}`, v);
    }
    return v;
  }

  str(o: Obj, key: string, path: string, optional = false): string {
    const v = o[key];
    if (v === undefined && optional) return '';
    if (typeof v !== 'string') this.fail(path, 'a string', v);
    return v;
  }

  oneOf<T extends string>(o: Obj, key: string, path: string, options: readonly T[]): T {
    const v = o[key];
    if (typeof v !== 'string' || !options.includes(v as T)) {
      this.fail(path, `one of ${options.map((x) => `"${x}"`).join(', ')}`, v);
    }
    return v as T;
  }

  obj(o: Obj, key: string, path: string): Obj {
    const v = o[key];
    if (!isObj(v)) this.fail(path, 'an object', v);
    return v;
  }
}

/** Parses and checks manifest.json's text. */
export function parseManifest(text: string, file = MANIFEST_FILE): DatasetManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const start = text.slice(0, 40).replace(/\s+/g, ' ');
    throw new DatasetError(
      file,
      'JSON',
      'valid JSON',
      `text that does not parse (${(e as Error).message}; it starts "${start}")`,
    );
  }
  return validateManifest(raw, file);
}

/** Checks a parsed manifest's schema and internal consistency. */
export function validateManifest(raw: unknown, file = MANIFEST_FILE): DatasetManifest {
  const r: ManifestReader = new ManifestReader(file);
  if (!isObj(raw)) r.fail('(top level)', 'a JSON object', raw);
  if (raw.format !== FORMAT_NAME) r.fail('format', `"${FORMAT_NAME}"`, raw.format);
  if (raw.version !== FORMAT_VERSION) {
    throw new DatasetError(
      file,
      'version',
      `format version ${FORMAT_VERSION}`,
      describeValue(raw.version),
      'written by a different version of the converter: convert the data again',
    );
  }
  const name = r.str(raw, 'name', 'name');
  if (!name) r.fail('name', 'a non-empty string', name);
  const numNodes = r.int(raw, 'numNodes', 'numNodes', 1);
  const numEdges = r.int(raw, 'numEdges', 'numEdges');
  if (typeof raw.symmetric !== 'boolean') r.fail('symmetric', 'true or false', raw.symmetric);
  const task = r.oneOf(raw, 'task', 'task', ['multiclass', 'multilabel'] as const);
  const metric = r.oneOf(raw, 'metric', 'metric', ['accuracy', 'rocauc'] as const);
  let numClasses: number | undefined;
  let numTasks: number | undefined;
  if (task === 'multiclass') numClasses = r.int(raw, 'numClasses', 'numClasses', 1);
  else numTasks = r.int(raw, 'numTasks', 'numTasks', 1);
  if (task === 'multilabel' && metric !== 'rocauc') {
    r.fail('metric', '"rocauc" for a multi-label task', metric);
  }

  const f = r.obj(raw, 'features', 'features');
  const features: DatasetManifest['features'] = {
    kind: r.oneOf(f, 'kind', 'features.kind', ['dense', 'sparse'] as const),
    dim: r.int(f, 'dim', 'features.dim', 1),
  };
  if (features.kind === 'sparse') features.nnz = r.int(f, 'nnz', 'features.nnz');
  if (f.derived !== undefined) features.derived = r.str(f, 'derived', 'features.derived');

  let edgeFeatures: DatasetManifest['edgeFeatures'] = null;
  if (raw.edgeFeatures !== null) {
    const ef = r.obj(raw, 'edgeFeatures', 'edgeFeatures');
    edgeFeatures = { dim: r.int(ef, 'dim', 'edgeFeatures.dim', 1) };
  }

  const s = r.obj(raw, 'split', 'split');
  const split = {
    train: r.int(s, 'train', 'split.train'),
    valid: r.int(s, 'valid', 'split.valid'),
    test: r.int(s, 'test', 'split.test'),
    none: r.int(s, 'none', 'split.none'),
    description: r.str(s, 'description', 'split.description', true),
  };
  const splitSum = split.train + split.valid + split.test + split.none;
  if (splitSum !== numNodes) {
    r.fail('split', `train + valid + test + none = numNodes = ${numNodes}`, splitSum);
  }

  const p = r.obj(raw, 'partition', 'partition');
  if (p.method !== 'random') r.fail('partition.method', '"random"', p.method);
  const partition = {
    method: 'random' as const,
    seed: r.int(p, 'seed', 'partition.seed'),
    shards: r.int(p, 'shards', 'partition.shards', 1),
  };
  if (raw.checksum !== 'crc32') r.fail('checksum', '"crc32"', raw.checksum);

  if (!Array.isArray(raw.shards) || raw.shards.length === 0) {
    r.fail('shards', 'a non-empty array', raw.shards);
  }
  if (raw.shards.length !== partition.shards) {
    r.fail('shards', `${partition.shards} entries (partition.shards)`, raw.shards.length);
  }
  const seen = new Set<string>();
  let nodeSum = 0;
  let edgeSum = 0;
  let nnzSum = 0;
  const shards: ShardEntry[] = (raw.shards as unknown[]).map((e, i) => {
    const path = `shards[${i}]`;
    if (!isObj(e)) r.fail(path, 'an object', e);
    const fileName = r.str(e, 'file', `${path}.file`);
    if (!/^[A-Za-z0-9._-]+$/.test(fileName) || fileName.startsWith('.')) {
      r.fail(`${path}.file`, 'a plain file name (letters, digits, . _ -)', fileName);
    }
    if (seen.has(fileName)) r.fail(`${path}.file`, 'a file name used once', fileName);
    seen.add(fileName);
    const crc = r.str(e, 'crc32', `${path}.crc32`);
    if (!/^[0-9a-f]{8}$/.test(crc)) r.fail(`${path}.crc32`, '8 lowercase hex digits', crc);
    const entry: ShardEntry = {
      file: fileName,
      nodes: r.int(e, 'nodes', `${path}.nodes`),
      edges: r.int(e, 'edges', `${path}.edges`),
      bytes: r.int(e, 'bytes', `${path}.bytes`, 64),
      crc32: crc,
    };
    if (features.kind === 'sparse') {
      entry.featureNnz = r.int(e, 'featureNnz', `${path}.featureNnz`);
      nnzSum += entry.featureNnz;
    }
    nodeSum += entry.nodes;
    edgeSum += entry.edges;
    return entry;
  });
  if (nodeSum !== numNodes) r.fail('shards[*].nodes', `a sum of numNodes = ${numNodes}`, nodeSum);
  if (edgeSum !== numEdges) r.fail('shards[*].edges', `a sum of numEdges = ${numEdges}`, edgeSum);
  if (features.kind === 'sparse' && nnzSum !== features.nnz) {
    r.fail('shards[*].featureNnz', `a sum of features.nnz = ${features.nnz}`, nnzSum);
  }
  const notes = Array.isArray(raw.notes) ? raw.notes.map(String) : [];
  const manifest: DatasetManifest = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    name,
    description: r.str(raw, 'description', 'description', true),
    source: r.str(raw, 'source', 'source', true),
    numNodes,
    numEdges,
    symmetric: raw.symmetric as boolean,
    task,
    metric,
    features,
    edgeFeatures,
    split,
    partition,
    notes,
    checksum: 'crc32',
    shards,
  };
  if (numClasses !== undefined) manifest.numClasses = numClasses;
  if (numTasks !== undefined) manifest.numTasks = numTasks;
  if (raw.suggestedParts !== undefined) {
    manifest.suggestedParts = r.int(raw, 'suggestedParts', 'suggestedParts', 1);
  }
  return manifest;
}

/**
 * Checks one shard file against its manifest entry and decodes it: size, checksum, header, contents.
 * `index` is the shard's position in manifest.shards.
 */
export function validateShard(
  bytes: Uint8Array,
  manifest: DatasetManifest,
  index: number,
): ShardData {
  const entry = manifest.shards[index];
  const file = entry.file;
  const where = `${MANIFEST_FILE} shards[${index}]`;
  if (bytes.length !== entry.bytes) {
    throw new DatasetError(
      file,
      'file size',
      `${entry.bytes} bytes (${where}.bytes)`,
      `${bytes.length} bytes`,
      bytes.length < entry.bytes ? 'the file is truncated' : 'the file is longer than listed',
    );
  }
  const crc = crc32Hex(bytes);
  if (crc !== entry.crc32) {
    throw new DatasetError(
      file,
      'crc32',
      `${entry.crc32} (${where}.crc32)`,
      crc,
      'the file is corrupted or was changed after conversion',
    );
  }
  const { header: h, shard } = decodeShard(bytes, file);
  const agree = (field: string, listed: number, stored: number, listedWhere: string) => {
    if (listed !== stored) {
      throw new DatasetError(
        file,
        field,
        `${listed} (${listedWhere})`,
        `${stored} (shard header)`,
        'the manifest and the shard disagree',
      );
    }
  };
  agree('index', index, h.index, `position in ${MANIFEST_FILE} shards`);
  agree('nodes', entry.nodes, h.nodes, `${where}.nodes`);
  agree('edges', entry.edges, h.edges, `${where}.edges`);
  agree('totalNodes', manifest.numNodes, h.totalNodes, `${MANIFEST_FILE} numNodes`);
  agree(
    'featureKind',
    manifest.features.kind === 'sparse' ? FEATURE_SPARSE : 1,
    h.featureKind,
    `${MANIFEST_FILE} features.kind = ${manifest.features.kind}`,
  );
  agree('featureDim', manifest.features.dim, h.featureDim, `${MANIFEST_FILE} features.dim`);
  if (manifest.features.kind === 'sparse') {
    agree('featureNnz', entry.featureNnz ?? 0, h.featureNnz, `${where}.featureNnz`);
  }
  agree(
    'labelKind',
    manifest.task === 'multilabel' ? LABEL_MULTILABEL : 1,
    h.labelKind,
    `${MANIFEST_FILE} task = ${manifest.task}`,
  );
  const width = manifest.task === 'multilabel' ? manifest.numTasks! : manifest.numClasses!;
  agree(
    'labelWidth',
    width,
    h.labelWidth,
    `${MANIFEST_FILE} ${manifest.task === 'multilabel' ? 'numTasks' : 'numClasses'}`,
  );
  agree(
    'edgeFeatureDim',
    manifest.edgeFeatures?.dim ?? 0,
    h.edgeFeatureDim,
    `${MANIFEST_FILE} edgeFeatures`,
  );
  checkShardContents(shard, file);
  return shard;
}

/** Content checks on a decoded shard (ranges, ordering, finiteness). */
export function checkShardContents(s: ShardData, file: string): void {
  const N = s.totalNodes;
  const n = s.globalIds.length;
  const ids = s.globalIds;
  for (let i = 0; i < n; i++) {
    if (ids[i] >= N) {
      throw new DatasetError(file, `globalIds[${i}]`, `a node id < ${N}`, `${ids[i]}`);
    }
    if (i > 0 && ids[i] <= ids[i - 1]) {
      throw new DatasetError(
        file,
        `globalIds[${i}]`,
        `ids in ascending order without repeats (> ${ids[i - 1]})`,
        `${ids[i]}`,
      );
    }
    if (s.split[i] > SPLIT_TEST) {
      throw new DatasetError(
        file,
        `split[${i}] (node ${ids[i]})`,
        '0 (none), 1 (train), 2 (valid) or 3 (test)',
        `${s.split[i]}`,
      );
    }
  }
  if (s.labels.kind === 'multiclass') {
    const { y, numClasses } = s.labels;
    for (let i = 0; i < n; i++) {
      if (y[i] < -1 || y[i] >= numClasses) {
        throw new DatasetError(
          file,
          `labels[${i}] (node ${ids[i]})`,
          `a class id in 0..${numClasses - 1} (or -1 for none)`,
          `${y[i]}`,
        );
      }
    }
  } else {
    const { bits, numTasks } = s.labels;
    const B = Math.ceil(numTasks / 8);
    const rem = numTasks % 8;
    if (rem !== 0) {
      const mask = 0xff & ~((1 << rem) - 1);
      for (let i = 0; i < n; i++) {
        const b = bits[i * B + B - 1];
        if (b & mask) {
          throw new DatasetError(
            file,
            `labels[${i}] (node ${ids[i]})`,
            `task bits 0..${numTasks - 1} only`,
            `a bit set at task ${(B - 1) * 8 + Math.floor(Math.log2(b & mask))}`,
          );
        }
      }
    }
  }
  if (s.features.kind === 'dense') {
    const { data, dim } = s.features;
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k])) {
        const i = Math.floor(k / dim);
        throw new DatasetError(
          file,
          `features[${i}][${k % dim}] (node ${ids[i]})`,
          'a finite number',
          `${data[k]}`,
        );
      }
    }
  } else {
    const { rowPtr, colIdx, values } = s.features.csr;
    const dim = s.features.dim;
    checkRowPtr(rowPtr, colIdx.length, file, 'features.rowPtr');
    for (let i = 0; i < n; i++) {
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
        const c = colIdx[k];
        if (c >= dim || (k > rowPtr[i] && c <= colIdx[k - 1])) {
          throw new DatasetError(
            file,
            `features.colIdx[${k}] (node ${ids[i]})`,
            `a feature index < ${dim}, ascending within the row`,
            `${c}`,
          );
        }
        if (values && !Number.isFinite(values[k])) {
          throw new DatasetError(
            file,
            `features[${i}][${c}] (node ${ids[i]})`,
            'a finite number',
            `${values[k]}`,
          );
        }
      }
    }
  }
  const { rowPtr, colIdx } = s.adj;
  checkRowPtr(rowPtr, colIdx.length, file, 'adjacency.rowPtr');
  for (let i = 0; i < n; i++) {
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
      const j = colIdx[k];
      if (j >= N) {
        throw new DatasetError(
          file,
          `adjacency.colIdx[${k}] (an in-edge of node ${ids[i]})`,
          `a neighbour id < ${N} (the node count)`,
          `${j}`,
        );
      }
      if (j === ids[i]) {
        throw new DatasetError(
          file,
          `adjacency.colIdx[${k}] (an in-edge of node ${ids[i]})`,
          'no self-loops (operators add them)',
          `a self-loop on node ${j}`,
        );
      }
      if (k > rowPtr[i] && j <= colIdx[k - 1]) {
        throw new DatasetError(
          file,
          `adjacency.colIdx[${k}] (an in-edge of node ${ids[i]})`,
          `neighbour ids ascending without repeats (> ${colIdx[k - 1]})`,
          `${j}`,
        );
      }
    }
  }
  if (s.edgeFeatures) {
    const { data, dim } = s.edgeFeatures;
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k])) {
        throw new DatasetError(
          file,
          `edgeFeatures[${Math.floor(k / dim)}][${k % dim}]`,
          'a finite number',
          `${data[k]}`,
        );
      }
    }
  }
}

function checkRowPtr(rowPtr: Uint32Array, nnz: number, file: string, field: string): void {
  if (rowPtr[0] !== 0) throw new DatasetError(file, `${field}[0]`, '0', `${rowPtr[0]}`);
  for (let i = 1; i < rowPtr.length; i++) {
    if (rowPtr[i] < rowPtr[i - 1]) {
      throw new DatasetError(
        file,
        `${field}[${i}]`,
        `a value ≥ ${rowPtr[i - 1]} (row offsets never decrease)`,
        `${rowPtr[i]}`,
      );
    }
  }
  const last = rowPtr[rowPtr.length - 1];
  if (last !== nnz) {
    throw new DatasetError(
      file,
      `${field}[${rowPtr.length - 1}]`,
      `${nnz} (the entry count)`,
      `${last}`,
    );
  }
}
