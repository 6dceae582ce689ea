// The CSV converter's node arrays, built once the node count N is known and checked: labels,
// split and features, each file's rows placed by node id. A node named twice with different values
// is refused (naming both lines) instead of the last row silently winning; identical repeats are
// counted in the notes.
import { DatasetError } from '../errors';
import { Rng } from '../rng';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID, type NodeFeatures, type NodeLabels } from '../types';
import { onePerNode, type FeatureRows, type LabelRows, type SplitRows } from './csv-rows';
import { checkClassId } from './labels';

/** Dense feature values a graph may hold (N × dim) before it must be sparse. */
const MAX_DENSE_VALUES = 2 ** 31;

/** Each row's node: its id column, or the row itself. */
function rowIds(ids: { data: Uint32Array } | null, rows: number): Uint32Array {
  if (ids) return ids.data;
  const a = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) a[i] = i;
  return a;
}

const conflictError =
  (file: string, lines: Uint32Array, what: string, show: (row: number) => string) =>
  (row: number, earlier: number) =>
    new DatasetError(
      file,
      `line ${lines[row]}`,
      `one ${what} per node (line ${lines[earlier]} gives ${show(earlier)})`,
      `${show(row)} for the same node`,
    );

/** The labels, and which nodes have one (a class, or a row of tasks). */
export function csvLabels(
  lab: LabelRows,
  N: number,
  file: string,
  notes: string[],
): { labels: NodeLabels; labelled: Uint8Array } {
  const labelled = new Uint8Array(N);
  const ids = rowIds(lab.ids, lab.rows);
  const lines = lab.lines.data;
  if (lab.layout === 'multi') {
    const T = lab.tasks;
    const bits = lab.bits.data;
    const y = new Uint8Array(N * T);
    const same = (a: number, b: number) => {
      for (let t = 0; t < T; t++) if (bits[a * T + t] !== bits[b * T + t]) return false;
      return true;
    };
    const show = (r: number) =>
      `tasks ${Array.from(bits.subarray(r * T, Math.min(r * T + T, r * T + 8))).join(',')}${T > 8 ? ',…' : ''}`;
    const repeats = onePerNode(
      N,
      ids,
      lab.rows,
      same,
      conflictError(file, lines, 'label row', show),
      (r, id) => {
        y.set(bits.subarray(r * T, (r + 1) * T), id * T);
        labelled[id] = 1;
      },
    );
    if (repeats) notes.push(`${repeats} repeated identical label rows`);
    return { labels: { kind: 'multilabel', numTasks: T, y }, labelled };
  }
  // Class layout: whole numbers are class ids; otherwise names, mapped to ids in sorted order.
  const names = [...lab.values.keys()];
  const numeric = names.every((s) => /^\d{1,16}$/.test(s));
  const classOfValue = new Int32Array(names.length);
  let labelledRows = 0;
  const firstRow = new Int32Array(names.length).fill(-1);
  for (let r = 0; r < lab.rows; r++) {
    const k = lab.classOf.data[r];
    if (k < 0) continue;
    labelledRows++;
    if (firstRow[k] < 0) firstRow[k] = r;
  }
  if (numeric) {
    names.forEach((s, k) => {
      checkClassId(Number(s), labelledRows, file, `line ${lines[firstRow[k]]}`);
      classOfValue[k] = Number(s);
    });
  } else {
    const sorted = [...names].sort();
    const rank = new Map(sorted.map((n, i) => [n, i]));
    names.forEach((s, k) => (classOfValue[k] = rank.get(s)!));
    notes.push(
      `class names mapped to ids in sorted order: ${sorted
        .slice(0, 50)
        .map((n, i) => `${i} = ${n.slice(0, 40)}`)
        .join(', ')}${sorted.length > 50 ? ', …' : ''}`,
    );
  }
  const classOf = (r: number) => (lab.classOf.data[r] < 0 ? -1 : classOfValue[lab.classOf.data[r]]);
  const y = new Int32Array(N).fill(-1);
  let C = 0;
  const show = (r: number) => (classOf(r) < 0 ? 'no label' : `class ${classOf(r)}`);
  const repeats = onePerNode(
    N,
    ids,
    lab.rows,
    (a, b) => classOf(a) === classOf(b),
    conflictError(file, lines, 'label', show),
    (r, id) => {
      y[id] = classOf(r);
      C = Math.max(C, y[id] + 1);
      if (y[id] >= 0) labelled[id] = 1;
    },
  );
  if (repeats) notes.push(`${repeats} repeated identical label rows`);
  return { labels: { kind: 'multiclass', numClasses: Math.max(C, 1), y }, labelled };
}

