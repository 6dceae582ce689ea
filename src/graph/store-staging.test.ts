// Staging files a crashed conversion worker left in IndexedDB are deleted at the next start, while
// a conversion still running and every committed dataset are left alone (issue 16).
import { describe, expect, it } from 'vitest';
import { writeDataset } from './convert/write';
import { metaFor, randomGraph } from './fixtures';
import { deleteStoredDataset, getStoredDataset, StoreSink } from './store';
import { openDb, req } from './store-db';
import { cleanAbandonedStaging } from './store-staging';

async function stagedKeys(): Promise<Set<string>> {
  const db = await openDb();
  const keys = (await req(db.transaction('files').objectStore('files').getAllKeys())) as [
    string,
    string,
  ][];
  return new Set(keys.map((k) => k[0]));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('abandoned staging files in browser storage', () => {
  it('deletes the files of a worker that ended mid-conversion, and only those', async () => {
    const live = new StoreSink();
    await live.writeFile('shard-000.bin', new Uint8Array([1, 2, 3]));

    const worker = new Worker(new URL('../testing/staging-worker.ts', import.meta.url), {
      type: 'module',
    });
    const key = await new Promise<string>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data as string);
      worker.onerror = (e) => reject(new Error(e.message));
    });
    expect(await stagedKeys()).toContain(key);
    // While the worker runs it holds its lock: nothing of it is touched.
    expect(await cleanAbandonedStaging()).toEqual([]);
    expect(await stagedKeys()).toContain(key);

    worker.terminate();
    let removed: string[] = [];
    for (let t = 0; t < 100 && !removed.includes(key); t++) {
      await sleep(50);
      removed = await cleanAbandonedStaging();
    }
    expect(removed).toEqual([key]);
    const keys = await stagedKeys();
    expect(keys).not.toContain(key);
    expect(keys).toContain(live.key);
    await live.abort();
    expect(await stagedKeys()).not.toContain(live.key);
  });

  it('never touches a committed dataset', async () => {
    const sink = new StoreSink();
    const g = randomGraph({ n: 12, edges: 20 });
    await writeDataset(g, metaFor('kept', g), { shards: 1, seed: 0 }, sink);
    expect(await cleanAbandonedStaging()).toEqual([]);
    expect(await getStoredDataset(sink.committed!.id)).toBeDefined();
    expect(await stagedKeys()).toContain(sink.key);
    await deleteStoredDataset(sink.committed!.id);
  });
});
