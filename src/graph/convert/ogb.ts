// An OGB node-property-prediction folder (ogb-layout.ts), streamed: each file inflated and parsed
// chunk by chunk, and every count checked as it grows: a file with more rows than the node or edge
// count declares is refused at the first row too many, never read to its end. Node inputs without
// node features are the mean of incident edge features (OGB's proteins examples:
// x = adj_t.mean(dim=1)).
import { DatasetError } from '../errors';
import type { Metric } from '../format';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID, type NodeFeatures, type NodeLabels } from '../types';
import { meanIncidentEdgeFeatures } from './edges';
import { EdgeList } from './edge-list';
import { Growable } from './growable';
import { displayPath, type InputFiles, type ProgressFn } from './input';
import {
  isolatedWords,
  limitsOf,
  maxNodesWords,
  MAX_EDGES,
  nodeBoundFromEdges,
  type ConvertLimits,
} from './limits';
import { readNumberRows } from './number-rows';
import { FLOAT32_MAX } from './numpy';
import { KNOWN, kindOfOgb, ogbFiles } from './ogb-layout';
import { classIds } from './labels';
import { identity } from './planetoid';
import type { DatasetMeta, FullGraph } from './write';

export { kindOfOgb, ogbRoot } from './ogb-layout';

export interface OgbOptions {
  name?: string;
  /** Keep edge directions (default: as the known dataset does; unknown datasets symmetrise). */
  directed?: boolean;
  onProgress?: ProgressFn;
  limits?: ConvertLimits;
}

type OnRow = (v: Float64Array, n: number, line: number, row: number) => void;

