import { describe, expect, it } from 'vitest';
import { randomGraph, memoryDataset } from './fixtures';
import { epochParts, loadDataset } from './load';
import { OperatorGraphs, addSelfLoops, gcnNormalized, meanWeights } from './normalize';
import { inducedSubgraph, isSymmetric, randomParts } from './subgraph';
import type { Subgraph } from './types';

function edgeSet(g: Subgraph): Set<string> {
  const s = new Set<string>();
  for (let i = 0; i < g.numNodes; i++) {
    for (let k = g.adj.rowPtr[i]; k < g.adj.rowPtr[i + 1]; k++)
      s.add(`${g.globalIds[g.adj.colIdx[k]]}>${g.globalIds[i]}`);
  }
  return s;
}

describe('induced subgraphs and random parts', () => {
  const g = randomGraph({ n: 120, edges: 400, edgeDim: 2, sparse: true, dim: 12 });

  it('keeps exactly the edges among the chosen nodes, with their features, rows ascending', () => {
    const nodes = [5, 99, 3, 42, 7, 64, 63, 100];
    const sub = inducedSubgraph(g, nodes);
    expect(Array.from(sub.globalIds)).toEqual([...nodes].sort((a, b) => a - b));
    const chosen = new Set(nodes);
    const want = [...edgeSet(g)].filter((e) => e.split('>').every((x) => chosen.has(Number(x))));
    expect([...edgeSet(sub)].sort()).toEqual(want.sort());
    for (let i = 0; i < sub.numNodes; i++) {
      for (let k = sub.adj.rowPtr[i] + 1; k < sub.adj.rowPtr[i + 1]; k++)
        expect(sub.adj.colIdx[k]).toBeGreaterThan(sub.adj.colIdx[k - 1]);
    }
    expect(isSymmetric(sub.adj)).toBe(true);
    expect(sub.edgeFeatures!.data.length).toBe(2 * sub.adj.colIdx.length);
    expect(sub.features.kind).toBe('sparse');
  });

  it('draws P parts per epoch: a partition, seeded, different across epochs', () => {
    const a = randomParts(g, 4, 7, 0);
    const b = randomParts(g, 4, 7, 0);
    const c = randomParts(g, 4, 7, 1);
    expect(a.map((p) => Array.from(p.nodes))).toEqual(b.map((p) => Array.from(p.nodes)));
    expect(a.map((p) => Array.from(p.nodes))).not.toEqual(c.map((p) => Array.from(p.nodes)));
    const all = a.flatMap((p) => Array.from(p.nodes)).sort((x, y) => x - y);
    expect(all).toEqual([...Array(120).keys()]);
    for (const p of a) {
      expect(p.nodes.length).toBe(30);
      expect(Array.from(p.graph.globalIds)).toEqual(Array.from(p.nodes));
    }
    expect(randomParts(g, 1, 7, 3)[0].graph).toBe(g);
    expect(() => randomParts(g, 0, 1, 0)).toThrow(/number of parts/);
  });

  it('plans epochs over a loaded dataset: random parts or one step per shard', async () => {
    const { source } = await memoryDataset(g, 3);
    const ds = await loadDataset(source);
    const shardSteps = epochParts(ds, { kind: 'shards' }, 0);
    expect(shardSteps.map((s) => s.graph.numNodes)).toEqual(ds.manifest.shards.map((s) => s.nodes));
    const rand = epochParts(ds, { kind: 'random', parts: 5, seed: 1 }, 2);
    expect(rand).toHaveLength(5);
  });
});

describe('operator graphs', () => {
  const g = randomGraph({ n: 40, edges: 90 });

  it('GCN: D^-1/2 (A+I) D^-1/2 with self-loops in row order', () => {
    const a = gcnNormalized(g.adj);
    const deg = (i: number) => g.adj.rowPtr[i + 1] - g.adj.rowPtr[i] + 1;
    for (let i = 0; i < 40; i++) {
      const cols = Array.from(a.colIdx.subarray(a.rowPtr[i], a.rowPtr[i + 1]));
      expect(cols).toContain(i);
      expect(cols).toEqual([...cols].sort((x, y) => x - y));
      for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
        expect(a.values![k]).toBeCloseTo(1 / Math.sqrt(deg(i) * deg(a.colIdx[k])), 6);
      }
    }
    expect(a.colIdx.length).toBe(g.adj.colIdx.length + 40);
    const { origPos, selfPos } = addSelfLoops(g.adj);
    expect(origPos[selfPos[3]]).toBe(0xffffffff);
  });

  it('mean weights sum to one per row; the transposes are memoised', () => {
    const m = meanWeights(g.adj);
    for (let i = 0; i < 40; i++) {
      let s = 0;
      for (let k = m.rowPtr[i]; k < m.rowPtr[i + 1]; k++) s += m.values![k];
      expect(s).toBeCloseTo(1, 6);
    }
    const nb = meanWeights(g.adj, { includeSelf: false });
    expect(nb.colIdx.length).toBe(g.adj.colIdx.length);
    const ops = new OperatorGraphs(g);
    expect(ops.gcnT).toBe(ops.gcnT);
    expect(ops.gcnT.rows).toBe(40);
    // Symmetric graph: the normalised matrix is symmetric too.
    expect(Array.from(ops.gcnT.values!)).toEqual(Array.from(ops.gcn.values!));
    expect(ops.meanT.colIdx.length).toBe(ops.mean.colIdx.length);
  });
});
