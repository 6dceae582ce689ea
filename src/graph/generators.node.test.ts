// The built-in datasets: deterministic, the committed files match the generators, and each has
// the property it exists to show.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_NAMES } from './builtins';
import { MemorySink, writeDataset } from './convert/write';
import { MANIFEST_FILE } from './format';
import { BUILTIN_PARTITION_SEED, BUILTIN_SHARDS, GENERATORS } from './generators/index';
import { generateLongRange } from './generators/long-range';
import { loadDataset, MemorySource } from './load';
import { BUILTIN_ROOT, loadDatasetFromDisk } from './node-source';
import { gcnNormalized } from './normalize';
import { SPLIT_TEST } from './types';

async function build(name: string): Promise<Map<string, Uint8Array>> {
  const { graph, meta } = GENERATORS[name]();
  const sink = new MemorySink();
  await writeDataset(graph, meta, { shards: BUILTIN_SHARDS, seed: BUILTIN_PARTITION_SEED }, sink);
  return sink.files;
}

describe('built-in datasets', () => {
  it('has a generator for every built-in name', () => {
    expect(Object.keys(GENERATORS).sort()).toEqual([...BUILTIN_NAMES].sort());
  });

  for (const name of BUILTIN_NAMES) {
    it(`${name}: same bytes on every run, equal to the committed files (npm run gen:datasets)`, async () => {
      const a = await build(name);
      const b = await build(name);
      expect([...a.keys()]).toEqual([...b.keys()]);
      for (const [k, v] of a) expect(Buffer.from(v).equals(Buffer.from(b.get(k)!))).toBe(true);
      const dir = join(BUILTIN_ROOT, name);
      expect(
        existsSync(join(dir, MANIFEST_FILE)),
        `${dir} is missing: run npm run gen:datasets`,
      ).toBe(true);
      for (const [k, v] of a) {
        const committed = readFileSync(join(dir, k));
        expect(
          committed.equals(Buffer.from(v)),
          `${name}/${k} differs from the generator: run npm run gen:datasets`,
        ).toBe(true);
      }
      const ds = await loadDataset(new MemorySource(a));
      expect(ds.manifest.shards.length).toBeGreaterThanOrEqual(4);
      const total = [...a.values()].reduce((t, v) => t + v.length, 0);
      expect(total).toBeLessThan(1.5 * 2 ** 20);
    });
  }

  it('citation: ~2400 nodes, 500 sparse binary features, 6 classes, Planetoid-like split', async () => {
    const { manifest, graph } = await loadDatasetFromDisk('citation');
    expect(manifest).toMatchObject({
      numNodes: 2400,
      task: 'multiclass',
      numClasses: 6,
      metric: 'accuracy',
      features: { kind: 'sparse', dim: 500 },
      split: { train: 120, valid: 500, test: 1000 },
    });
    // Homophilous: most edges join nodes of the same class.
    const y = graph.labels.kind === 'multiclass' ? graph.labels.y : new Int32Array();
    let same = 0;
    for (let i = 0; i < graph.numNodes; i++) {
      for (let k = graph.adj.rowPtr[i]; k < graph.adj.rowPtr[i + 1]; k++)
        if (y[graph.adj.colIdx[k]] === y[i]) same++;
    }
    const h = same / graph.adj.colIdx.length;
    expect(h).toBeGreaterThan(0.65);
    expect(h).toBeLessThan(0.85);
  });

  it('proteins: multi-label with 16 tasks, 8-dim edge features, inputs from edge features, split by species', async () => {
    const { manifest, graph } = await loadDatasetFromDisk('proteins');
    expect(manifest).toMatchObject({
      numNodes: 2000,
      task: 'multilabel',
      numTasks: 16,
      metric: 'rocauc',
      edgeFeatures: { dim: 8 },
      features: { kind: 'dense', dim: 8 },
    });
    expect(manifest.features.derived).toMatch(/mean of incident edge features/);
    expect(graph.edgeFeatures!.data.length).toBe(8 * graph.adj.colIdx.length);
    expect(manifest.split.train + manifest.split.valid + manifest.split.test).toBe(2000);
  });

  it('long-range: accuracy of k-hop propagation rises with k and reaches 1 only at k = 15', () => {
    const { graph, distance } = generateLongRange();
    const D = 6;
    const x0 = graph.features.kind === 'dense' ? graph.features.data : new Float32Array();
    const y = graph.labels.kind === 'multiclass' ? graph.labels.y : new Int32Array();
    const a = gcnNormalized(graph.adj);
    let x = Float64Array.from(x0);
    const acc: number[] = [];
    for (let k = 0; k <= 16; k++) {
      let ok = 0;
      let n = 0;
      for (let i = 0; i < graph.numNodes; i++) {
        if (graph.split[i] !== SPLIT_TEST) continue;
        n++;
        let best = -1;
        let bv = 0;
        for (let c = 0; c < 4; c++) {
          if (x[i * D + c] > bv) {
            bv = x[i * D + c];
            best = c;
          }
        }
        if (best === y[i]) ok++;
        if (best >= 0) expect(distance[i]).toBeLessThanOrEqual(k);
      }
      acc.push(ok / n);
      const nx = new Float64Array(x.length);
      for (let i = 0; i < graph.numNodes; i++) {
        for (let e = a.rowPtr[i]; e < a.rowPtr[i + 1]; e++) {
          for (let d = 0; d < D; d++) nx[i * D + d] += a.values![e] * x[a.colIdx[e] * D + d];
        }
      }
      x = nx;
    }
    for (let k = 1; k <= 15; k++) expect(acc[k]).toBeGreaterThan(acc[k - 1]);
    expect(acc[2]).toBeLessThan(0.25);
    expect(acc[14]).toBeLessThan(1);
    expect(acc[15]).toBe(1);
  });
});
