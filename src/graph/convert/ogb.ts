// An OGB node-property-prediction folder as OGB downloads it: raw/{edge, node-feat, edge-feat,
// node-label, num-node-list, num-edge-list}.csv.gz and split/<name>/{train,valid,test}.csv.gz —
// headerless, comma separated, gzipped. Streamed: inflated and parsed chunk by chunk.
//
// As OGB's loaders do: proteins and products get reverse edges (add_inverse_edge), arxiv is
// symmetrised (as the paper's RevGCN on arxiv); proteins' node inputs are the mean of incident
// edge features (OGB's proteins examples: x = adj_t.mean(dim=1)) and its metric ROC-AUC over
// its 112 tasks.
import { DatasetError } from '../errors';
import type { Metric } from '../format';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID, type NodeFeatures, type NodeLabels } from '../types';
import { buildAdjacency, meanIncidentEdgeFeatures } from './edges';
import {
  GrowableF32,
  GrowableU32,
  displayPath,
  readNumberRows,
  type InputFiles,
  type ProgressFn,
} from './input';
import { identity } from './planetoid';
import type { DatasetMeta, FullGraph } from './write';

interface Known {
  symmetrize: boolean;
  metric: Metric;
  how: string;
}

const KNOWN: Record<string, Known> = {
  proteins: { symmetrize: true, metric: 'rocauc', how: 'reverse edges added (add_inverse_edge)' },
  products: { symmetrize: true, metric: 'accuracy', how: 'reverse edges added (add_inverse_edge)' },
  arxiv: { symmetrize: true, metric: 'accuracy', how: 'citations symmetrised (to_undirected)' },
};

export function kindOfOgb(name: string): keyof typeof KNOWN | undefined {
  const m = /(proteins|products|arxiv)/i.exec(name);
  return m ? (m[1].toLowerCase() as keyof typeof KNOWN) : undefined;
}

/** The folder prefix (ending in '/' or empty) of an OGB download among the inputs. */
export function ogbRoot(input: InputFiles): string | undefined {
  const hits = input
    .paths()
    .filter((p) => /(^|\/)raw\/edge\.csv(\.gz)?$/.test(p))
    .sort((a, b) => a.length - b.length);
  return hits.length ? hits[0].replace(/raw\/edge\.csv(\.gz)?$/, '') : undefined;
}

export interface OgbOptions {
  name?: string;
  /** Keep edge directions (default: as the known dataset does; unknown datasets symmetrise). */
  directed?: boolean;
  onProgress?: ProgressFn;
}

