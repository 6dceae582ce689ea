// A folder that already is a dataset of this format (manifest.json + shards, e.g. written by the
// CLI's `convert` or `generate`) is not converted but copied: one shard at a time, each checked
// against the manifest (size, checksum, structure) before it is written. So a dataset of many
// GiB can be brought into the page's storage with one shard's worth of memory, and a damaged
// copy is refused with the shard's name instead of being stored.
import { DatasetError } from '../errors';
import { MANIFEST_FILE, type DatasetManifest } from '../format';
import { parseManifest, validateShard } from '../validate';
import { displayPath, findFile, readAll, type InputFiles, type ProgressFn } from './input';
import type { DatasetSink } from './write';

/** The manifest's path among the inputs, if the input is a dataset folder. */
export function datasetManifestPath(input: InputFiles): string | undefined {
  return findFile(input, MANIFEST_FILE);
}

export async function copyDatasetFolder(
  input: InputFiles,
  sink: DatasetSink,
  onProgress?: ProgressFn,
): Promise<DatasetManifest> {
  const manifestPath = datasetManifestPath(input);
  if (!manifestPath) {
    throw new DatasetError(
      displayPath(input, MANIFEST_FILE),
      'file',
      'a dataset folder with its manifest',
      'no manifest.json among the inputs',
    );
  }
  const dir = manifestPath.slice(0, manifestPath.length - MANIFEST_FILE.length);
  const manifestBytes = await readAll(input, manifestPath);
  const manifest = parseManifest(
    new TextDecoder().decode(manifestBytes),
    displayPath(input, manifestPath),
  );
  const total = manifest.shards.reduce((t, s) => t + s.bytes, 0);
  let done = 0;
  try {
    for (const [i, entry] of manifest.shards.entries()) {
      const path = dir + entry.file;
      if (!input.paths().includes(path)) {
        throw new DatasetError(
          displayPath(input, path),
          'file',
          `shard ${i} of ${manifest.shards.length}, listed in ${MANIFEST_FILE}`,
          'no such file among the inputs',
        );
      }
      onProgress?.({ stage: 'read', label: entry.file, done, total });
      const bytes = await readAll(input, path);
      try {
        validateShard(bytes, manifest, i);
      } catch (e) {
        throw e instanceof DatasetError && e.file === entry.file
          ? e.at(displayPath(input, path))
          : e;
      }
      await sink.writeFile(entry.file, bytes);
      done += entry.bytes;
      onProgress?.({ stage: 'write', label: entry.file, done, total });
    }
    await sink.writeFile(MANIFEST_FILE, manifestBytes);
    await sink.commit();
  } catch (e) {
    await sink.abort().catch(() => {});
    throw e;
  }
  onProgress?.({ stage: 'done', label: manifest.name, done: total, total });
  return manifest;
}
