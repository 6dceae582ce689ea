// The browser path: built-ins fetched from the page's server, conversion in a worker, datasets
// kept in IndexedDB across loads. Runs in Chromium (the `gpu` Vitest project); no GPU needed.
import { describe, expect, it } from 'vitest';
import { builtinSource, sourceFor } from './catalog';
import { convertDataset } from './convert/index';
import { memoryInput } from './convert/input';
import { DatasetError } from './errors';
import { FetchSource, epochParts, loadDataset, loadManifest } from './load';
import { StoreSink, StoreSource, deleteStoredDataset, listStoredDatasets } from './store';
import { convertInWorker } from '../worker/convert-client';

describe('built-in datasets over fetch', () => {
  it('loads citation with progress, and a subset of its shards', async () => {
    const progress: number[] = [];
    const ds = await loadDataset(builtinSource('citation'), {
      onProgress: (p) => progress.push(p.loadedBytes),
    });
    expect(ds.manifest.name).toBe('citation');
    expect(ds.graph.numNodes).toBe(2400);
    expect(ds.manifest.shards.length).toBeGreaterThanOrEqual(4);
    expect(progress.at(-1)).toBe(ds.manifest.shards.reduce((t, s) => t + s.bytes, 0));
    const parts = epochParts(ds, { kind: 'random', parts: 3, seed: 1 }, 0);
    expect(parts.reduce((t, p) => t + p.graph.numNodes, 0)).toBe(2400);
    const two = await loadDataset(sourceFor({ kind: 'builtin', name: 'proteins' }), {
      shards: [0, 3],
    });
    expect(two.graph.numNodes).toBe(two.manifest.shards[0].nodes + two.manifest.shards[3].nodes);
    expect(two.graph.edgeFeatures?.dim).toBe(8);
    expect((await loadManifest(builtinSource('long-range'))).suggestedParts).toBe(1);
  });

  it('names a missing file (the dev server answers with its index page)', async () => {
    const err = await loadDataset(new FetchSource(new URL('/datasets/nope/', location.href))).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.message).toMatch(
      /datasets\/nope\/manifest\.json: file: expected the file to exist \(HTTP 200\), found/,
    );
  });
});

describe('browser storage', () => {
  it('stores a converted dataset, lists it, loads it, deletes it', async () => {
    const input = memoryInput({ 'edges.csv': '0,1\n1,2\n2,0\n', 'labels.csv': '0\n1\n1\n' });
    const sink = new StoreSink();
    await convertDataset(input, sink, { format: 'csv', name: 'triangle', shards: 2 });
    const rec = sink.committed!;
    expect(rec.id).toMatch(/^triangle(-\d+)?$/);
    expect((await listStoredDatasets()).map((d) => d.id)).toContain(rec.id);
    const ds = await loadDataset(new StoreSource(rec.id));
    expect(ds.graph.numNodes).toBe(3);
    expect(ds.graph.adj.colIdx.length).toBe(6);
    await deleteStoredDataset(rec.id);
    expect((await listStoredDatasets()).map((d) => d.id)).not.toContain(rec.id);
    const err = await loadDataset(new StoreSource(rec.id)).catch((e) => e);
    expect(err.message).toMatch(
      /browser storage\/triangle.*: dataset: expected a dataset stored in this browser/,
    );
  });

  it('lists nothing from a failed conversion', async () => {
    const before = (await listStoredDatasets()).length;
    const sink = new StoreSink();
    const bad = memoryInput({ 'edges.csv': '0,1\n1,2\n', 'labels.csv': '0\n1\n' });
    await expect(
      convertDataset(bad, sink, { format: 'csv', name: 'bad', shards: 9 }),
    ).rejects.toThrow(/--shards/);
    expect(await listStoredDatasets()).toHaveLength(before);
  });

  it('converts dropped files in the worker, with progress', async () => {
    const files = [
      { path: 'g/edges.csv', file: new File(['source,target\n0,1\n1,2\n2,3\n'], 'edges.csv') },
      { path: 'g/labels.csv', file: new File(['0\n1\n0\n1\n'], 'labels.csv') },
    ];
    const stages: string[] = [];
    const r = await convertInWorker(files, { name: 'dropped', shards: 2 }, (p) =>
      stages.push(p.stage),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.format).toBe('csv');
    expect(r.dataset.numNodes).toBe(4);
    expect(stages).toContain('done');
    const ds = await loadDataset(sourceFor({ kind: 'stored', id: r.dataset.id }));
    expect(ds.graph.numNodes).toBe(4);
    await deleteStoredDataset(r.dataset.id);

    const bad = await convertInWorker(
      [{ path: 'notes.txt', file: new File(['hello'], 'notes.txt') }],
      {},
      () => {},
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.field).toBe('format');
  });
});
