// Plain CSV input: an edge list, optional node features, labels, an optional split. Files are
// found by name in a folder (edges.csv, features.csv, labels.csv, split.csv; .tsv/.txt/.gz too)
// or named explicitly. Comma, tab, semicolon or space separated; a header line is detected (or
// forced with header: 'yes' | 'no'). Layout rules (docs/dataset-format.md):
// - edges: source, target [, edge features…]; node ids are integers from 0.
// - features: one row per node in id order, or an `id` column named in a header.
// - labels: one column → a class per row; two → (node id, class); three or more → a multi-label
//   0/1 matrix by row. With a header, a first column named id/node is the node id. Class values:
//   integers from 0, or names (mapped to ids in sorted order); empty, -1 or nan = no label.
// - split: train/valid/test (also val, dev, 1/2/3; none/empty/0 = none), by row or (id, split).
//   Without a split file: a seeded random 60/20/20 split of the labelled nodes.
import { DatasetError } from '../errors';
import { Rng } from '../rng';
import {
  SPLIT_NONE,
  SPLIT_TEST,
  SPLIT_TRAIN,
  SPLIT_VALID,
  type NodeFeatures,
  type NodeLabels,
} from '../types';
import { buildAdjacency } from './edges';
import {
  GrowableF32,
  GrowableU32,
  displayPath,
  textLines,
  type InputFiles,
  type ProgressFn,
} from './input';
import { identity } from './planetoid';
import type { DatasetMeta, FullGraph } from './write';

export interface CsvOptions {
  name?: string;
  /** Explicit paths (relative to the input); otherwise found by name. */
  edges?: string;
  features?: string;
  labels?: string;
  split?: string;
  header?: 'auto' | 'yes' | 'no';
  /** Keep edge directions (default: symmetrise). */
  directed?: boolean;
  /** Seed of the random split when there is no split file. */
  seed?: number;
  onProgress?: ProgressFn;
}

const ROLE_PATTERNS: Record<'edges' | 'features' | 'labels' | 'split', RegExp> = {
  edges: /^(edges?|edge[-_]?list|links?|adj(acency)?|graph)$/i,
  features: /^(features?|feats?|node[-_]?feat(ure)?s?|x|attributes?)$/i,
  labels: /^(labels?|node[-_]?labels?|class(es)?|y|targets?)$/i,
  split: /^(splits?|masks?|sets?|folds?)$/i,
};

function stem(path: string): string {
  return path
    .split('/')
    .pop()!
    .replace(/\.gz$/i, '')
    .replace(/\.(csv|tsv|txt)$/i, '');
}

/** Whether some input is named like an edge list (edges.csv, edge_list.tsv.gz, …). */
export function hasCsvEdgeList(input: InputFiles): boolean {
  return input.paths().some((p) => ROLE_PATTERNS.edges.test(stem(p)));
}

/** Finds the CSV files of each role among the inputs. */
export function csvFiles(input: InputFiles, opts: CsvOptions = {}) {
  const paths = input.paths();
  const pick = (role: keyof typeof ROLE_PATTERNS, explicit?: string) => {
    if (explicit) {
      const hit = paths.find((p) => p === explicit || p.endsWith('/' + explicit));
      if (!hit) {
        throw new DatasetError(
          displayPath(input, explicit),
          'file',
          `the ${role} file to exist`,
          'no such file among the inputs',
        );
      }
      return hit;
    }
    return paths
      .filter((p) => ROLE_PATTERNS[role].test(stem(p)))
      .sort((a, b) => a.length - b.length)[0];
  };
  let edges = pick('edges', opts.edges);
  if (!edges && paths.length === 1) edges = paths[0];
  return {
    edges,
    features: pick('features', opts.features),
    labels: pick('labels', opts.labels),
    split: pick('split', opts.split),
  };
}