export async function readOgb(
  input: InputFiles,
  opts: OgbOptions = {},
): Promise<{ graph: FullGraph; meta: DatasetMeta }> {
  const root = ogbRoot(input);
  if (root === undefined) {
    throw new DatasetError(
      displayPath(input, 'raw/edge.csv.gz'),
      'file',
      'an OGB folder with raw/edge.csv.gz',
      'no such file among the inputs',
    );
  }
  const folderName =
    root.replace(/\/$/, '').split('/').pop() || input.label.split('/').pop() || 'ogb';
  const name = opts.name ?? folderName;
  const kind = kindOfOgb(name) ?? kindOfOgb(folderName);
  const find = (rel: string) => {
    for (const cand of [rel, rel.replace(/\.gz$/, '')]) {
      if (input.paths().includes(root + cand)) return root + cand;
    }
    return undefined;
  };
  const need = (rel: string) => {
    const p = find(rel);
    if (!p) {
      throw new DatasetError(
        displayPath(input, root + rel),
        'file',
        'the file to exist (part of an OGB node-property-prediction folder)',
        'no such file among the inputs',
      );
    }
    return p;
  };
  const edgePath = need('raw/edge.csv.gz');
  const nodeCountPath = need('raw/num-node-list.csv.gz');
  const edgeCountPath = find('raw/num-edge-list.csv.gz');
  const labelPath = need('raw/node-label.csv.gz');
  const nodeFeatPath = find('raw/node-feat.csv.gz');
  const edgeFeatPath = find('raw/edge-feat.csv.gz');
  const splitDirs = [
    ...new Set(
      input
        .paths()
        .filter((p) => p.startsWith(root + 'split/'))
        .map((p) => p.slice(root.length).split('/')[1])
        .filter(Boolean),
    ),
  ].sort();
  if (splitDirs.length === 0) {
    throw new DatasetError(
      displayPath(input, root + 'split/<name>/train.csv.gz'),
      'file',
      'a split folder split/<name>/ with train, valid and test',
      'no split folder among the inputs',
    );
  }
  const splitDir = splitDirs[0];
  const splitPaths = (['train', 'valid', 'test'] as const).map((s) =>
    need(`split/${splitDir}/${s}.csv.gz`),
  );

  const all = [
    edgePath,
    nodeCountPath,
    edgeCountPath,
    labelPath,
    nodeFeatPath,
    edgeFeatPath,
    ...splitPaths,
  ].filter((p): p is string => !!p);
  const total = all.reduce((t, p) => t + input.size(p), 0);
  let before = 0;
  const read = async (path: string, onRow: (v: Float64Array, n: number, line: number) => void) => {
    const report = (b: number) =>
      opts.onProgress?.({ stage: 'read', label: path, done: before + b, total });
    report(0);
    await readNumberRows(input, path, onRow, report);
    before += input.size(path);
  };
  const file = (p: string) => displayPath(input, p);

  let N = -1;
  await read(nodeCountPath, (v) => {
    if (N < 0) N = v[0];
  });
  if (!Number.isInteger(N) || N < 1) {
    throw new DatasetError(
      file(nodeCountPath),
      'line 1',
      'the node count (a positive integer)',
      String(N),
    );
  }
  let Elisted = -1;
  if (edgeCountPath) {
    await read(edgeCountPath, (v) => {
      if (Elisted < 0) Elisted = v[0];
    });
  }

  const intIn = (v: number, hi: number, path: string, line: number, field: string) => {
    if (!Number.isInteger(v) || v < 0 || v >= hi) {
      throw new DatasetError(
        file(path),
        `line ${line}, ${field}`,
        `an id in 0..${hi - 1}`,
        String(v),
      );
    }
  };

  const src = new GrowableU32(Elisted > 0 ? Elisted : 1 << 16);
  const dst = new GrowableU32(Elisted > 0 ? Elisted : 1 << 16);
  await read(edgePath, (v, n, line) => {
    if (n !== 2)
      throw new DatasetError(file(edgePath), `line ${line}`, '2 columns (source, target)', `${n}`);
    intIn(v[0], N, edgePath, line, 'source');
    intIn(v[1], N, edgePath, line, 'target');
    src.push(v[0]);
    dst.push(v[1]);
  });
  const E = src.length;
  if (Elisted >= 0 && Elisted !== E) {
    throw new DatasetError(file(edgePath), 'rows', `${Elisted} edges (num-edge-list)`, `${E}`);
  }

  let edgeFeat: { dim: number; data: Float32Array } | undefined;
  if (edgeFeatPath) {
    const buf = new GrowableF32(1 << 16);
    let dim = -1;
    let rows = 0;
    await read(edgeFeatPath, (v, n, line) => {
      if (dim < 0) {
        dim = n;
        buf.reserve(E * dim);
      }
      if (n !== dim)
        throw new DatasetError(file(edgeFeatPath), `line ${line}`, `${dim} columns`, `${n}`);
      buf.reserve(n);
      for (let d = 0; d < n; d++) {
        if (!Number.isFinite(v[d])) {
          throw new DatasetError(
            file(edgeFeatPath),
            `line ${line}, field ${d + 1}`,
            'a finite number',
            String(v[d]),
          );
        }
        buf.data[buf.length++] = v[d];
      }
      rows++;
    });
    if (rows !== E)
      throw new DatasetError(file(edgeFeatPath), 'rows', `${E} (one per edge)`, `${rows}`);
    edgeFeat = { dim, data: buf.toArray() };
  }

  let nodeFeat: { dim: number; data: Float32Array } | undefined;
  if (nodeFeatPath) {
    const buf = new GrowableF32(1 << 16);
    let dim = -1;
    let rows = 0;
    await read(nodeFeatPath, (v, n, line) => {
      if (dim < 0) {
        dim = n;
        buf.reserve(N * dim);
      }
      if (n !== dim)
        throw new DatasetError(file(nodeFeatPath), `line ${line}`, `${dim} columns`, `${n}`);
      buf.reserve(n);
      for (let d = 0; d < n; d++) {
        if (!Number.isFinite(v[d])) {
          throw new DatasetError(
            file(nodeFeatPath),
            `line ${line}, field ${d + 1}`,
            'a finite number',
            String(v[d]),
          );
        }
        buf.data[buf.length++] = v[d];
      }
      rows++;
    });
    if (rows !== N)
      throw new DatasetError(file(nodeFeatPath), 'rows', `${N} (one per node)`, `${rows}`);
    nodeFeat = { dim, data: buf.toArray() };
  }

  // Labels: one column → classes (NaN = none); several → a multi-label 0/1 matrix.
  let width = -1;
  let rowsL = 0;
  const lab = new GrowableF32(1 << 16);
  await read(labelPath, (v, n, line) => {
    if (width < 0) {
      width = n;
      lab.reserve(N * width);
    }
    if (n !== width)
      throw new DatasetError(file(labelPath), `line ${line}`, `${width} columns`, `${n}`);
    lab.reserve(n);
    for (let d = 0; d < n; d++) lab.data[lab.length++] = v[d];
    rowsL++;
  });
  if (rowsL !== N)
    throw new DatasetError(file(labelPath), 'rows', `${N} (one per node)`, `${rowsL}`);
  let labels: NodeLabels;
  if (width === 1) {
    const y = new Int32Array(N);
    let C = 0;
    for (let i = 0; i < N; i++) {
      const v = lab.data[i];
      if (Number.isNaN(v) || v < 0) y[i] = -1;
      else {
        if (!Number.isInteger(v))
          throw new DatasetError(
            file(labelPath),
            `line ${i + 1}`,
            'a class id (an integer)',
            String(v),
          );
        y[i] = v;
        C = Math.max(C, v + 1);
      }
    }
    labels = { kind: 'multiclass', numClasses: Math.max(C, 1), y };
  } else {
    const y = new Uint8Array(N * width);
    for (let k = 0; k < N * width; k++) {
      const v = lab.data[k];
      if (v !== 0 && v !== 1) {
        throw new DatasetError(
          file(labelPath),
          `line ${Math.floor(k / width) + 1}, field ${(k % width) + 1}`,
          '0 or 1 (a multi-label task)',
          String(v),
        );
      }
      y[k] = v;
    }
    labels = { kind: 'multilabel', numTasks: width, y };
  }

  const split = new Uint8Array(N);
  const codes = [SPLIT_TRAIN, SPLIT_VALID, SPLIT_TEST];
  const names = ['train', 'valid', 'test'];
  for (let s = 0; s < 3; s++) {
    const p = splitPaths[s];
    await read(p, (v, _n, line) => {
      intIn(v[0], N, p, line, 'node id');
      if (split[v[0]] !== 0) {
        throw new DatasetError(
          file(p),
          `line ${line}`,
          `a node in no other split`,
          `node ${v[0]} already in ${names[split[v[0]] - 1]}`,
        );
      }
      split[v[0]] = codes[s];
    });
  }

  opts.onProgress?.({ stage: 'build', label: 'adjacency', done: total, total });
  const known = kind ? KNOWN[kind] : undefined;
  const symmetrize = opts.directed ? false : (known?.symmetrize ?? true);
  const adj = buildAdjacency(N, src.toArray(), dst.toArray(), {
    symmetrize,
    edgeFeatures: edgeFeat,
  });
  const notes: string[] = [];
  let features: NodeFeatures;
  let featuresDerived: string | undefined;
  if (nodeFeat) {
    features = { kind: 'dense', dim: nodeFeat.dim, data: nodeFeat.data };
  } else if (adj.edgeFeatures) {
    features = {
      kind: 'dense',
      dim: adj.edgeFeatures.dim,
      data: meanIncidentEdgeFeatures(adj.adj, adj.edgeFeatures),
    };
    featuresDerived =
      'mean of incident edge features (as OGB proteins examples: x = adj_t.mean(dim=1))';
    notes.push(
      'no node features in the input: node inputs are the mean of each node’s incident edge features',
    );
  } else {
    throw new DatasetError(
      displayPath(input, root + 'raw/node-feat.csv.gz'),
      'file',
      'node features, or edge features to derive them from',
      'neither among the inputs',
    );
  }
  notes.push(
    `${E} input edges → ${adj.adj.colIdx.length} stored in-edge entries` +
      (symmetrize ? ` (${known?.how ?? 'symmetrised'})` : ' (directed, as given)'),
  );
  if (adj.selfLoops)
    notes.push(`${adj.selfLoops} self-loops dropped (operators add one to every node)`);
  if (adj.duplicateInputEdges)
    notes.push(
      `${adj.duplicateInputEdges} repeated edges collapsed (the first keeps its features)`,
    );
  const metric: Metric = labels.kind === 'multilabel' ? 'rocauc' : (known?.metric ?? 'accuracy');
  const graph: FullGraph = {
    numNodes: N,
    adj: adj.adj,
    features,
    labels,
    split,
    globalIds: identity(N),
  };
  if (adj.edgeFeatures) graph.edgeFeatures = adj.edgeFeatures;
  const meta: DatasetMeta = {
    name,
    description: `${name} (OGB node property prediction): ${N} nodes, ${labels.kind === 'multilabel' ? `${labels.numTasks} binary tasks` : `${labels.numClasses} classes`}`,
    source: `ogb: ${root || './'}raw/*.csv.gz, split/${splitDir}/`,
    metric,
    symmetric: symmetrize,
    splitDescription: `OGB split "${splitDir}"`,
    featuresDerived,
    notes,
  };
  return { graph, meta };
}
