// Planetoid files (Yang et al. 2016) as their authors distribute them: ind.<name>.{x, tx, allx,
// y, ty, ally, graph, test.index}. Node order and split as in the GCN paper's loader (Kipf &
// Welling, gcn/utils.py): nodes 0..allx.rows-1 take allx/ally's rows; row j of tx/ty belongs to
// node test.index[j]; ids in the test range without a row get zero features and no label.
// train = ids 0..y.rows-1 (the first 20 per class), valid = the next 500, test = test.index.
// The graph (a dict of adjacency lists) is made symmetric, repeated entries collapse and
// self-loops are dropped (GCN normalisation adds a self-loop to every node).
import { DatasetError } from '../errors';
import { SPLIT_NONE, SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID, type Csr } from '../types';
import { buildAdjacency } from './edges';
import { displayPath, MAX_PICKLE_BYTES, readAll, type InputFiles, type ProgressFn } from './input';
import { checkNodeBound, limitsOf, type ConvertLimits } from './limits';
import { scipyCsr, type ScipyCsr } from './numpy';
import { unpickle } from './pickle';
import { adjacencyLists, matrix2d, oneHotClasses, parseTestIndex } from './planetoid-parts';
import type { DatasetMeta, FullGraph } from './write';

const PARTS = ['x', 'y', 'tx', 'ty', 'allx', 'ally', 'graph', 'test.index'] as const;