export async function readOgb(
  input: InputFiles,
  opts: OgbOptions = {},
): Promise<{ graph: FullGraph; meta: DatasetMeta }> {
  const limits = opts.limits ?? limitsOf();
  const f = ogbFiles(input);
  const name = opts.name ?? f.folderName;
  const kind = kindOfOgb(name) ?? kindOfOgb(f.folderName);
  const all = [f.edges, f.nodeCount, f.edgeCount, f.labels, f.nodeFeatures, f.edgeFeatures];
  const paths = [...all, ...f.splits].filter((p): p is string => !!p);
  const total = paths.reduce((t, p) => t + input.size(p), 0);
  const file = (p: string) => displayPath(input, p);
  let before = 0;

  /** Streams a file's rows: one width for all, at most `rows.expected` of them (then exactly). */
  const read = async (
    path: string,
    rows: { expected?: number; why: string; exact?: boolean },
    onRow: OnRow,
  ): Promise<{ rows: number; width: number }> => {
    const report = (b: number) =>
      opts.onProgress?.({ stage: 'read', label: path, done: before + b, total });
    report(0);
    let count = 0;
    let width = -1;
    await readNumberRows(
      input,
      path,
      (v, n, line) => {
        if (width < 0) width = n;
        if (n !== width)
          throw new DatasetError(
            file(path),
            `line ${line}`,
            `${width} columns (as line 1)`,
            `${n}`,
          );
        if (rows.expected !== undefined && count === rows.expected) {
          throw new DatasetError(
            file(path),
            'rows',
            `${rows.expected} (${rows.why})`,
            `more: line ${line} is one too many`,
          );
        }
        onRow(v, n, line, count++);
      },
      report,
    );
    if (rows.exact !== false && rows.expected !== undefined && count !== rows.expected) {
      throw new DatasetError(file(path), 'rows', `${rows.expected} (${rows.why})`, `${count}`);
    }
    before += input.size(path);
    return { rows: count, width };
  };
  const count = async (path: string, what: string, min: number, max: number, maxWhy: string) => {
    let value = NaN;
    await read(path, { expected: 1, why: 'one count' }, (v, n, line) => {
      if (n !== 1) throw new DatasetError(file(path), `line ${line}`, `1 column (${what})`, `${n}`);
      value = v[0];
    });
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new DatasetError(
        file(path),
        'line 1',
        `${what}: a whole number from ${min} to ${maxWhy}`,
        String(value),
      );
    }
    return value;
  };
  const finite = (path: string, v: Float64Array, n: number, line: number) => {
    for (let d = 0; d < n; d++) {
      if (!Number.isFinite(v[d]) || Math.abs(v[d]) > FLOAT32_MAX) {
        throw new DatasetError(
          file(path),
          `line ${line}, field ${d + 1}`,
          'a finite number within float32 range',
          String(v[d]),
        );
      }
    }
  };

  const N = await count(f.nodeCount, 'the node count', 1, limits.maxNodes, maxNodesWords(limits));
  const Elisted = f.edgeCount
    ? await count(f.edgeCount, 'the edge count', 0, MAX_EDGES, `${MAX_EDGES}`)
    : undefined;
  const idIn = (v: number, path: string, line: number, field: string) => {
    if (!Number.isInteger(v) || v < 0 || v >= N) {
      throw new DatasetError(
        file(path),
        `line ${line}, ${field}`,
        `an id in 0..${N - 1} (num-node-list)`,
        String(v),
      );
    }
  };

  const edges = new EdgeList(file(f.edges), limits.compactEdgesAt);
  await read(f.edges, { expected: Elisted, why: 'num-edge-list' }, (v, n, line) => {
    if (n !== 2)
      throw new DatasetError(file(f.edges), `line ${line}`, '2 columns (source, target)', `${n}`);
    idIn(v[0], f.edges, line, 'source');
    idIn(v[1], f.edges, line, 'target');
    edges.push(v[0], v[1]);
  });
  const E = edges.rows;
  const most = nodeBoundFromEdges(edges.maxId + 1, limits);
  if (N > most) {
    throw new DatasetError(
      file(f.nodeCount),
      'line 1',
      `a node count of at most ${most} (${isolatedWords(edges.maxId + 1)})`,
      String(N),
    );
  }

  if (f.edgeFeatures) {
    const path = f.edgeFeatures;
    await read(path, { expected: E, why: 'one per edge of edge.csv' }, (v, n, line, row) => {
      if (row === 0) edges.beginLateFeatures(n);
      finite(path, v, n, line);
      edges.pushLateFeatures(row, v);
    });
  }

  let nodeFeat: { dim: number; data: Float32Array } | undefined;
  if (f.nodeFeatures) {
    const path = f.nodeFeatures;
    const buf = new Growable(Float32Array, 1 << 16);
    const { width } = await read(
      path,
      { expected: N, why: 'one per node, num-node-list' },
      (v, n, line) => {
        finite(path, v, n, line);
        buf.reserve(n);
        for (let d = 0; d < n; d++) buf.data[buf.length++] = v[d];
      },
    );
    nodeFeat = { dim: width, data: buf.toArray() };
  }

  // Labels: one column → classes (NaN = none); several → a multi-label 0/1 matrix.
  const lab = new Growable(Float32Array, 1 << 16);
  const { width } = await read(
    f.labels,
    { expected: N, why: 'one per node, num-node-list' },
    (v, n) => {
      lab.reserve(n);
      for (let d = 0; d < n; d++) lab.data[lab.length++] = v[d];
    },
  );
  let labels: NodeLabels;
  if (width === 1) {
    labels = classIds(lab.toArray(), file(f.labels));
  } else {
    const y = new Uint8Array(N * width);
    for (let k = 0; k < N * width; k++) {
      const v = lab.data[k];
      if (v !== 0 && v !== 1) {
        throw new DatasetError(
          file(f.labels),
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
    const p = f.splits[s];
    await read(p, { expected: N, why: 'at most one row per node', exact: false }, (v, n, line) => {
      if (n !== 1) throw new DatasetError(file(p), `line ${line}`, '1 column (a node id)', `${n}`);
      idIn(v[0], p, line, 'node id');
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
  const adj = edges.build(N, symmetrize);
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
      displayPath(input, f.root + 'raw/node-feat.csv.gz'),
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
    source: `ogb: ${f.root || './'}raw/*.csv.gz, split/${f.splitDir}/`,
    metric,
    symmetric: symmetrize,
    splitDescription: `OGB split "${f.splitDir}"`,
    featuresDerived,
    notes,
  };
  return { graph, meta };
}
