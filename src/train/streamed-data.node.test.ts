// Streaming by parts: a generated dataset of a few hundred MB is read part by part with CPU
// memory well under its size. The bound: peak RSS grows by at most 60 % of the shard bytes over
// one training epoch (P = 10) and one evaluation view (Q = 5). What is live at any moment is one
// shard's read buffer and one part (~15 MiB here); the rest of the growth is the collector's lag
// in freeing the external buffers of parts already dropped (V8 collects them in batches of tens
// of MiB), which does not grow with the dataset: loading the dataset whole holds all of it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaledSizes } from '../graph/generators/paper-like';
import { PaperModel } from '../graph/generators/paper-model';
import { writeGeneratedShards } from '../graph/generators/write-shards';
import { NodeFsSource } from '../graph/node-source';
import { openStreamed, shardGroups, streamedTrainData } from './streamed-data';

const CHILD = fileURLToPath(new URL('../testing/stream-epoch.ts', import.meta.url));
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revgnn-stream-'));
  // ogbn-proteins × 0.08: 10.6 k nodes, 6.3 M adjacency entries with 8 edge features (~230 MB).
  const sizes = scaledSizes('ogbn-proteins', 0.08);
  await writeGeneratedShards(new PaperModel(sizes, 1), dir, {
    shards: 40,
    partitionSeed: 0,
    name: 'stream-test',
    description: 'streaming test',
    source: 'test',
    splitDescription: 'species-like',
    notes: [],
  });
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('streamed training data', () => {
  it('cuts the shards into P random groups per epoch, every shard once, fresh each epoch', () => {
    const shards = [...Array(40).keys()];
    const a = shardGroups(shards, 10, 3, 1);
    const b = shardGroups(shards, 10, 3, 2);
    expect(a).toHaveLength(10);
    expect(a.flat().sort((x, y) => x - y)).toEqual(shards);
    expect(a.every((g) => g.length === 4)).toBe(true);
    expect(b).not.toEqual(a);
    expect(shardGroups(shards, 10, 3, 1)).toEqual(a);
    expect(() => shardGroups(shards, 41, 3, 1)).toThrow(/41 parts need at least 41 shards/);
  });

  it('covers every node once per evaluation view, with labels and split from the shards', async () => {
    const ds = await openStreamed(new NodeFsSource(dir));
    const data = streamedTrainData(ds, { parts: 10, evalParts: 4, seed: 5 });
    const seen = new Uint8Array(data.numNodes);
    const view = data.evalParts(0);
    for (let i = 0; i < view.count; i++) {
      const part = await view.get(i);
      for (const r of part.index) seen[r]++;
      expect(part.graph.edgeFeatures?.dim).toBe(8);
    }
    expect(seen.every((c) => c === 1)).toBe(true);
  });

  it('reads a few hundred MB part by part with peak RSS growth under 60 % of the shard bytes', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, dir, '10', '5'], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(r.datasetBytes).toBeGreaterThan(200 * 2 ** 20);
    // One training epoch (10 parts) and one evaluation view (5 parts): every node twice.
    expect(r.nodesSeen).toBe(2 * r.numNodes);
    const growth = r.maxRss - r.baselineRss;
    console.log(
      `streamed ${(r.datasetBytes / 2 ** 20).toFixed(0)} MiB: peak RSS +${(growth / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(growth).toBeLessThan(0.6 * r.datasetBytes);
  }, 300_000);
});
