// Real data for browser tests from ../shared/datasets (read through Vitest's server commands).
// Absent on machines without it: callers skip with the message below.
import { commands } from 'vitest/browser';
import { convertDataset } from '../graph/convert/index';
import { memoryInput } from '../graph/convert/input';
import { MemorySink } from '../graph/convert/write';
import { loadDataset, MemorySource, type LoadedDataset } from '../graph/load';

export const SHARED_DATASETS = '../shared/datasets';

/** The files of a shared dataset folder, or null when the folder is not there. */
export async function readSharedFiles(
  folder: string,
  names: string[],
): Promise<Record<string, Uint8Array> | null> {
  const out: Record<string, Uint8Array> = {};
  for (const name of names) {
    let b64: string;
    try {
      b64 = (await commands.readFile(`${SHARED_DATASETS}/${folder}/${name}`, 'base64')) as string;
    } catch {
      return null;
    }
    out[name] = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }
  return out;
}

export function missingMessage(folder: string): string {
  return `skipped: ${SHARED_DATASETS}/${folder} is not present on this machine`;
}

const CITESEER_FILES = ['x', 'y', 'tx', 'ty', 'allx', 'ally', 'graph', 'test.index'].map(
  (s) => `ind.citeseer.${s}`,
);

/** CiteSeer's public Planetoid split, converted in memory from the shared files (null if absent). */
export async function sharedCiteseer(): Promise<LoadedDataset | null> {
  const files = await readSharedFiles('citeseer-planetoid', CITESEER_FILES);
  if (!files) return null;
  const sink = new MemorySink();
  await convertDataset(memoryInput(files), sink, {
    format: 'planetoid',
    name: 'citeseer',
    shards: 1,
  });
  return loadDataset(new MemorySource(sink.files));
}
