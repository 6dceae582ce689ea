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
// Memory grows with the rows read (a few bytes each) and the distinct edges (edge-list.ts); the
// node count is checked (csv-rows.ts) before anything of that size is allocated.
import { DatasetError } from '../errors';
import type { NodeFeatures } from '../types';
import { EdgeList } from './edge-list';
import { csvFeatures, csvLabels, csvSplit } from './csv-build';
import { FeatureRows, float32Value, LabelRows, NodeIds, SplitRows } from './csv-rows';
import { Growable } from './growable';
import {
  csvFiles,
  HEADER_WORDS,
  ID_HEADER,
  isNumeric,
  readTable,
  SPLIT_WORDS,
  type CsvFileOptions,
} from './csv-table';
import { displayPath, type InputFiles, type ProgressFn } from './input';
import { limitsOf, type ConvertLimits } from './limits';
import { identity } from './planetoid';
import type { DatasetMeta, FullGraph } from './write';

export { hasCsvEdgeList } from './csv-table';

export interface CsvOptions extends CsvFileOptions {
  name?: string;
  header?: 'auto' | 'yes' | 'no';
  /** Keep edge directions (default: symmetrise). */
  directed?: boolean;
  /** Seed of the random split when there is no split file. */
  seed?: number;
  onProgress?: ProgressFn;
  limits?: ConvertLimits;
}

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
  const file = (p: string) => displayPath(input, p);
  const table = async (
    path: string,
    looksLikeHeader: (t: string[]) => boolean,
    onRow: (t: string[], line: number, header: string[] | null) => void,
  ) => {
    await readTable(input, path, headerMode, looksLikeHeader, onRow, (b) =>
      opts.onProgress?.({ stage: 'read', label: path, done: before + b, total }),
    );
    before += input.size(path);
  };
  const anyNonNumeric = (t: string[]) => t.some((x) => !isNumeric(x));
  const hasIdColumn = (h: string[] | null) => !!h && ID_HEADER.test(h[0]);
  const limits = opts.limits ?? limitsOf();
  const ids = new NodeIds(limits);
  const columns = (path: string, line: number, want: number, found: number) => {
    if (want !== found)
      throw new DatasetError(
        file(path),
        `line ${line}`,
        `${want} columns (as the first row)`,
        `${found}`,
      );
  };

  // ---- edges (+ numeric edge features in extra columns) ----
  const edges = new EdgeList(file(edgesPath), limits.compactEdgesAt);
  let efDim = -1;
  let ef = new Float64Array(0);
  await table(edgesPath, anyNonNumeric, (t, line) => {
    if (t.length < 2)
      throw new DatasetError(
        file(edgesPath),
        `line ${line}`,
        '2 columns (source, target)',
        `${t.length}`,
      );
    if (efDim < 0) {
      efDim = t.length - 2;
      edges.setFeatureDim(efDim);
      ef = new Float64Array(efDim);
    }
    columns(edgesPath, line, efDim + 2, t.length);
    const s = ids.parse(t[0], file(edgesPath), `line ${line}, source`);
    const d = ids.parse(t[1], file(edgesPath), `line ${line}, target`);
    for (let k = 0; k < efDim; k++)
      ef[k] = float32Value(
        t[k + 2],
        file(edgesPath),
        `line ${line}, field ${k + 3}`,
        'an edge feature',
      );
    edges.push(s, d, ef);
  });
  if (edges.rows === 0)
    throw new DatasetError(file(edgesPath), 'rows', 'at least one edge', 'none');
  ids.endEdges();

  // ---- features ----
  const featPath = files.features;
  let feat: FeatureRows | null = null;
  if (featPath) {
    const f = new FeatureRows();
    await table(featPath, anyNonNumeric, (t, line, header) => {
      const idCol = hasIdColumn(header);
      if (idCol && !f.ids) f.ids = new Growable(Uint32Array);
      const off = idCol ? 1 : 0;
      if (f.dim < 0) f.dim = t.length - off;
      if (f.dim < 1)
        throw new DatasetError(
          file(featPath),
          `line ${line}`,
          'at least one feature column',
          'none',
        );
      columns(featPath, line, f.dim + off, t.length);
      const where = `line ${line}`;
      const id = idCol
        ? ids.parse(t[0], file(featPath), `${where}, id`)
        : ids.named(f.rows, file(featPath), where);
      f.ids?.push(id);
      f.lines.push(line);
      f.data.reserve(f.dim);
      for (let d = off; d < t.length; d++)
        f.data.data[f.data.length++] = float32Value(
          t[d],
          file(featPath),
          `${where}, field ${d + 1}`,
          'a feature',
        );
      f.rows++;
    });
    if (f.rows === 0)
      throw new DatasetError(file(featPath), 'rows', 'at least one feature row', 'none');
    feat = f;
  }

  // ---- labels ----
  const lab = new LabelRows();
  await table(
    labelsPath,
    (t) => HEADER_WORDS.test(t[0]) || (t.length > 1 && !isNumeric(t[0]) && t[0] !== ''),
    (t, line, header) => {
      const idCol = header ? hasIdColumn(header) : t.length === 2;
      const values = idCol ? t.slice(1) : t;
      const layout = values.length === 1 ? 'class' : 'multi';
      if (lab.layout === null) {
        lab.layout = layout;
        lab.tasks = values.length;
        if (idCol) lab.ids = new Growable(Uint32Array);
      }
      columns(labelsPath, line, lab.tasks + (lab.ids ? 1 : 0), t.length);
      const where = `line ${line}`;
      const id = lab.ids
        ? ids.parse(t[0], file(labelsPath), `${where}, node id`)
        : ids.named(lab.rows, file(labelsPath), where);
      lab.ids?.push(id);
      lab.lines.push(line);
      if (layout === 'class') lab.addClass(values[0]);
      else {
        values.forEach((s, k) => {
          if (s !== '0' && s !== '1') {
            throw new DatasetError(
              file(labelsPath),
              `${where}, task ${k + 1}`,
              '0 or 1 (a multi-label matrix)',
              JSON.stringify(s.slice(0, 20)),
            );
          }
          lab.bits.push(s === '1' ? 1 : 0);
        });
      }
      lab.rows++;
    },
  );
  if (lab.rows === 0)
    throw new DatasetError(file(labelsPath), 'rows', 'at least one label', 'none');

  // ---- split ----
  const splitPath = files.split;
  const sp = new SplitRows();
  if (splitPath) {
    let row = 0;
    await table(
      splitPath,
      (t) => HEADER_WORDS.test(t[0]) && !(t[0].toLowerCase() in SPLIT_WORDS),
      (t, line, header) => {
        const idCol = header ? hasIdColumn(header) : t.length === 2;
        const where = `line ${line}`;
        const id = idCol
          ? ids.parse(t[0], file(splitPath), `${where}, node id`)
          : ids.named(row, file(splitPath), where);
        const word = (idCol ? t[1] : t[0]) ?? '';
        const code = Object.hasOwn(SPLIT_WORDS, word.toLowerCase())
          ? SPLIT_WORDS[word.toLowerCase()]
          : undefined;
        if (code === undefined) {
          throw new DatasetError(
            file(splitPath),
            where,
            'train, valid or test (or none)',
            JSON.stringify(word.slice(0, 40)),
          );
        }
        sp.ids.push(id);
        sp.lines.push(line);
        sp.codes.push(code);
        row++;
      },
    );
  }

  // Every array of the graph's size comes after this check.
  const N = ids.nodeCount();
  opts.onProgress?.({ stage: 'build', label: 'graph', done: total, total });
  const notes: string[] = [];
  const { labels, labelled } = csvLabels(lab, N, file(labelsPath), notes);
  const split = csvSplit(
    sp,
    labelled,
    N,
    splitPath ? file(splitPath) : null,
    opts.seed ?? 0,
    notes,
  );

  const symmetrize = !opts.directed;
  const adj = edges.build(N, symmetrize);
  notes.push(
    `${edges.rows} input edges → ${adj.adj.colIdx.length} stored in-edge entries (${symmetrize ? 'symmetrised' : 'directed, as given'})`,
  );
  if (adj.selfLoops)
    notes.push(`${adj.selfLoops} self-loops dropped (operators add one to every node)`);
  if (adj.duplicateInputEdges) notes.push(`${adj.duplicateInputEdges} repeated edges collapsed`);

  // Features: as given (sparse when mostly zeros), else a constant and log-degree.
  let features: NodeFeatures;
  let featuresDerived: string | undefined;
  if (feat) {
    features = csvFeatures(feat, N, file(featPath!), notes);
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
    splitDescription: splitPath ? `from ${splitPath}` : 'random 60/20/20 of the labelled nodes',
    featuresDerived,
    notes,
  };
  return { graph, meta };
}
