// Datasets converted in the page, kept in the browser (IndexedDB, available in windows and
// workers alike): listed beside the built-ins and still there after a reload.
//
// Two object stores: `datasets` (one record per dataset, keyed by id) and `files` (each file's
// bytes, keyed [storageKey, fileName]). A conversion writes its files under a fresh storage key;
// only commit() adds the dataset record (replacing nothing: ids are made unique), so a failed
// or abandoned conversion is never listed, and abort() deletes its files.
import { DatasetError } from './errors';
import { MANIFEST_FILE, type DatasetManifest } from './format';
import type { DatasetSource } from './load';
import type { DatasetSink } from './convert/write';
import { done, req } from '../util/idb';

const DB_NAME = 'revgnn-datasets';
const DB_VERSION = 1;

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
  shards: number;
  source: string;
}

let dbPromise: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(
      new DatasetError('browser storage', 'IndexedDB', 'available', 'missing in this context'),
    );
  }
  dbPromise ??= new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(DB_NAME, DB_VERSION);
    r.onupgradeneeded = () => {
      const db = r.result;
      if (!db.objectStoreNames.contains('datasets'))
        db.createObjectStore('datasets', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('files')) db.createObjectStore('files');
    };
    r.onsuccess = () => {
      const db = r.result;
      db.onversionchange = () => {
        db.close();
        dbPromise = null;
      };
      resolve(db);
    };
    r.onerror = () => {
      dbPromise = null;
      reject(r.error);
    };
    r.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
  return dbPromise;
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

function fileRange(storageKey: string): IDBKeyRange {
  return IDBKeyRange.bound([storageKey, ''], [storageKey, '\uffff']);
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
  private manifest: DatasetManifest | null = null;
  private bytes = 0;
  /** The record written by commit(). */
  committed: StoredDataset | null = null;

  async writeFile(name: string, bytes: Uint8Array): Promise<void> {
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
      shards: m.shards.length,
      source: m.source,
    };
    store.add(rec);
    await done(tx);
    this.committed = rec;
  }

  async abort(): Promise<void> {
    const db = await openDb();
    const tx = db.transaction('files', 'readwrite');
    tx.objectStore('files').delete(fileRange(this.storageKey));
    await done(tx);
  }
}
