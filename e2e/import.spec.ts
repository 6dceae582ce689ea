// The page's import path under hostile and corrupted files (issue 16): the conversion worker
// reports each failure naming the file, the page stays usable, datasets already stored stay
// listed and loadable, nothing is left staged in browser storage, and files a crashed conversion
// left behind are cleaned at the next start.
import { expect, test, type Page } from '@playwright/test';
import { gzipSync } from 'fflate';
import { graphPickle, planetoidFiles, smallPlanetoid } from '../src/testing/planetoid-pickles.ts';
import { openStudio } from './helpers.ts';

type Upload = { name: string; mimeType: string; buffer: Buffer };
const upload = (files: Record<string, Uint8Array | string>): Upload[] =>
  Object.entries(files).map(([name, b]) => ({
    name,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(typeof b === 'string' ? new TextEncoder().encode(b) : b),
  }));

/** Conversions on a loaded machine take a while: every wait for their outcome is this long. */
const CONVERSION = { timeout: 120_000 };

async function convert(page: Page, files: Record<string, Uint8Array | string>) {
  await page.getByTestId('dataset-files').setInputFiles(upload(files));
  await expect(page.getByTestId('dataset-files')).toBeEnabled(CONVERSION);
}

/** Storage keys of staged files that no dataset record names. */
async function orphanKeys(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('revgnn-datasets');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const get = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const tx = db.transaction(['datasets', 'files']);
    const named = new Set(
      ((await get(tx.objectStore('datasets').getAll())) as { storageKey: string }[]).map(
        (d) => d.storageKey,
      ),
    );
    const keys = (await get(tx.objectStore('files').getAllKeys())) as [string, string][];
    db.close();
    return [...new Set(keys.map((k) => k[0]).filter((k) => !named.has(k)))];
  });
}

test('hostile files are refused by name; the page and stored datasets are unharmed', async ({
  page,
}) => {
  const errors = await openStudio(page);
  await convert(page, { 'edges.csv': '0,1\n1,2\n2,3\n3,0\n', 'labels.csv': '0\n1\n0\n1\n' });
  await expect(page.getByTestId('dataset-result')).toContainText('Stored', CONVERSION);
  const stored = page.getByTestId('stored-datasets').locator('li');
  await expect(stored).toHaveCount(1);

  const error = page.getByTestId('dataset-error');
  const cases: [Record<string, Uint8Array | string>, RegExp][] = [
    // A pickle that names os.system (a Python loader would run it).
    [
      {
        ...planetoidFiles(smallPlanetoid()),
        'ind.tiny.graph': graphPickle(smallPlanetoid().graph, ['os', 'system']),
      },
      /ind\.tiny\.graph: pickle byte offset \d+: .*found the global os\.system/,
    ],
    // A truncated sparse matrix.
    [
      {
        ...planetoidFiles(smallPlanetoid()),
        'ind.tiny.allx': planetoidFiles(smallPlanetoid())['ind.tiny.allx'].subarray(0, 400),
      },
      /ind\.tiny\.allx: pickle byte offset \d+: expected \d+ more bytes/,
    ],
    // A corrupt row offset.
    [
      (() => {
        const s = smallPlanetoid();
        s.tx.indptr[2] = 2 ** 30;
        return planetoidFiles(s);
      })(),
      /ind\.tiny\.tx: indptr\[2\]: expected a whole number/,
    ],
    // One id implying a graph of four billion nodes.
    [
      { 'edges.csv': '0,1\n1,4294967294\n', 'labels.csv': '0\n1\n' },
      /edges\.csv: line 2, target: .*which implies a graph of 4294967295 nodes/,
    ],
    // A gzip bomb of one valid row: 10 × 4 MiB inflated from ~40 KB.
    [
      {
        'edges.csv.gz': (() => {
          const one = gzipSync(new TextEncoder().encode('0,1\n'.repeat(1 << 20)));
          return Uint8Array.from({ length: one.length * 10 }, (_, i) => one[i % one.length]);
        })(),
        'labels.csv': '0\n1\n',
      },
      /edges\.csv\.gz: rows: expected an edge list of mostly distinct edges/,
    ],
  ];
  for (const [files, message] of cases) {
    await convert(page, files);
    await expect(error).toContainText(message, CONVERSION);
    await expect(stored).toHaveCount(1);
  }
  expect(await orphanKeys(page)).toEqual([]);

  // The stored dataset is still there after a reload, and the page still converts.
  await page.reload();
  await expect(page.getByTestId('adapter-line')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('stored-datasets').locator('li')).toHaveCount(1, CONVERSION);
  await convert(page, { 'edges.csv': '0,1\n1,2\n', 'labels.csv': '0\n1\n1\n' });
  await expect(page.getByTestId('dataset-result')).toContainText('Stored', CONVERSION);
  await expect(page.getByTestId('stored-datasets').locator('li')).toHaveCount(2, CONVERSION);
  expect(errors).toEqual([]);
});

test('files a crashed conversion left in browser storage are deleted at the next start', async ({
  page,
}) => {
  await openStudio(page);
  // What a worker ended mid-write leaves: files under a key no dataset names, no lock held.
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('revgnn-datasets');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction('files', 'readwrite');
    tx.objectStore('files').put(new ArrayBuffer(1 << 20), ['staging-crashed-1', 'shard-000.bin']);
    tx.objectStore('files').put(new ArrayBuffer(1 << 20), ['staging-crashed-1', 'shard-001.bin']);
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  });
  expect(await orphanKeys(page)).toEqual(['staging-crashed-1']);
  await page.reload();
  await expect(page.getByTestId('dataset-import')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => orphanKeys(page), CONVERSION).toEqual([]);
});
