// The page's "Export to PyTorch": the latest weights with the run's settings as a Python package
// in a .zip, the dataset's files beside it when they are small enough to carry (built-ins and
// most imported graphs), so that `python3 train.py` runs as it is unpacked. Loaded on demand:
// the Python templates stay out of the page's first download.
import type { DatasetRef } from '../../graph/catalog';
import { sourceFor } from '../../graph/catalog';
import { MANIFEST_FILE } from '../../graph/format';
import { loadManifest } from '../../graph/load';
import { decodeCheckpoint } from '../../train/checkpoint';
import { fileName } from './download';

/** Datasets up to this size travel inside the .zip. */
export const CARRY_DATA_BYTES = 64 * 1024 * 1024;

export interface PageRun {
  dataset: DatasetRef;
  shards: number[] | null;
  model: { model: string; layers: number; channels: number };
  epochs: number;
  lr: number;
  parts: number;
  evalParts: number;
  evalViews: number;
  seed: number;
}

export async function pytorchExport(
  weights: Uint8Array,
  run: PageRun,
): Promise<{ name: string; zip: Uint8Array }> {
  const { pytorchZip } = await import('../../export/pytorch-zip');
  const checkpoint = decodeCheckpoint(weights);
  const source = sourceFor(run.dataset);
  const manifest = await loadManifest(source);
  const bytes = manifest.shards.reduce((t, s) => t + s.bytes, 0);
  let data: { dir: string; files: Record<string, Uint8Array> } | null = null;
  if (bytes <= CARRY_DATA_BYTES) {
    const files: Record<string, Uint8Array> = {
      [MANIFEST_FILE]: new TextEncoder().encode(await source.readText(MANIFEST_FILE)),
    };
    for (const s of manifest.shards) files[s.file] = await source.readBytes(s.file);
    data = { dir: `data/${fileName(manifest.name)}`, files };
  }
  const m = run.model;
  const folder = fileName(
    'revgnn',
    m.model,
    `${m.layers}x${m.channels}`,
    `seed${run.seed}`,
    'pytorch',
  );
  const zip = pytorchZip(
    {
      checkpoint,
      train: {
        epochs: run.epochs,
        lr: run.lr,
        parts: run.parts,
        evalParts: run.evalParts,
        evalViews: run.evalViews,
        seed: run.seed,
        shards: run.shards,
      },
      dataset: { name: manifest.name },
      source: `the RevGNN Studio page (${manifest.name}, after epoch ${checkpoint.epoch})`,
    },
    folder,
    data,
  );
  return { name: `${folder}.zip`, zip };
}
