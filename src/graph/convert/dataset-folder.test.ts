// A dataset folder dropped on the page (manifest + shards, as the CLI writes them) is copied into
// browser storage shard by shard through the conversion worker, and a stored dataset can then be
// trained part by part straight from storage. Runs in Chromium (the `gpu` project); no GPU needed.
import { describe, expect, it } from 'vitest';
import { builtinSource } from '../catalog';
import { MANIFEST_FILE } from '../format';
import { loadManifest } from '../load';
import { deleteStoredDataset, listStoredDatasets, StoreSource } from '../store';
import { openTrainData } from '../../train/open-data';
import { convertInWorker } from '../../worker/convert-client';
import type { DroppedFile } from '../../worker/convert-protocol';

/** The built-in proteins dataset as files dropped from a folder named `proteins/`. */
async function proteinsFolder(): Promise<{ files: DroppedFile[]; shardFiles: string[] }> {
  const src = builtinSource('proteins');
  const manifest = await loadManifest(src);
  const files: DroppedFile[] = [
    {
      path: `proteins/${MANIFEST_FILE}`,
      file: new File([await src.readText(MANIFEST_FILE)], MANIFEST_FILE),
    },
  ];
  for (const s of manifest.shards) {
    const bytes = await src.readBytes(s.file);
    files.push({ path: `proteins/${s.file}`, file: new File([bytes.slice()], s.file) });
  }
  return { files, shardFiles: manifest.shards.map((s) => s.file) };
}

describe('a dataset folder dropped on the page', () => {
  it('is copied shard by shard with progress, then read part by part streamed from storage', async () => {
    const { files, shardFiles } = await proteinsFolder();
    const seen: string[] = [];
    const r = await convertInWorker(files, { format: 'auto' }, (p) =>
      seen.push(`${p.stage} ${p.label}`),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.format).toBe('dataset');
    for (const f of shardFiles) expect(seen).toContain(`write ${f}`);
    const opened = await openTrainData(new StoreSource(r.dataset.id), {
      stream: 'stream',
      plan: { parts: 2, evalParts: 2, evalViews: 1, seed: 1 },
    });
    expect(opened.streamed).toBe(true);
    const covered = new Uint8Array(opened.data.numNodes);
    const view = opened.data.evalParts(0);
    for (let i = 0; i < view.count; i++) {
      const part = await view.get(i);
      expect(part.graph.edgeFeatures?.dim).toBe(8);
      for (const row of part.index) covered[row]++;
    }
    expect(covered.every((c) => c === 1)).toBe(true);
    await deleteStoredDataset(r.dataset.id);
  });

  it('refuses a damaged shard by its name and stores nothing', async () => {
    const { files } = await proteinsFolder();
    const i = files.findIndex((f) => f.path.endsWith('shard-002.bin'));
    const bytes = new Uint8Array(await files[i].file.arrayBuffer());
    bytes[bytes.length >> 1] ^= 0x10;
    files[i] = { path: files[i].path, file: new File([bytes], 'shard-002.bin') };
    const before = (await listStoredDatasets()).length;
    const r = await convertInWorker(files, { format: 'auto' }, () => {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.file).toBe('dropped files/proteins/shard-002.bin');
    expect(r.field).toBe('crc32');
    expect(await listStoredDatasets()).toHaveLength(before);
  });
});
