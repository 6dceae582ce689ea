// The page's kernel-variant cache (src/gpu/variants.ts): the autotuner's choices in IndexedDB, so
// a reload or a later visit on the same adapter does not time the kernels again. Storage that is
// missing or refuses (a private window) turns into a cache that remembers for this page only.
import { MemoryVariantCache, type VariantCache, type VariantRecord } from '../gpu/variants';
import { done, req } from '../util/idb';

const DB_NAME = 'revgnn-kernels';
const STORE = 'choices';

export class IdbVariantCache implements VariantCache {
  private db: Promise<IDBDatabase> | null = null;
  private readonly memory = new MemoryVariantCache();

  async get(key: string): Promise<VariantRecord | undefined> {
    const db = await this.open();
    if (!db) return this.memory.get(key);
    const tx = db.transaction(STORE, 'readonly');
    return (await req(tx.objectStore(STORE).get(key))) as VariantRecord | undefined;
  }

  async set(key: string, record: VariantRecord): Promise<void> {
    const db = await this.open();
    if (!db) return this.memory.set(key, record);
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(record, key);
    await done(tx);
  }

  private open(): Promise<IDBDatabase | null> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      if (typeof indexedDB === 'undefined') throw new Error('no IndexedDB here');
      const r = indexedDB.open(DB_NAME, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    return this.db.catch(() => null);
  }
}
