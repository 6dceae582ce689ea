// Reading one shard: its bytes from the source, validated against the manifest, errors pointed
// at the shard's own file. Shared by the whole-dataset loader and the per-part streamed reader.
import { DatasetError } from './errors';
import type { DatasetManifest, ShardData } from './format';
import type { DatasetSource } from './load';
import { validateShard } from './validate';

export function locate(source: DatasetSource, file: string): string {
  return source.label ? `${source.label.replace(/\/+$/, '')}/${file}` : file;
}

/**
 * With `scratch` (and a source that can read into it), the shard's arrays are views of the
 * scratch buffer: valid only until the next read into it, so the caller copies what it keeps.
 */
export async function readShard(
  source: DatasetSource,
  manifest: DatasetManifest,
  index: number,
  onBytes?: (loaded: number) => void,
  scratch?: Uint8Array,
): Promise<ShardData> {
  const entry = manifest.shards[index];
  let bytes: Uint8Array;
  if (scratch && source.readBytesInto) {
    bytes = await source.readBytesInto(entry.file, scratch);
    onBytes?.(Math.min(bytes.length, entry.bytes));
  } else {
    bytes = await source.readBytes(entry.file, (loaded) =>
      onBytes?.(Math.min(loaded, entry.bytes)),
    );
  }
  try {
    return validateShard(bytes, manifest, index);
  } catch (e) {
    if (e instanceof DatasetError && source.label && e.file === entry.file) {
      throw e.at(locate(source, entry.file));
    }
    throw e;
  }
}

/** Checks a list of shard indices against the manifest (a DatasetError naming the manifest). */
export function chooseShards(
  source: DatasetSource,
  manifest: DatasetManifest,
  wanted: number[] | undefined,
  manifestFile: string,
): number[] {
  const K = manifest.shards.length;
  const chosen = wanted ? [...new Set(wanted)].sort((a, b) => a - b) : [...Array(K).keys()];
  if (chosen.length === 0) {
    throw new DatasetError(
      locate(source, manifestFile),
      'shards',
      'at least one shard chosen',
      'none',
    );
  }
  for (const s of chosen) {
    if (!Number.isInteger(s) || s < 0 || s >= K) {
      throw new DatasetError(
        locate(source, manifestFile),
        'shards',
        `shard indices in 0..${K - 1}`,
        `${s}`,
      );
    }
  }
  return chosen;
}
