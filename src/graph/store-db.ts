// The browser's dataset database (IndexedDB): two object stores, `datasets` (one record per
// dataset, keyed by id) and `files` (each file's bytes, keyed [storageKey, fileName]).
import { DatasetError } from './errors';

const DB_NAME = 'revgnn-datasets';
const DB_VERSION = 1;

export { done, req } from '../util/idb';

let dbPromise: Promise<IDBDatabase> | null = null;

export function openDb(): Promise<IDBDatabase> {
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

export function fileRange(storageKey: string): IDBKeyRange {
  return IDBKeyRange.bound([storageKey, ''], [storageKey, '\uffff']);
}
