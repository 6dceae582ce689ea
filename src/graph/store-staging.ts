// Files a conversion staged in the browser's database but never committed: a worker that crashed
// or was ended mid-write (a closed tab, a reload) leaves them under a storage key no dataset record
// names. Each live conversion holds a Web Lock named for its storage key, released when it commits
// or aborts — and by the browser when its worker or tab goes away — so at the next start, files
// under an unnamed key whose lock nobody holds are an abandoned conversion's, and are deleted.
// Without Web Locks, only keys staged more than a day ago are taken for abandoned.
import { done, fileRange, openDb, req } from './store-db';

const LOCK_PREFIX = 'revgnn-staging:';
const STALE_MS = 24 * 3600 * 1000;

type Locks = { request: LockManager['request']; query: LockManager['query'] };
const locks = (): Locks | undefined =>
  typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : undefined;

/** The lock a conversion holds on its storage key while it stages files. */
export class StagingLock {
  private release: (() => void) | null = null;
  private held: Promise<void> | null = null;

  constructor(readonly storageKey: string) {}

  /** Resolves once the lock is held (at once where the browser has no Web Locks). */
  acquire(): Promise<void> {
    const l = locks();
    if (!l) return Promise.resolve();
    this.held ??= new Promise<void>((acquired) => {
      void l.request(LOCK_PREFIX + this.storageKey, () => {
        acquired();
        return new Promise<void>((r) => (this.release = r));
      });
    });
    return this.held;
  }

  /** Ends the claim: the files are committed or deleted. */
  unlock(): void {
    this.release?.();
    this.release = null;
    this.held = null;
  }
}

/** When a staging key (`staging-<base-36 ms>-<random>`) was made, if it says. */
function stagedAt(key: string): number | undefined {
  const m = /^staging-([0-9a-z]+)-/.exec(key);
  return m ? parseInt(m[1], 36) : undefined;
}

/**
 * Deletes the files of conversions that never committed and are no longer running. Returns the
 * storage keys whose files were deleted.
 */
export async function cleanAbandonedStaging(now = Date.now()): Promise<string[]> {
  const db = await openDb();
  const read = db.transaction(['datasets', 'files'], 'readonly');
  const records = (await req(read.objectStore('datasets').getAll())) as { storageKey: string }[];
  const named = new Set(records.map((r) => r.storageKey));
  const keys = new Set<string>();
  for (const k of (await req(read.objectStore('files').getAllKeys())) as [string, string][]) {
    if (!named.has(k[0])) keys.add(k[0]);
  }
  if (!keys.size) return [];
  const l = locks();
  const heldNames = l ? new Set(((await l.query()).held ?? []).map((h) => h.name)) : undefined;
  const abandoned = [...keys].filter((k) =>
    heldNames ? !heldNames.has(LOCK_PREFIX + k) : now - (stagedAt(k) ?? now) > STALE_MS,
  );
  if (!abandoned.length) return [];
  const tx = db.transaction(['datasets', 'files'], 'readwrite');
  // Checked again inside the write: a key committed meanwhile is left alone.
  const nowNamed = new Set(
    ((await req(tx.objectStore('datasets').getAll())) as { storageKey: string }[]).map(
      (r) => r.storageKey,
    ),
  );
  const removed = abandoned.filter((k) => !nowNamed.has(k));
  for (const k of removed) tx.objectStore('files').delete(fileRange(k));
  await done(tx);
  return removed;
}