const isNumeric = (s: string) => s !== '' && !Number.isNaN(Number(s));
const ID_HEADER = /^(id|node|node[-_]?id|nid|index|idx)$/i;
const HEADER_WORDS =
  /^(id|node|node[-_]?id|nid|index|label|labels|class|y|target|category|split|set|fold|mask|source|src|target|dst|from|to)$/i;

function splitter(firstLine: string): (line: string) => string[] {
  if (firstLine.includes(',')) return (l) => l.split(',').map((t) => t.trim());
  if (firstLine.includes('\t')) return (l) => l.split('\t').map((t) => t.trim());
  if (firstLine.includes(';')) return (l) => l.split(';').map((t) => t.trim());
  return (l) => l.trim().split(/\s+/);
}

/**
 * Streams a delimited file: detects the delimiter and a header line, then calls onRow for each
 * data row with the header (or null).
 */
async function readTable(
  input: InputFiles,
  path: string,
  headerMode: 'auto' | 'yes' | 'no',
  looksLikeHeader: (tokens: string[]) => boolean,
  onRow: (tokens: string[], line: number, header: string[] | null) => void,
  onRead: (bytes: number) => void,
): Promise<void> {
  let split: ((l: string) => string[]) | null = null;
  let header: string[] | null = null;
  let lineNo = 0;
  for await (const raw of textLines(input, path, onRead)) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!line.trim() || line.startsWith('#')) continue;
    if (!split) {
      split = splitter(line);
      const tokens = split(line);
      if (headerMode === 'yes' || (headerMode === 'auto' && looksLikeHeader(tokens))) {
        header = tokens;
        continue;
      }
    }
    onRow(split(line), lineNo, header);
  }
}

const SPLIT_WORDS: Record<string, number> = {
  train: SPLIT_TRAIN,
  training: SPLIT_TRAIN,
  tr: SPLIT_TRAIN,
  '1': SPLIT_TRAIN,
  valid: SPLIT_VALID,
  validation: SPLIT_VALID,
  val: SPLIT_VALID,
  dev: SPLIT_VALID,
  '2': SPLIT_VALID,
  test: SPLIT_TEST,
  testing: SPLIT_TEST,
  te: SPLIT_TEST,
  '3': SPLIT_TEST,
  none: SPLIT_NONE,
  '': SPLIT_NONE,
  '0': SPLIT_NONE,
  unlabeled: SPLIT_NONE,
  unlabelled: SPLIT_NONE,
};