/** The Planetoid dataset names present among the inputs (from any ind.<name>.<part>). */
export function planetoidNames(input: InputFiles): string[] {
  const names = new Set<string>();
  for (const p of input.paths()) {
    const m = /(?:^|\/)ind\.([^/]+)\.(x|y|tx|ty|allx|ally|graph|test\.index)$/.exec(p);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

export interface PlanetoidReport {
  /** Nodes that list themselves in `graph` (dropped). */
  selfLoopNodes: number;
  /** Self-loop entries in the raw lists. */
  selfLoopEntries: number;
  /** Entries that repeat an earlier entry of the same list (collapsed). */
  duplicateEntries: number;
  /** Ids in the test range with no row in tx/ty. */
  featurelessNodes: number;
  undirectedEdges: number;
}

export async function readPlanetoid(
  input: InputFiles,
  opts: { name?: string; onProgress?: ProgressFn; limits?: ConvertLimits } = {},
): Promise<{ graph: FullGraph; meta: DatasetMeta; report: PlanetoidReport }> {
  const limits = opts.limits ?? limitsOf();
  const names = planetoidNames(input);
  let prefix = opts.name && names.includes(opts.name) ? opts.name : undefined;
  if (!prefix) {
    if (names.length !== 1) {
      throw new DatasetError(
        displayPath(input, 'ind.<name>.graph'),
        'file',
        names.length
          ? `one Planetoid dataset (or --name naming one of ${names.join(', ')})`
          : 'Planetoid files ind.<name>.{x,tx,allx,y,ty,ally,graph,test.index}',
        names.length ? `${names.length}: ${names.join(', ')}` : 'none among the inputs',
      );
    }
    prefix = names[0];
  }
  const pathOf = new Map<string, string>();
  for (const part of PARTS) {
    const want = `ind.${prefix}.${part}`;
    const hit = input.paths().find((p) => p === want || p.endsWith('/' + want));
    if (!hit) {
      throw new DatasetError(
        displayPath(input, want),
        'file',
        `the file to exist (Planetoid part "${part}")`,
        'no such file among the inputs',
      );
    }
    pathOf.set(part, hit);
  }
  const total = PARTS.reduce((t, p) => t + input.size(pathOf.get(p)!), 0);
  let done = 0;
  const bytes = new Map<string, Uint8Array>();
  for (const part of PARTS) {
    const p = pathOf.get(part)!;
    opts.onProgress?.({ stage: 'read', label: p, done, total });
    bytes.set(part, await readAll(input, p, MAX_PICKLE_BYTES));
    done += input.size(p);
  }
  opts.onProgress?.({ stage: 'build', label: 'graph', done: total, total });
  const fileOf = (part: string) => displayPath(input, pathOf.get(part)!);
  const load = (part: string) => unpickle(bytes.get(part)!, fileOf(part));

  const allx = scipyCsr(load('allx'), fileOf('allx'));
  const tx = scipyCsr(load('tx'), fileOf('tx'));
  const x = scipyCsr(load('x'), fileOf('x'));
  const ally = matrix2d(load('ally'), fileOf('ally'), 'ally');
  const ty = matrix2d(load('ty'), fileOf('ty'), 'ty');
  const y = matrix2d(load('y'), fileOf('y'), 'y');

  const nA = allx.rows;
  const D = allx.cols;
  const C = ally.cols;
  const agree = (part: string, field: string, expected: number, found: number, why: string) => {
    if (expected !== found)
      throw new DatasetError(fileOf(part), field, `${expected} (${why})`, String(found));
  };
  const atLeastOne = (part: string, field: string, n: number) => {
    if (n < 1) throw new DatasetError(fileOf(part), field, 'at least 1', String(n));
  };
  atLeastOne('allx', 'columns (features)', D);
  atLeastOne('ally', 'columns (classes)', C);
  agree('tx', 'columns', D, tx.cols, 'the feature count of allx');
  agree('x', 'columns', D, x.cols, 'the feature count of allx');
  agree('ally', 'rows', nA, ally.rows, 'the rows of allx');
  agree('ty', 'rows', tx.rows, ty.rows, 'the rows of tx');
  agree('ty', 'columns', C, ty.cols, 'the classes of ally');
  agree('y', 'columns', C, y.cols, 'the classes of ally');
  agree('y', 'rows', x.rows, y.rows, 'the rows of x');
  if (y.rows > nA)
    agree('y', 'rows', nA, y.rows, 'at most the rows of ally: y labels its first rows');

  const testIndex = parseTestIndex(
    bytes.get('test.index')!,
    fileOf('test.index'),
    nA,
    tx.rows,
    limits,
  );
  agree('tx', 'rows', testIndex.length, tx.rows, 'the ids in test.index');
  // Node count: allx's rows and the test range; the graph may name no other node.
  let N = nA;
  for (const t of testIndex) N = Math.max(N, t + 1);
  atLeastOne('allx', 'rows (nodes)', N);
  checkNodeBound(nA - 1, limits, fileOf('allx'), 'rows');
  const lists = adjacencyLists(
    load('graph'),
    fileOf('graph'),
    N,
    `the ${nA} rows of allx and the test range of test.index`,
  );
  const { selfLoopNodes, selfLoopEntries } = lists;

  // Features: CSR rows from allx (ids < nA) and tx (ids test.index[j]).
  const rowSource = new Int32Array(N).fill(-1); // ≥ 0: allx row; ≤ -2: tx row (-2 - j)
  for (let i = 0; i < nA; i++) rowSource[i] = i;
  testIndex.forEach((t, j) => (rowSource[t] = -2 - j));
  const rowOf = (i: number): [ScipyCsr, number] | null =>
    rowSource[i] >= 0 ? [allx, rowSource[i]] : rowSource[i] <= -2 ? [tx, -2 - rowSource[i]] : null;
  const rowPtr = new Uint32Array(N + 1);
  for (let i = 0; i < N; i++) {
    const r = rowOf(i);
    rowPtr[i + 1] = rowPtr[i] + (r ? r[0].indptr[r[1] + 1] - r[0].indptr[r[1]] : 0);
  }
  const colIdx = new Uint32Array(rowPtr[N]);
  const values = new Float32Array(rowPtr[N]);
  let featureless = 0;
  for (let i = 0; i < N; i++) {
    const r = rowOf(i);
    if (!r) {
      featureless++;
      continue;
    }
    const [m, row] = r;
    const a = m.indptr[row];
    const b = m.indptr[row + 1];
    const entries: [number, number][] = [];
    for (let k = a; k < b; k++) entries.push([m.indices[k], m.data[k]]);
    entries.sort((p, q) => p[0] - q[0]);
    // Repeated indices in a row sum, as scipy does.
    let out = rowPtr[i];
    for (let e = 0; e < entries.length; e++) {
      if (e > 0 && entries[e][0] === entries[e - 1][0]) {
        values[out - 1] += entries[e][1];
        continue;
      }
      colIdx[out] = entries[e][0];
      values[out++] = entries[e][1];
    }
    for (let k = rowPtr[i]; k < out; k++) {
      if (!Number.isFinite(values[k])) {
        throw new DatasetError(
          fileOf(m === allx ? 'allx' : 'tx'),
          `row ${row}, column ${colIdx[k]}`,
          'a finite float32 feature (repeated column ids are summed)',
          String(values[k]),
        );
      }
    }
    for (; out < rowPtr[i + 1]; out++) colIdx[out] = 0xffffffff; // filled below
  }
  const features = compactCsr({ rows: N, cols: D, rowPtr, colIdx, values });

  const labels = new Int32Array(N).fill(-1);
  const yA = oneHotClasses(ally, fileOf('ally'));
  labels.set(yA, 0);
  const yT = oneHotClasses(ty, fileOf('ty'));
  testIndex.forEach((t, j) => (labels[t] = yT[j]));
  // y labels the training nodes: the first rows of ally, each with a class.
  const yTrain = oneHotClasses(y, fileOf('y'));
  yTrain.forEach((c, i) => {
    if (c < 0 || c !== yA[i]) {
      throw new DatasetError(
        fileOf('y'),
        `row ${i}`,
        `one class set, the class of ally row ${i} (${yA[i]}): y labels the training nodes`,
        c < 0 ? 'no class set' : `class ${c}`,
      );
    }
  });

  const split = new Uint8Array(N);
  const nTrain = y.rows;
  for (let i = 0; i < Math.min(nTrain, N); i++) split[i] = SPLIT_TRAIN;
  for (let i = nTrain; i < Math.min(nTrain + 500, N); i++) split[i] = SPLIT_VALID;
  for (const t of testIndex) {
    if (split[t] !== SPLIT_NONE) {
      throw new DatasetError(
        fileOf('test.index'),
        'ids',
        `test ids outside train/valid (0..${nTrain + 499})`,
        String(t),
      );
    }
    split[t] = SPLIT_TEST;
  }

  const adjRes = buildAdjacency(N, lists.src, lists.dst, { symmetrize: true });
  const undirected = adjRes.adj.colIdx.length / 2;
  const graph: FullGraph = {
    numNodes: N,
    adj: adjRes.adj,
    features: { kind: 'sparse', dim: D, csr: features },
    labels: { kind: 'multiclass', numClasses: C, y: labels },
    split,
    globalIds: identity(N),
  };
  const perClass = new Array(C).fill(0);
  for (let i = 0; i < nTrain; i++) if (labels[i] >= 0) perClass[labels[i]]++;
  const unlabelled = labels.reduce((s, v) => s + (v < 0 ? 1 : 0), 0);
  const report: PlanetoidReport = {
    selfLoopNodes,
    selfLoopEntries,
    duplicateEntries: adjRes.duplicateInputEdges,
    featurelessNodes: featureless,
    undirectedEdges: undirected,
  };
  const notes = [
    `${undirected} undirected edges stored in both directions (${adjRes.adj.colIdx.length} entries), the graph made symmetric`,
    `${selfLoopNodes} nodes list themselves in ind.${prefix}.graph (${selfLoopEntries} entries): self-loops dropped, operators add one to every node`,
    `${adjRes.duplicateInputEdges} repeated adjacency-list entries collapsed`,
    `${featureless} ids in the test range have no row in tx/ty: zero features, no label`,
    `train = ids 0..${nTrain - 1} (per class: ${perClass.join(', ')}), valid = ids ${nTrain}..${nTrain + 499}, test = the ${testIndex.length} ids of test.index`,
  ];
  if (unlabelled) notes.push(`${unlabelled} nodes have no label`);
  const meta: DatasetMeta = {
    name: opts.name ?? prefix,
    description: `${prefix} (Planetoid): ${N} nodes, ${D} bag-of-words features, ${C} classes`,
    source: `planetoid: ind.${prefix}.{x,tx,allx,y,ty,ally,graph,test.index}`,
    metric: 'accuracy',
    symmetric: true,
    splitDescription:
      'Planetoid public split as in the GCN loader: train = the first 20 nodes per class, valid = the next 500 ids, test = test.index',
    notes,
  };
  return { graph, meta, report };
}

/** Drops the unused tail of rows shortened by collapsing repeated feature indices. */
function compactCsr(c: Csr): Csr {
  let holes = 0;
  for (let k = 0; k < c.colIdx.length; k++) if (c.colIdx[k] === 0xffffffff) holes++;
  if (!holes) return c;
  const rowPtr = new Uint32Array(c.rows + 1);
  const colIdx = new Uint32Array(c.colIdx.length - holes);
  const values = new Float32Array(c.colIdx.length - holes);
  let out = 0;
  for (let i = 0; i < c.rows; i++) {
    for (let k = c.rowPtr[i]; k < c.rowPtr[i + 1]; k++) {
      if (c.colIdx[k] === 0xffffffff) continue;
      colIdx[out] = c.colIdx[k];
      values[out++] = c.values![k];
    }
    rowPtr[i + 1] = out;
  }
  return { rows: c.rows, cols: c.cols, rowPtr, colIdx, values };
}

export function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
