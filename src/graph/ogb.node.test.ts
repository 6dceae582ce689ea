import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { convertDataset } from './convert/index';
import { memoryInput } from './convert/input';
import { NumberRows } from './convert/number-rows';
import { NodeDirSink, nodeInput } from './convert/node-io';
import { readOgb } from './convert/ogb';
import { loadDataset } from './load';
import { NodeFsSource } from './node-source';
import { Rng } from './rng';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID } from './types';

const tmp = mkdtempSync(join(tmpdir(), 'revgnn-ogb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const gz = (rows: (number | string)[][]) =>
  gzipSync(new TextEncoder().encode(rows.map((r) => r.join(',')).join('\n') + '\n'));

function writeFolder(root: string, files: Record<string, Uint8Array>) {
  for (const [rel, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), bytes);
  }
}

// A proteins-like folder: 6 nodes, 5 undirected edges listed once, 8-dim edge features, 112 tasks.
const EDGES = [
  [0, 1],
  [1, 2],
  [2, 0],
  [3, 4],
  [4, 5],
];
const efOf = (e: number) => Array.from({ length: 8 }, (_, d) => (e + 1) / 10 + d / 100);
const TASKS = 112;
const labelRow = (i: number) =>
  Array.from({ length: TASKS }, (_, t) => ((i + t) % 3 === 0 ? 1 : 0));

function proteinsFolder(root: string) {
  writeFolder(root, {
    'raw/edge.csv.gz': gz(EDGES),
    'raw/edge-feat.csv.gz': gz(EDGES.map((_, e) => efOf(e))),
    'raw/node-label.csv.gz': gz(Array.from({ length: 6 }, (_, i) => labelRow(i))),
    'raw/num-node-list.csv.gz': gz([[6]]),
    'raw/num-edge-list.csv.gz': gz([[5]]),
    'raw/node_species.csv.gz': gz([[1], [1], [1], [2], [2], [3]]),
    'split/species/train.csv.gz': gz([[0], [1], [2]]),
    'split/species/valid.csv.gz': gz([[3], [4]]),
    'split/species/test.csv.gz': gz([[5]]),
  });
}

describe('OGB converter', () => {
  it('converts a proteins-like folder: reverse edges, species split, node inputs from edge features', async () => {
    const root = join(tmp, 'ogbn_proteins');
    proteinsFolder(root);
    const out = join(tmp, 'proteins-out');
    const { manifest } = await convertDataset(nodeInput(root), new NodeDirSink(out), {
      format: 'ogb',
      shards: 2,
    });
    expect(manifest).toMatchObject({
      name: 'ogbn_proteins',
      numNodes: 6,
      numEdges: 10,
      symmetric: true,
      task: 'multilabel',
      numTasks: 112,
      metric: 'rocauc',
      features: { kind: 'dense', dim: 8 },
      edgeFeatures: { dim: 8 },
      split: { train: 3, valid: 2, test: 1, none: 0 },
    });
    expect(manifest.features.derived).toMatch(/mean of incident edge features/);
    const { graph: g } = await loadDataset(new NodeFsSource(out));
    // Reverse edges: every edge both ways, with the same features.
    const entry = (i: number, j: number) => {
      for (let k = g.adj.rowPtr[i]; k < g.adj.rowPtr[i + 1]; k++)
        if (g.adj.colIdx[k] === j) return k;
      return -1;
    };
    EDGES.forEach(([u, v], e) => {
      const a = entry(v, u);
      const b = entry(u, v);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(Array.from(g.edgeFeatures!.data.subarray(8 * a, 8 * a + 8))).toEqual(
        Array.from(Float32Array.from(efOf(e))),
      );
      expect(Array.from(g.edgeFeatures!.data.subarray(8 * b, 8 * b + 8))).toEqual(
        Array.from(Float32Array.from(efOf(e))),
      );
    });
    // Node 1 touches edges 0 and 1; node 5 only edge 4.
    const x = g.features.kind === 'dense' ? g.features.data : new Float32Array();
    const mean01 = efOf(0).map((v, d) => (v + efOf(1)[d]) / 2);
    expect(Array.from(x.subarray(8, 16))).toEqual(Array.from(Float32Array.from(mean01)));
    expect(Array.from(x.subarray(40, 48))).toEqual(Array.from(Float32Array.from(efOf(4))));
    expect(Array.from(g.split)).toEqual([
      SPLIT_TRAIN,
      SPLIT_TRAIN,
      SPLIT_TRAIN,
      SPLIT_VALID,
      SPLIT_VALID,
      SPLIT_TEST,
    ]);
    expect(
      g.labels.kind === 'multilabel' && Array.from(g.labels.y.subarray(4 * TASKS, 5 * TASKS)),
    ).toEqual(labelRow(4));
  });

  it('symmetrises arxiv and keeps its node features and classes', async () => {
    const root = join(tmp, 'ogbn_arxiv');
    writeFolder(root, {
      'raw/edge.csv.gz': gz([
        [0, 1],
        [2, 1],
        [3, 0],
        [1, 0],
      ]),
      'raw/node-feat.csv.gz': gz([
        [0.5, -1e-3, 2],
        [1, 2, 3],
        [-0.25, 4.5e2, 0],
        [7, 8, 9],
      ]),
      'raw/node-label.csv.gz': gz([[3], [0], [1], [3]]),
      'raw/num-node-list.csv.gz': gz([[4]]),
      'raw/num-edge-list.csv.gz': gz([[4]]),
      'split/time/train.csv.gz': gz([[0], [1]]),
      'split/time/valid.csv.gz': gz([[2]]),
      'split/time/test.csv.gz': gz([[3]]),
    });
    const { graph, meta } = await readOgb(nodeInput(root));
    expect(meta.symmetric).toBe(true);
    expect(meta.metric).toBe('accuracy');
    expect(Array.from(graph.adj.rowPtr)).toEqual([0, 2, 4, 5, 6]);
    expect(Array.from(graph.adj.colIdx)).toEqual([1, 3, 0, 2, 1, 0]);
    expect(graph.labels).toMatchObject({ kind: 'multiclass', numClasses: 4 });
    expect(graph.features.kind === 'dense' && Array.from(graph.features.data)).toEqual(
      Array.from(Float32Array.from([0.5, -1e-3, 2, 1, 2, 3, -0.25, 450, 0, 7, 8, 9])),
    );
    expect(meta.notes.join('\n')).toMatch(
      /4 input edges → 6 stored in-edge entries \(citations symmetrised/,
    );
    expect(Array.from(graph.split)).toEqual([SPLIT_TRAIN, SPLIT_TRAIN, SPLIT_VALID, SPLIT_TEST]);
  });

  it('streams a large gzipped edge list across many chunks', async () => {
    const rng = new Rng(11);
    const n = 5000;
    const edges = Array.from({ length: 40000 }, () => [rng.int(n), rng.int(n)]);
    const files = {
      'd/raw/edge.csv.gz': gz(edges),
      'd/raw/node-feat.csv.gz': gz(Array.from({ length: n }, (_, i) => [i / 7, -i])),
      'd/raw/node-label.csv.gz': gz(Array.from({ length: n }, (_, i) => [i % 5])),
      'd/raw/num-node-list.csv.gz': gz([[n]]),
      'd/raw/num-edge-list.csv.gz': gz([[edges.length]]),
      'd/split/s/train.csv.gz': gz([[0]]),
      'd/split/s/valid.csv.gz': gz([[1]]),
      'd/split/s/test.csv.gz': gz([[2]]),
    };
    expect(files['d/raw/edge.csv.gz'].length).toBeGreaterThan(65536 * 2);
    const stages = new Set<string>();
    const { graph } = await readOgb(memoryInput(files), { onProgress: (p) => stages.add(p.stage) });
    const want = new Set<string>();
    for (const [u, v] of edges) if (u !== v) want.add(`${u},${v}`).add(`${v},${u}`);
    expect(graph.adj.colIdx.length).toBe(want.size);
    expect(graph.features.kind === 'dense' && graph.features.data[2 * 4999]).toBeCloseTo(
      4999 / 7,
      4,
    );
    expect([...stages]).toEqual(['read', 'build']);
  });

  it('parses numbers split at any chunk boundary', () => {
    const text = '1,2.5,-3e-2\n\n4,nan,,6\r\n1e3,-0.125,+7';
    const rows: number[][] = [];
    const p = new NumberRows('t.csv', (v, n) => rows.push(Array.from(v.subarray(0, n))));
    for (const b of new TextEncoder().encode(text)) p.push(Uint8Array.of(b));
    p.end();
    expect(rows).toEqual([
      [1, 2.5, -0.03],
      [4, NaN, NaN, 6],
      [1000, -0.125, 7],
    ]);
    const q = new NumberRows('t.csv', () => {});
    expect(() => {
      q.push(new TextEncoder().encode('1,2\n3,x4\n'));
    }).toThrow('t.csv: line 2, field 2: expected a number, found "x4"');
  });

  it('refuses bad input with the file, line and field, leaving no output', async () => {
    const root = join(tmp, 'bad_proteins');
    proteinsFolder(root);
    writeFolder(root, { 'raw/edge.csv.gz': gz([...EDGES.slice(0, 4), [4, 9]]) });
    const out = join(tmp, 'bad-out');
    await expect(
      convertDataset(nodeInput(root), new NodeDirSink(out), { format: 'ogb' }),
    ).rejects.toThrow(
      `${join(root, 'raw/edge.csv.gz')}: line 5, target: expected an id in 0..5 (num-node-list), found 9`,
    );
    expect(existsSync(out)).toBe(false);

    proteinsFolder(root);
    const full = gz(EDGES);
    writeFolder(root, { 'raw/edge.csv.gz': full.subarray(0, full.length - 6) });
    await expect(
      convertDataset(nodeInput(root), new NodeDirSink(out), { format: 'ogb' }),
    ).rejects.toThrow(
      /raw\/edge\.csv\.gz: gzip trailer: expected CRC-32 [0-9a-f]{8} and length 20 \(of the inflated data\), found CRC-32 [0-9a-f]{8} and length \d+ \(the file is truncated or corrupt\)/,
    );
    writeFolder(root, { 'raw/edge.csv.gz': full.subarray(0, 12) });
    await expect(
      convertDataset(nodeInput(root), new NodeDirSink(out), { format: 'ogb' }),
    ).rejects.toThrow(/raw\/edge\.csv\.gz: gzip (data|trailer): expected/);

    proteinsFolder(root);
    rmSync(join(root, 'split/species/valid.csv.gz'));
    await expect(
      convertDataset(nodeInput(root), new NodeDirSink(out), { format: 'ogb' }),
    ).rejects.toThrow(
      `${join(root, 'split/species/valid.csv.gz')}: file: expected the file to exist (part of an OGB node-property-prediction folder), found no such file among the inputs`,
    );
    expect(existsSync(out)).toBe(false);
  });
});