export async function readCsv(
  input: InputFiles,
  opts: CsvOptions = {},
): Promise<{ graph: FullGraph; meta: DatasetMeta }> {
  const files = csvFiles(input, opts);
  const headerMode = opts.header ?? 'auto';
  const edgesPath = files.edges;
  const labelsPath = files.labels;
  if (!edgesPath) {
    throw new DatasetError(
      displayPath(input, 'edges.csv'),
      'file',
      'an edge list (edges.csv, or --edges naming it)',
      'no such file among the inputs',
    );
  }
  if (!labelsPath) {
    throw new DatasetError(
      displayPath(input, 'labels.csv'),
      'file',
      'node labels (labels.csv, or --labels naming it)',
      'no such file among the inputs',
    );
  }
  const used = [edgesPath, files.features, labelsPath, files.split].filter((p): p is string => !!p);
  const total = used.reduce((t, p) => t + input.size(p), 0);
  let before = 0;
  const progress = (path: string) => (b: number) =>
    opts.onProgress?.({ stage: 'read', label: path, done: before + b, total });
  const file = (p: string) => displayPath(input, p);
  const anyNonNumeric = (t: string[]) => t.some((x) => !isNumeric(x));
  const hasIdColumn = (h: string[] | null) => !!h && ID_HEADER.test(h[0]);
  let maxId = -1;
  const nodeId = (s: string, path: string, line: number, field: string) => {
    const v = Number(s);
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(v) || v > 0xfffffffe) {
      throw new DatasetError(
        file(path),
        `line ${line}, ${field}`,
        'a node id (an integer ≥ 0)',
        JSON.stringify(s),
      );
    }
    if (v > maxId) maxId = v;
    return v;
  };
  const finite = (s: string, path: string, line: number, field: number, what: string) => {
    const v = Number(s);
    if (s === '' || !Number.isFinite(v)) {
      throw new DatasetError(
        file(path),
        `line ${line}, field ${field}`,
        `a finite number (${what})`,
        JSON.stringify(s),
      );
    }
    return v;
  };

  // ---- edges (+ numeric edge features in extra columns) ----
  const src = new GrowableU32();
  const dst = new GrowableU32();
  const ef = new GrowableF32();
  let efDim = -1;
  await readTable(
    input,
    edgesPath,
    headerMode,
    anyNonNumeric,
    (t, line) => {
      if (t.length < 2)
        throw new DatasetError(
          file(edgesPath),
          `line ${line}`,
          '2 columns (source, target)',
          `${t.length}`,
        );
      if (efDim < 0) efDim = t.length - 2;
      if (t.length - 2 !== efDim)
        throw new DatasetError(
          file(edgesPath),
          `line ${line}`,
          `${efDim + 2} columns`,
          `${t.length}`,
        );
      src.push(nodeId(t[0], edgesPath, line, 'source'));
      dst.push(nodeId(t[1], edgesPath, line, 'target'));
      for (let d = 2; d < t.length; d++)
        ef.push(finite(t[d], edgesPath, line, d + 1, 'an edge feature'));
    },
    progress(edgesPath),
  );
  before += input.size(edgesPath);
  if (src.length === 0)
    throw new DatasetError(file(edgesPath), 'rows', 'at least one edge', 'none');

  // ---- features ----
  let feat: { ids: GrowableU32 | null; dim: number; data: GrowableF32; rows: number } | null = null;
  const featPath = files.features;
  if (featPath) {
    const f = { ids: null as GrowableU32 | null, dim: -1, data: new GrowableF32(), rows: 0 };
    await readTable(
      input,
      featPath,
      headerMode,
      anyNonNumeric,
      (t, line, header) => {
        const idCol = hasIdColumn(header);
        if (idCol && !f.ids) f.ids = new GrowableU32();
        const off = idCol ? 1 : 0;
        if (f.dim < 0) f.dim = t.length - off;
        if (t.length - off !== f.dim || f.dim < 1) {
          throw new DatasetError(
            file(featPath),
            `line ${line}`,
            `${f.dim + off} columns`,
            `${t.length}`,
          );
        }
        if (f.ids) f.ids.push(nodeId(t[0], featPath, line, 'id'));
        f.data.reserve(f.dim);
        for (let d = off; d < t.length; d++)
          f.data.push(finite(t[d], featPath, line, d + 1, 'a feature'));
        f.rows++;
      },
      progress(featPath),
    );
    before += input.size(featPath);
    if (!f.ids) maxId = Math.max(maxId, f.rows - 1);
    feat = f;
  }

  // ---- labels ----
  interface LabelRow {
    id: number;
    values: string[];
  }
  const labelRows: LabelRow[] = [];
  let labelLayout: 'class' | 'multi' | null = null;
  let labelRowCount = 0;
  await readTable(
    input,
    labelsPath,
    headerMode,
    (t) => HEADER_WORDS.test(t[0]) || (t.length > 1 && !isNumeric(t[0]) && t[0] !== ''),
    (t, line, header) => {
      const idCol = header ? hasIdColumn(header) : t.length === 2;
      const values = idCol ? t.slice(1) : t;
      const layout = values.length === 1 ? 'class' : 'multi';
      if (labelLayout && layout !== labelLayout) {
        throw new DatasetError(
          file(labelsPath),
          `line ${line}`,
          `the same number of columns as line 1`,
          `${t.length}`,
        );
      }
      labelLayout = layout;
      const id = idCol ? nodeId(t[0], labelsPath, line, 'node id') : labelRowCount;
      labelRows.push({ id, values });
      labelRowCount++;
    },
    progress(labelsPath),
  );
  before += input.size(labelsPath);
  if (labelRows.length === 0)
    throw new DatasetError(file(labelsPath), 'rows', 'at least one label', 'none');
  for (const r of labelRows) maxId = Math.max(maxId, r.id);

  // ---- split ----
  const splitRows: { id: number; code: number }[] = [];
  const splitPath = files.split;
  if (splitPath) {
    let row = 0;
    await readTable(
      input,
      splitPath,
      headerMode,
      (t) => HEADER_WORDS.test(t[0]) && !(t[0].toLowerCase() in SPLIT_WORDS),
      (t, line, header) => {
        const idCol = header ? hasIdColumn(header) : t.length === 2;
        const id = idCol ? nodeId(t[0], splitPath, line, 'node id') : row;
        const word = (idCol ? t[1] : t[0]) ?? '';
        const code = SPLIT_WORDS[word.toLowerCase()];
        if (code === undefined) {
          throw new DatasetError(
            file(splitPath),
            `line ${line}`,
            'train, valid or test (or none)',
            JSON.stringify(word),
          );
        }
        splitRows.push({ id, code });
        row++;
      },
      progress(splitPath),
    );
    before += input.size(splitPath);
    for (const r of splitRows) maxId = Math.max(maxId, r.id);
  }

  opts.onProgress?.({ stage: 'build', label: 'graph', done: total, total });
  const N = maxId + 1;
  const notes: string[] = [];

  // Labels.
  let labels: NodeLabels;
  if (labelLayout === 'class') {
    const y = new Int32Array(N).fill(-1);
    const raw = labelRows.map((r) => r.values[0]);
    const none = (s: string) => s === '' || s === '-1' || s.toLowerCase() === 'nan';
    const allInts = raw.every((s) => none(s) || /^\d+$/.test(s));
    let names: string[] | null = null;
    if (!allInts) {
      names = [...new Set(raw.filter((s) => !none(s)))].sort();
      notes.push(
        `class names mapped to ids in sorted order: ${names.map((n, i) => `${i} = ${n}`).join(', ')}`,
      );
    }
    const index = new Map(names?.map((n, i) => [n, i]) ?? []);
    let C = 0;
    for (const r of labelRows) {
      const s = r.values[0];
      if (none(s)) continue;
      const c = names ? index.get(s)! : Number(s);
      y[r.id] = c;
      C = Math.max(C, c + 1);
    }
    labels = { kind: 'multiclass', numClasses: Math.max(C, 1), y };
  } else {
    const T = labelRows[0].values.length;
    const y = new Uint8Array(N * T);
    labelRows.forEach((r, k) => {
      r.values.forEach((s, t) => {
        if (s !== '0' && s !== '1') {
          throw new DatasetError(
            file(labelsPath),
            `row ${k + 1}, task ${t + 1}`,
            '0 or 1 (a multi-label matrix)',
            JSON.stringify(s),
          );
        }
        y[r.id * T + t] = s === '1' ? 1 : 0;
      });
    });
    labels = { kind: 'multilabel', numTasks: T, y };
  }

  // Split.
  const split = new Uint8Array(N);
  if (splitRows.length) {
    for (const r of splitRows) split[r.id] = r.code;
  } else {
    const labelled: number[] = [];
    const seen = new Uint8Array(N);
    for (const r of labelRows) {
      const has = labels.kind === 'multilabel' || labels.y[r.id] >= 0;
      if (has && !seen[r.id]) {
        seen[r.id] = 1;
        labelled.push(r.id);
      }
    }
    labelled.sort((a, b) => a - b);
    const rng = new Rng(opts.seed ?? 0);
    rng.shuffle(labelled);
    const nTrain = Math.round(labelled.length * 0.6);
    const nValid = Math.round(labelled.length * 0.2);
    labelled.forEach(
      (id, k) =>
        (split[id] = k < nTrain ? SPLIT_TRAIN : k < nTrain + nValid ? SPLIT_VALID : SPLIT_TEST),
    );
    notes.push(
      `no split file: a random 60/20/20 split of the ${labelled.length} labelled nodes (seed ${opts.seed ?? 0})`,
    );
  }

  // Adjacency.
  const symmetrize = !opts.directed;
  const adj = buildAdjacency(N, src.toArray(), dst.toArray(), {
    symmetrize,
    edgeFeatures: efDim > 0 ? { dim: efDim, data: ef.toArray() } : undefined,
  });
  notes.push(
    `${src.length} input edges → ${adj.adj.colIdx.length} stored in-edge entries (${symmetrize ? 'symmetrised' : 'directed, as given'})`,
  );
  if (adj.selfLoops)
    notes.push(`${adj.selfLoops} self-loops dropped (operators add one to every node)`);
  if (adj.duplicateInputEdges) notes.push(`${adj.duplicateInputEdges} repeated edges collapsed`);

  // Features: as given (sparse when mostly zeros), else a constant and log-degree.
  let features: NodeFeatures;
  let featuresDerived: string | undefined;
  if (feat) {
    const dim = feat.dim;
    const dense = new Float32Array(N * dim);
    const data = feat.data.data;
    for (let r = 0; r < feat.rows; r++) {
      const id = feat.ids ? feat.ids.data[r] : r;
      dense.set(data.subarray(r * dim, (r + 1) * dim), id * dim);
    }
    if (feat.rows < N) notes.push(`${N - feat.rows} nodes without a feature row: zero features`);
    features = maybeSparse(dense, N, dim);
  } else {
    const data = new Float32Array(N * 2);
    for (let i = 0; i < N; i++) {
      data[2 * i] = 1;
      data[2 * i + 1] = Math.log1p(adj.adj.rowPtr[i + 1] - adj.adj.rowPtr[i]);
    }
    features = { kind: 'dense', dim: 2, data };
    featuresDerived = 'no feature file: a constant 1 and log(1 + in-degree)';
    notes.push(featuresDerived);
  }

  const graph: FullGraph = {
    numNodes: N,
    adj: adj.adj,
    features,
    labels,
    split,
    globalIds: identity(N),
  };
  if (adj.edgeFeatures) graph.edgeFeatures = adj.edgeFeatures;
  const name = opts.name ?? (input.label.split('/').pop() || 'csv');
  const meta: DatasetMeta = {
    name,
    description: `${name} (CSV): ${N} nodes, ${labels.kind === 'multilabel' ? `${labels.numTasks} binary tasks` : `${labels.numClasses} classes`}`,
    source: `csv: ${used.join(', ')}`,
    metric: labels.kind === 'multilabel' ? 'rocauc' : 'accuracy',
    symmetric: symmetrize,
    splitDescription: splitRows.length
      ? `from ${splitPath}`
      : 'random 60/20/20 of the labelled nodes',
    featuresDerived,
    notes,
  };
  return { graph, meta };
}

/** Dense rows as given, or CSR when the matrix is wide and at most 10 % non-zero. */
export function maybeSparse(dense: Float32Array, n: number, dim: number): NodeFeatures {
  let nnz = 0;
  for (let k = 0; k < dense.length; k++) if (dense[k] !== 0) nnz++;
  if (dim < 64 || nnz > 0.1 * dense.length) return { kind: 'dense', dim, data: dense };
  const rowPtr = new Uint32Array(n + 1);
  const colIdx = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  let out = 0;
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) {
      const v = dense[i * dim + d];
      if (v !== 0) {
        colIdx[out] = d;
        values[out++] = v;
      }
    }
    rowPtr[i + 1] = out;
  }
  return { kind: 'sparse', dim, csr: { rows: n, cols: dim, rowPtr, colIdx, values } };
}