const SPLIT_NAMES = ['none', 'train', 'valid', 'test'];

export function csvSplit(
  sp: SplitRows,
  labelled: Uint8Array,
  N: number,
  file: string | null,
  seed: number,
  notes: string[],
): Uint8Array {
  const split = new Uint8Array(N);
  if (file) {
    const codes = sp.codes.data;
    const show = (r: number) => SPLIT_NAMES[codes[r]];
    const repeats = onePerNode(
      N,
      sp.ids.data,
      sp.ids.length,
      (a, b) => codes[a] === codes[b],
      conflictError(file, sp.lines.data, 'split', show),
      (r, id) => (split[id] = codes[r]),
    );
    if (repeats) notes.push(`${repeats} repeated identical split rows`);
    return split;
  }
  const nodes: number[] = [];
  for (let i = 0; i < N; i++) if (labelled[i]) nodes.push(i);
  const rng = new Rng(seed);
  rng.shuffle(nodes);
  const nTrain = Math.round(nodes.length * 0.6);
  const nValid = Math.round(nodes.length * 0.2);
  nodes.forEach(
    (id, k) =>
      (split[id] = k < nTrain ? SPLIT_TRAIN : k < nTrain + nValid ? SPLIT_VALID : SPLIT_TEST),
  );
  notes.push(
    `no split file: a random 60/20/20 split of the ${nodes.length} labelled nodes (seed ${seed})`,
  );
  return split;
}

/** Features by node: dense as given, or CSR when wide and at most 10 % non-zero. */
export function csvFeatures(
  f: FeatureRows,
  N: number,
  file: string,
  notes: string[],
): NodeFeatures {
  const dim = f.dim;
  const data = f.data.data;
  const ids = rowIds(f.ids, f.rows);
  const rowOf = new Int32Array(N).fill(-1);
  const lines = f.lines.data;
  onePerNode(
    N,
    ids,
    f.rows,
    () => false,
    conflictError(file, lines, 'feature row', () => 'a row'),
    (r, id) => (rowOf[id] = r),
  );
  if (f.rows < N) notes.push(`${N - f.rows} nodes without a feature row: zero features`);
  let nnz = 0;
  for (let k = 0; k < f.rows * dim; k++) if (data[k] !== 0) nnz++;
  if (dim < 64 || nnz > 0.1 * N * dim) {
    if (N * dim > MAX_DENSE_VALUES) {
      throw new DatasetError(
        file,
        'columns',
        `at most ${MAX_DENSE_VALUES} dense feature values (nodes × columns)`,
        `${N} × ${dim}`,
      );
    }
    const dense = new Float32Array(N * dim);
    for (let i = 0; i < N; i++) {
      const r = rowOf[i];
      if (r >= 0) dense.set(data.subarray(r * dim, (r + 1) * dim), i * dim);
    }
    return { kind: 'dense', dim, data: dense };
  }
  const rowPtr = new Uint32Array(N + 1);
  const colIdx = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  let out = 0;
  for (let i = 0; i < N; i++) {
    const r = rowOf[i];
    for (let d = 0; r >= 0 && d < dim; d++) {
      const v = data[r * dim + d];
      if (v !== 0) {
        colIdx[out] = d;
        values[out++] = v;
      }
    }
    rowPtr[i + 1] = out;
  }
  return { kind: 'sparse', dim, csr: { rows: N, cols: dim, rowPtr, colIdx, values } };
}
