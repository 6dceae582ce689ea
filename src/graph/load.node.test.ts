import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeDirSink } from './convert/node-io';
import { MemorySink, writeDataset } from './convert/write';
import { DatasetError } from './errors';
import { crc32Hex, decodeShard, MANIFEST_FILE, type DatasetManifest } from './format';
import { memoryDataset, metaFor, randomGraph } from './fixtures';
import { loadDataset, MemorySource } from './load';
import { NodeFsSource } from './node-source';

const tmp = mkdtempSync(join(tmpdir(), 'revgnn-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A dataset as mutable files: change a shard's decoded contents, keep size and checksum in step. */
async function mutable(opts: Parameters<typeof randomGraph>[0] = { n: 60, edges: 150 }) {
  const { files, manifest } = await memoryDataset(randomGraph(opts), 3);
  const copy = new Map([...files].map(([k, v]) => [k, v.slice()]));
  const m: DatasetManifest = JSON.parse(new TextDecoder().decode(copy.get(MANIFEST_FILE)!));
  const save = () => copy.set(MANIFEST_FILE, new TextEncoder().encode(JSON.stringify(m)));
  return {
    files: copy,
    manifest: m,
    original: manifest,
    /** Mutates shard s's decoded views in place (they alias the bytes), then fixes the checksum. */
    editShard(s: number, edit: (shard: ReturnType<typeof decodeShard>['shard']) => void) {
      const name = m.shards[s].file;
      const bytes = copy.get(name)!;
      edit(decodeShard(bytes, name).shard);
      m.shards[s].crc32 = crc32Hex(bytes);
      save();
    },
    save,
    source: () => new MemorySource(copy, 'data'),
  };
}

async function failure(p: Promise<unknown>): Promise<DatasetError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return e as DatasetError;
  }
  throw new Error('expected the load to fail');
}

describe('loadDataset', () => {
  it('loads all shards into the same graph it was written from', async () => {
    const g = randomGraph({ n: 80, edges: 200, edgeDim: 3, sparse: true, dim: 20 });
    const { source, manifest } = await memoryDataset(g, 4);
    const phases: string[] = [];
    const ds = await loadDataset(source, { onProgress: (p) => phases.push(p.phase) });
    expect(phases[0]).toBe('manifest');
    expect(phases.at(-1)).toBe('done');
    expect(ds.manifest).toEqual(manifest);
    expect(ds.graph.numNodes).toBe(80);
    expect(Array.from(ds.graph.adj.rowPtr)).toEqual(Array.from(g.adj.rowPtr));
    expect(Array.from(ds.graph.adj.colIdx)).toEqual(Array.from(g.adj.colIdx));
    expect(Array.from(ds.graph.edgeFeatures!.data)).toEqual(Array.from(g.edgeFeatures!.data));
    expect(ds.graph.features).toEqual(g.features);
    expect(ds.graph.labels).toEqual(g.labels);
    expect(Array.from(ds.graph.split)).toEqual(Array.from(g.split));
    expect(ds.shardNodes.reduce((t, s) => t + s.length, 0)).toBe(80);
  });

  it('loads a subset of shards as the exact induced subgraph', async () => {
    const g = randomGraph({ n: 90, edges: 300, multilabel: 11, edgeDim: 2 });
    const { source } = await memoryDataset(g, 3, 5);
    const ds = await loadDataset(source, { shards: [2, 0] });
    expect(ds.shards).toEqual([0, 2]);
    const ids = Array.from(ds.graph.globalIds);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const local = new Map(ids.map((gid, l) => [gid, l]));
    let expectedEdges = 0;
    for (const [l, gid] of ids.entries()) {
      const want: number[] = [];
      const wantEf: number[] = [];
      for (let k = g.adj.rowPtr[gid]; k < g.adj.rowPtr[gid + 1]; k++) {
        const j = g.adj.colIdx[k];
        if (local.has(j)) {
          want.push(local.get(j)!);
          wantEf.push(...g.edgeFeatures!.data.subarray(2 * k, 2 * k + 2));
        }
      }
      expectedEdges += want.length;
      const a = ds.graph.adj.rowPtr[l];
      const b = ds.graph.adj.rowPtr[l + 1];
      expect(Array.from(ds.graph.adj.colIdx.subarray(a, b))).toEqual(want);
      expect(Array.from(ds.graph.edgeFeatures!.data.subarray(2 * a, 2 * b))).toEqual(wantEf);
      const T = 11;
      const lab = ds.graph.labels;
      expect(lab.kind === 'multilabel' && Array.from(lab.y.subarray(l * T, l * T + T))).toEqual(
        g.labels.kind === 'multilabel' && Array.from(g.labels.y.subarray(gid * T, gid * T + T)),
      );
    }
    expect(ds.graph.adj.colIdx.length).toBe(expectedEdges);
  });

  it('loads from a folder on disk', async () => {
    const out = join(tmp, 'disk');
    const g = randomGraph({ n: 30, edges: 60 });
    await writeDataset(g, metaFor('disk', g), { shards: 2, seed: 1 }, new NodeDirSink(out));
    const ds = await loadDataset(new NodeFsSource(out));
    expect(ds.graph.numNodes).toBe(30);
  });
});

