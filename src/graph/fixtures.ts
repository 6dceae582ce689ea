// Small graphs and in-memory datasets for the tests of the data layer.
import { buildAdjacency } from './convert/edges';
import { identity } from './convert/planetoid';
import { MemorySink, writeDataset, type DatasetMeta, type FullGraph } from './convert/write';
import type { DatasetManifest } from './format';
import { MemorySource } from './load';
import { Rng } from './rng';

/** A random symmetric graph with dense or sparse features, classes or tasks, edge features. */
export function randomGraph(opts: {
  n: number;
  edges: number;
  seed?: number;
  sparse?: boolean;
  multilabel?: number;
  edgeDim?: number;
  dim?: number;
  classes?: number;
}): FullGraph {
  const rng = new Rng(opts.seed ?? 7);
  const n = opts.n;
  const src = new Uint32Array(opts.edges);
  const dst = new Uint32Array(opts.edges);
  for (let e = 0; e < opts.edges; e++) {
    src[e] = rng.int(n);
    dst[e] = rng.int(n);
  }
  const ed = opts.edgeDim ?? 0;
  const ef = ed ? Float32Array.from({ length: opts.edges * ed }, () => rng.float()) : undefined;
  const adj = buildAdjacency(n, src, dst, {
    symmetrize: true,
    edgeFeatures: ef ? { dim: ed, data: ef } : undefined,
  });
  const dim = opts.dim ?? 5;
  const C = opts.classes ?? 3;
  const split = Uint8Array.from({ length: n }, () => rng.int(4));
  const g: FullGraph = {
    numNodes: n,
    adj: adj.adj,
    features: {
      kind: 'dense',
      dim,
      data: Float32Array.from({ length: n * dim }, () => rng.normal()),
    },
    labels: opts.multilabel
      ? {
          kind: 'multilabel',
          numTasks: opts.multilabel,
          y: Uint8Array.from({ length: n * opts.multilabel }, () => rng.int(2)),
        }
      : {
          kind: 'multiclass',
          numClasses: C,
          y: Int32Array.from({ length: n }, () => rng.int(C + 1) - 1),
        },
    split,
    globalIds: identity(n),
  };
  if (opts.sparse) {
    const rowPtr = new Uint32Array(n + 1);
    const cols: number[] = [];
    for (let i = 0; i < n; i++) {
      const set = new Set<number>();
      const k = rng.int(4);
      while (set.size < k) set.add(rng.int(dim));
      cols.push(...[...set].sort((a, b) => a - b));
      rowPtr[i + 1] = cols.length;
    }
    g.features = {
      kind: 'sparse',
      dim,
      csr: {
        rows: n,
        cols: dim,
        rowPtr,
        colIdx: Uint32Array.from(cols),
        values: new Float32Array(cols.length).fill(1),
      },
    };
  }
  if (adj.edgeFeatures) g.edgeFeatures = adj.edgeFeatures;
  return g;
}

export function metaFor(name: string, g: FullGraph): DatasetMeta {
  return {
    name,
    description: 'test graph',
    source: 'fixtures',
    metric: g.labels.kind === 'multilabel' ? 'rocauc' : 'accuracy',
    symmetric: true,
    splitDescription: 'random',
    notes: [],
  };
}

/** Writes a graph as an in-memory dataset of K shards. */
export async function memoryDataset(
  g: FullGraph,
  shards: number,
  seed = 0,
): Promise<{ files: Map<string, Uint8Array>; manifest: DatasetManifest; source: MemorySource }> {
  const sink = new MemorySink();
  const manifest = await writeDataset(g, metaFor('test', g), { shards, seed }, sink);
  return { files: sink.files, manifest, source: new MemorySource(sink.files) };
}
