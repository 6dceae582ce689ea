// CiteSeer in the Planetoid format (../shared/datasets/citeseer-planetoid): the known facts, and
// identical graphs for K = 1 and K = 4 shards once reassembled. Skipped where ../shared is absent.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertDataset } from './convert/index';
import { NodeDirSink, nodeInput } from './convert/node-io';
import { readPlanetoid } from './convert/planetoid';
import { scipyCsr } from './convert/numpy';
import { unpickle } from './convert/pickle';
import { DatasetError, PickleError } from './errors';
import { loadDataset, type LoadedDataset } from './load';
import { NodeFsSource } from './node-source';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID } from './types';

const CITESEER = fileURLToPath(
  new URL('../../../shared/datasets/citeseer-planetoid/', import.meta.url),
);
const present = existsSync(join(CITESEER, 'ind.citeseer.graph'));
if (!present) {
  console.warn(
    `Skipping the CiteSeer tests: ${CITESEER} is absent (the shared datasets are not checked out).`,
  );
}

describe.skipIf(!present)('CiteSeer (Planetoid format)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'revgnn-citeseer-'));
  let k1: LoadedDataset;
  let k4: LoadedDataset;
  let report: Awaited<ReturnType<typeof readPlanetoid>>['report'];

  beforeAll(async () => {
    const r1 = await convertDataset(nodeInput(CITESEER), new NodeDirSink(join(tmp, 'k1')), {
      format: 'planetoid',
      shards: 1,
    });
    const r4 = await convertDataset(nodeInput(CITESEER), new NodeDirSink(join(tmp, 'k4')), {
      format: 'planetoid',
      shards: 4,
      seed: 3,
    });
    expect(r1.manifest.shards).toHaveLength(1);
    expect(r4.manifest.shards).toHaveLength(4);
    k1 = await loadDataset(new NodeFsSource(join(tmp, 'k1')));
    k4 = await loadDataset(new NodeFsSource(join(tmp, 'k4')));
    report = (await readPlanetoid(nodeInput(CITESEER))).report;
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('has 3327 nodes, 3703 features, 6 classes', () => {
    const m = k1.manifest;
    expect(m.name).toBe('citeseer');
    expect(m.numNodes).toBe(3327);
    expect(m.features).toMatchObject({ kind: 'sparse', dim: 3703 });
    expect(m.task).toBe('multiclass');
    expect(m.numClasses).toBe(6);
    expect(m.metric).toBe('accuracy');
    expect(k1.graph.numNodes).toBe(3327);
  });

  it('has 4552 undirected edges without self-loops; the 124 raw self-loops are dropped and reported', () => {
    const a = k1.graph.adj;
    expect(a.colIdx.length).toBe(2 * 4552);
    expect(k1.manifest.symmetric).toBe(true);
    for (let i = 0; i < a.rows; i++) {
      for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) expect(a.colIdx[k]).not.toBe(i);
    }
    expect(report.undirectedEdges).toBe(4552);
    expect(report.selfLoopNodes).toBe(124);
    expect(report.duplicateEntries).toBeGreaterThan(0);
    expect(k1.manifest.notes.join('\n')).toMatch(/124 nodes list themselves .* self-loops dropped/);
  });

  it('has the public split 120 / 500 / 1000 with 20 training nodes per class', () => {
    expect(k1.manifest.split).toMatchObject({ train: 120, valid: 500, test: 1000, none: 1707 });
    const g = k1.graph;
    const y = g.labels.kind === 'multiclass' ? g.labels.y : new Int32Array();
    const perClass = new Array(6).fill(0);
    for (let i = 0; i < g.numNodes; i++) {
      if (g.split[i] === SPLIT_TRAIN) {
        expect(i).toBeLessThan(120);
        perClass[y[i]]++;
      }
      if (g.split[i] === SPLIT_VALID) expect(i >= 120 && i < 620).toBe(true);
    }
    expect(perClass).toEqual([20, 20, 20, 20, 20, 20]);
    const testIds = readFileSync(join(CITESEER, 'ind.citeseer.test.index'), 'utf8')
      .trim()
      .split('\n')
      .map(Number);
    expect(testIds.filter((t) => g.split[t] === SPLIT_TEST)).toHaveLength(1000);
  });

  it('puts row j of tx/ty on node test.index[j] and leaves 15 featureless, unlabelled nodes', () => {
    const g = k1.graph;
    if (g.features.kind !== 'sparse' || g.labels.kind !== 'multiclass') throw new Error('kinds');
    const f = g.features.csr;
    const testIds = readFileSync(join(CITESEER, 'ind.citeseer.test.index'), 'utf8')
      .trim()
      .split('\n')
      .map(Number);
    const tx = scipyCsr(
      unpickle(new Uint8Array(readFileSync(join(CITESEER, 'ind.citeseer.tx'))), 'tx'),
      'tx',
    );
    for (const j of [0, 1, 500, 999]) {
      const node = testIds[j];
      const want = Array.from(tx.indices.subarray(tx.indptr[j], tx.indptr[j + 1])).sort(
        (a, b) => a - b,
      );
      expect(Array.from(f.colIdx.subarray(f.rowPtr[node], f.rowPtr[node + 1]))).toEqual(want);
    }
    expect(testIds[0]).toBe(2488);
    let featureless = 0;
    let unlabelled = 0;
    for (let i = 0; i < g.numNodes; i++) {
      const empty = f.rowPtr[i + 1] === f.rowPtr[i];
      if (empty) {
        featureless++;
        expect(i).toBeGreaterThanOrEqual(2312);
        expect(g.labels.y[i]).toBe(-1);
        expect(g.split[i]).toBe(0);
      }
      if (g.labels.y[i] < 0) unlabelled++;
    }
    expect(featureless).toBe(15);
    expect(unlabelled).toBe(15);
    expect(report.featurelessNodes).toBe(15);
    expect(k1.manifest.features.nnz).toBe(105165);
  });

  it('gives identical graphs for K = 1 and K = 4 shards once reassembled', () => {
    expect(k4.manifest.shards.map((s) => s.nodes).reduce((a, b) => a + b)).toBe(3327);
    expect(new Set(k4.manifest.shards.map((s) => s.nodes)).size).toBeLessThanOrEqual(2);
    expect(k4.graph).toEqual(k1.graph);
  });

  it('loads one of four shards as the induced subgraph on its nodes', async () => {
    const one = await loadDataset(new NodeFsSource(join(tmp, 'k4')), { shards: [1] });
    expect(one.graph.numNodes).toBe(k4.manifest.shards[1].nodes);
    const inShard = new Set(Array.from(one.graph.globalIds));
    let edges = 0;
    const a = k1.graph.adj;
    for (const gid of inShard) {
      for (let k = a.rowPtr[gid]; k < a.rowPtr[gid + 1]; k++) if (inShard.has(a.colIdx[k])) edges++;
    }
    expect(one.graph.adj.colIdx.length).toBe(edges);
  });

  it('refuses a pickle with an unknown opcode and leaves no dataset behind', async () => {
    const bad = join(tmp, 'bad-input');
    mkdirSync(bad);
    for (const f of readdirSync(CITESEER)) copyFileSync(join(CITESEER, f), join(bad, f));
    const y = readFileSync(join(bad, 'ind.citeseer.ally'));
    y[2] = 0xff; // the GLOBAL opcode after PROTO
    writeFileSync(join(bad, 'ind.citeseer.ally'), y);
    const out = join(tmp, 'bad-out');
    const sink = new NodeDirSink(out);
    const err = await convertDataset(nodeInput(bad), sink, { format: 'planetoid' }).catch((e) => e);
    expect(err).toBeInstanceOf(PickleError);
    expect(err.message).toBe(
      `${join(bad, 'ind.citeseer.ally')}: pickle byte offset 2: expected an opcode this reader knows (the protocol 0–5 data opcodes), found opcode 0xff (unknown)`,
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(sink.stagingPath)).toBe(false);

    unlinkSync(join(bad, 'ind.citeseer.graph'));
    copyFileSync(join(CITESEER, 'ind.citeseer.ally'), join(bad, 'ind.citeseer.ally'));
    const err2 = await convertDataset(nodeInput(bad), new NodeDirSink(out), {
      format: 'planetoid',
      name: 'citeseer',
    }).catch((e) => e);
    expect(err2).toBeInstanceOf(DatasetError);
    expect(err2.message).toBe(
      `${join(bad, 'ind.citeseer.graph')}: file: expected the file to exist (Planetoid part "graph"), found no such file among the inputs`,
    );
    expect(existsSync(out)).toBe(false);
  });
});
