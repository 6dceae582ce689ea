// Loaded datasets stay in the worker between jobs (a sweep after a run reuses the same graph);
// only the latest one is kept, since a graph can be large. Datasets past the in-memory threshold
// are streamed part by part instead (src/train/open-data.ts).
import { refKey, sourceFor } from '../graph/catalog';
import { loadDataset, type LoadedDataset, type LoadProgress } from '../graph/load';
import { openTrainData, type OpenedData } from '../train/open-data';
import type { DataSpec, DatasetSummary } from './protocol';

let cached: { key: string; ds: Promise<LoadedDataset> } | null = null;

async function loadCached(
  spec: Pick<DataSpec, 'dataset' | 'shards'>,
  onProgress: (p: LoadProgress) => void,
): Promise<LoadedDataset> {
  const key = `${refKey(spec.dataset)}|${spec.shards ? spec.shards.join(',') : 'all'}`;
  if (cached?.key === key) {
    try {
      const ds = await cached.ds;
      onProgress({
        phase: 'done',
        loadedBytes: 0,
        totalBytes: 0,
        shardsDone: ds.shards.length,
        shardsTotal: ds.shards.length,
      });
      return ds;
    } catch {
      cached = null;
    }
  }
  const ds = loadDataset(sourceFor(spec.dataset), {
    shards: spec.shards ?? undefined,
    onProgress,
  });
  cached = { key, ds };
  try {
    return await ds;
  } catch (e) {
    if (cached?.ds === ds) cached = null;
    throw e;
  }
}

/** The job's data: parts per epoch, evaluation parts and views from the spec. */
export function openFor(
  spec: DataSpec,
  seed: number,
  onProgress: (p: LoadProgress) => void,
): Promise<OpenedData> {
  return openTrainData(sourceFor(spec.dataset), {
    shards: spec.shards ?? undefined,
    plan: {
      parts: Math.max(1, Math.floor(spec.parts)),
      evalParts: spec.evalParts ?? 1,
      evalViews: spec.evalViews ?? 1,
      seed,
    },
    onProgress,
    load: () => loadCached(spec, onProgress),
  });
}

export function summarize(d: OpenedData): DatasetSummary {
  return {
    name: d.manifest.name,
    location: d.location,
    shards: d.shards,
    nodes: d.nodes,
    edges: d.edges,
    task: d.manifest.task,
    metric: d.manifest.metric,
  };
}
