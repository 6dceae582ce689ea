// Datasets converted in the page, kept in the browser (IndexedDB, available in windows and
// workers alike): listed beside the built-ins and still there after a reload.
//
// Two object stores (store-db.ts): `datasets` (one record per dataset, keyed by id) and `files`
// (each file's bytes, keyed [storageKey, fileName]). A conversion writes its files under a fresh
// storage key; only commit() adds the dataset record (replacing nothing: ids are made unique), so
// a failed or abandoned conversion is never listed, and abort() deletes its files. A conversion
// that never got to abort (its worker crashed) is cleaned at the next start (store-staging.ts).
import { DatasetError } from './errors';
import { MANIFEST_FILE, type DatasetManifest } from './format';
import type { DatasetSource } from './load';
import type { DatasetSink } from './convert/write';
import { done, fileRange, openDb, req } from './store-db';
import { StagingLock } from './store-staging';

export interface StoredDataset {
  id: string;
  name: string;
  description: string;
  storageKey: string;
  createdAt: number;
  bytes: number;
  numNodes: number;
  numEdges: number;
  task: DatasetManifest['task'];
  metric: DatasetManifest['metric'];
  /** Classes (multi-class) or tasks (multi-label); absent in records stored before it was kept. */
  numClasses?: number;
  numTasks?: number;
  shards: number;
  source: string;
}

/** The stored datasets, newest first. */
export async function listStoredDatasets(): Promise<StoredDataset[]> {
  const db = await openDb();
  const tx = db.transaction('datasets', 'readonly');
  const all = (await req(tx.objectStore('datasets').getAll())) as StoredDataset[];
  return all.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
}

export async function getStoredDataset(id: string): Promise<StoredDataset | undefined> {
  const db = await openDb();
  const tx = db.transaction('datasets', 'readonly');
  return (await req(tx.objectStore('datasets').get(id))) as StoredDataset | undefined;
}

/** Deletes a stored dataset and its files (one transaction). */
export async function deleteStoredDataset(id: string): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(['datasets', 'files'], 'readwrite');
  const rec = (await req(tx.objectStore('datasets').get(id))) as StoredDataset | undefined;
  if (rec) {
    tx.objectStore('files').delete(fileRange(rec.storageKey));
    tx.objectStore('datasets').delete(id);
  }
  await done(tx);
}

/** Reads a stored dataset's files (for loadDataset). */
export class StoreSource implements DatasetSource {
  readonly label: string;
  private rec: Promise<StoredDataset> | null = null;

  constructor(readonly id: string) {
    this.label = `browser storage/${id}`;
  }

  private record(): Promise<StoredDataset> {
    this.rec ??= getStoredDataset(this.id).then((r) => {
      if (!r) {
        this.rec = null;
        throw new DatasetError(
          this.label,
          'dataset',
          'a dataset stored in this browser',
          'none by that name (deleted?)',
        );
      }
      return r;
    });
    return this.rec;
  }

  async readBytes(
    name: string,
    onProgress?: (loaded: number, total?: number) => void,
  ): Promise<Uint8Array> {
    const rec = await this.record();
    const db = await openDb();
    const tx = db.transaction('files', 'readonly');
    const v = (await req(tx.objectStore('files').get([rec.storageKey, name]))) as
      ArrayBuffer | undefined;
    if (!v)
      throw new DatasetError(
        `${this.label}/${name}`,
        'file',
        'the file to exist',
        'no such file in browser storage',
      );
    const bytes = new Uint8Array(v);
    onProgress?.(bytes.length, bytes.length);
    return bytes;
  }

  async readText(name: string): Promise<string> {
    return new TextDecoder().decode(await this.readBytes(name));
  }
}

function randomKey(): string {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Stages a dataset's files in IndexedDB; commit() lists it under a unique id derived from the
 * manifest's name ("cora", "cora-2", …).
 */
export class StoreSink implements DatasetSink {
  readonly label = 'browser storage';
  private readonly storageKey = `staging-${Date.now().toString(36)}-${randomKey()}`;
  private readonly lock = new StagingLock(this.storageKey);
  private manifest: DatasetManifest | null = null;
  private bytes = 0;
  /** The record written by commit(). */
  committed: StoredDataset | null = null;

  async writeFile(name: string, bytes: Uint8Array): Promise<void> {
    // Held before the first file exists: a cleanup never takes a live conversion for abandoned.
    await this.lock.acquire();
    const db = await openDb();
    const tx = db.transaction('files', 'readwrite');
    // Store a tight ArrayBuffer copy (a view may share a larger buffer).
    tx.objectStore('files').put(bytes.slice().buffer, [this.storageKey, name]);
    await done(tx);
    this.bytes += bytes.length;
    if (name === MANIFEST_FILE) this.manifest = JSON.parse(new TextDecoder().decode(bytes));
  }

  async commit(): Promise<void> {
    const m = this.manifest;
    if (!m)
      throw new DatasetError(this.label, MANIFEST_FILE, 'written before commit', 'not written');
    const db = await openDb();
    const tx = db.transaction('datasets', 'readwrite');
    const store = tx.objectStore('datasets');
    const base = m.name.replace(/[^A-Za-z0-9._-]+/g, '-') || 'dataset';
    let id = base;
    for (let k = 2; await req(store.getKey(id)); k++) id = `${base}-${k}`;
    const rec: StoredDataset = {
      id,
      name: m.name,
      description: m.description,
      storageKey: this.storageKey,
      createdAt: Date.now(),
      bytes: this.bytes,
      numNodes: m.numNodes,
      numEdges: m.numEdges,
      task: m.task,
      metric: m.metric,
      ...(m.numClasses !== undefined ? { numClasses: m.numClasses } : {}),
      ...(m.numTasks !== undefined ? { numTasks: m.numTasks } : {}),
      shards: m.shards.length,
      source: m.source,
    };
    store.add(rec);
    await done(tx);
    this.committed = rec;
    this.lock.unlock();
  }

  async abort(): Promise<void> {
    try {
      const db = await openDb();
      const tx = db.transaction('files', 'readwrite');
      tx.objectStore('files').delete(fileRange(this.storageKey));
      await done(tx);
    } finally {
      this.lock.unlock();
    }
  }

  /** Where its files are staged (tests). */
  get key(): string {
    return this.storageKey;
  }
}