describe('bad input is refused with a specific message', () => {
  it('a truncated shard', async () => {
    const d = await mutable();
    const name = d.manifest.shards[1].file;
    d.files.set(name, d.files.get(name)!.slice(0, 100));
    const e = await failure(loadDataset(d.source()));
    expect(e.file).toBe(`data/${name}`);
    expect(e.field).toBe('file size');
    expect(e.message).toMatch(/expected \d+ bytes .*found 100 bytes \(the file is truncated\)/);
  });

  it('a wrong format version (manifest and shard header)', async () => {
    const d = await mutable();
    d.manifest.version = 2;
    d.save();
    const e = await failure(loadDataset(d.source()));
    expect(e.message).toMatch(/manifest\.json: version: expected format version 1, found 2/);

    const d2 = await mutable();
    const name = d2.manifest.shards[0].file;
    const bytes = d2.files.get(name)!;
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(4, 7, true);
    d2.manifest.shards[0].crc32 = crc32Hex(bytes);
    d2.save();
    const e2 = await failure(loadDataset(d2.source()));
    expect(e2.message).toBe(`data/${name}: header.version: expected 1, found 7`);
  });

  it('a neighbour id out of range', async () => {
    const d = await mutable();
    d.editShard(1, (s) => (s.adj.colIdx[s.adj.colIdx.length - 1] = 5000));
    const e = await failure(loadDataset(d.source()));
    expect(e.file).toBe(`data/${d.manifest.shards[1].file}`);
    expect(e.field).toMatch(/^adjacency\.colIdx\[\d+\] \(an in-edge of node \d+\)$/);
    expect(e.message).toMatch(/expected a neighbour id < 60 \(the node count\), found 5000/);
  });

  it('a NaN feature', async () => {
    const d = await mutable();
    d.editShard(0, (s) => {
      if (s.features.kind === 'dense') s.features.data[7] = NaN;
    });
    const e = await failure(loadDataset(d.source()));
    expect(e.field).toMatch(/^features\[1\]\[2\] \(node \d+\)$/);
    expect(e.message).toMatch(/expected a finite number, found NaN/);
  });

  it('a label ≥ the class count', async () => {
    const d = await mutable();
    d.editShard(2, (s) => {
      if (s.labels.kind === 'multiclass') s.labels.y[3] = 3;
    });
    const e = await failure(loadDataset(d.source()));
    expect(e.field).toMatch(/^labels\[3\] \(node \d+\)$/);
    expect(e.message).toMatch(/expected a class id in 0\.\.2 \(or -1 for none\), found 3/);
  });

  it('a manifest that disagrees with a shard', async () => {
    const d = await mutable();
    d.manifest.shards[1].nodes += 1;
    d.manifest.shards[0].nodes -= 1;
    d.save();
    const e = await failure(loadDataset(d.source()));
    expect(e.file).toBe(`data/${d.manifest.shards[0].file}`);
    expect(e.field).toBe('nodes');
    expect(e.message).toMatch(
      /expected \d+ \(manifest\.json shards\[0\]\.nodes\), found \d+ \(shard header\) \(the manifest and the shards? disagree\)/,
    );

    const d2 = await mutable();
    d2.manifest.split.train += 1;
    d2.manifest.split.none -= 1;
    d2.save();
    const e2 = await failure(loadDataset(d2.source()));
    expect(e2.message).toMatch(
      /manifest\.json: split\.train: expected \d+ nodes \(counted in the shards\), found \d+/,
    );
  });

  it('a changed byte (checksum)', async () => {
    const d = await mutable();
    const name = d.manifest.shards[2].file;
    d.files.get(name)![80] ^= 0xff;
    const e = await failure(loadDataset(d.source()));
    expect(e.field).toBe('crc32');
    expect(e.message).toMatch(/the file is corrupted/);
  });

  it('a missing file (shard on disk, manifest over fetch-like memory)', async () => {
    const out = join(tmp, 'missing');
    const g = randomGraph({ n: 30, edges: 60 });
    await writeDataset(g, metaFor('m', g), { shards: 2, seed: 1 }, new NodeDirSink(out));
    unlinkSync(join(out, 'shard-001.bin'));
    const e = await failure(loadDataset(new NodeFsSource(out)));
    expect(e.file).toBe(join(out, 'shard-001.bin'));
    expect(e.message).toMatch(
      /file: expected the file to exist and be readable, found no such file/,
    );

    const e2 = await failure(loadDataset(new MemorySource(new Map(), 'empty')));
    expect(e2.message).toBe(
      'empty/manifest.json: file: expected the file to exist, found no such file',
    );
  });

  it('a manifest that is not JSON or misses fields', async () => {
    const d = await mutable();
    d.files.set(MANIFEST_FILE, new TextEncoder().encode('<!doctype html>'));
    const e = await failure(loadDataset(d.source()));
    expect(e.message).toMatch(
      /manifest\.json: JSON: expected valid JSON, found text that does not parse/,
    );
    const d2 = await mutable();
    delete (d2.manifest as Partial<DatasetManifest>).numClasses;
    d2.save();
    const e2 = await failure(loadDataset(d2.source()));
    expect(e2.message).toMatch(/numClasses: expected an integer ≥ 1, found undefined/);
  });

  it('an asymmetric graph that claims symmetry', async () => {
    const g = randomGraph({ n: 20, edges: 40 });
    const rowPtr = g.adj.rowPtr;
    let row = 0;
    while (rowPtr[row + 1] === rowPtr[row]) row++;
    // Remove the first entry of that row: the reverse edge stays.
    const colIdx = new Uint32Array(g.adj.colIdx.length - 1);
    colIdx.set(g.adj.colIdx.subarray(0, rowPtr[row]));
    colIdx.set(g.adj.colIdx.subarray(rowPtr[row] + 1), rowPtr[row]);
    const newPtr = rowPtr.map((v, i) => (i > row ? v - 1 : v));
    g.adj = { ...g.adj, rowPtr: newPtr, colIdx };
    const sink = new MemorySink();
    await expect(writeDataset(g, metaFor('asym', g), { shards: 2, seed: 0 }, sink)).rejects.toThrow(
      /symmetric: expected every edge with its reverse, found a directed graph/,
    );
    expect(sink.aborted).toBe(true);
    await writeDataset(
      g,
      { ...metaFor('asym', g), symmetric: false },
      { shards: 2, seed: 0 },
      sink,
    );
    const m = JSON.parse(new TextDecoder().decode(sink.files.get(MANIFEST_FILE)));
    m.symmetric = true;
    sink.files.set(MANIFEST_FILE, new TextEncoder().encode(JSON.stringify(m)));
    const e = await failure(loadDataset(new MemorySource(sink.files)));
    expect(e.message).toMatch(/symmetric: expected every edge with its reverse/);
  });
});
