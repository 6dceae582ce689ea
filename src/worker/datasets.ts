// Loaded datasets stay in the worker between jobs (a sweep after a run reuses the same graph);
// only the latest one is kept, since a graph can be large.
import { refKey, sourceFor } from '../graph/catalog';
import { loadDataset, type LoadedDataset, type LoadProgress } from '../graph/load';
import { trainData } from '../train/train-data';
import type { TrainData } from '../train/trainer';
import type { DataSpec, DatasetSummary } from './protocol';

let cached: { key: string; ds: Promise<LoadedDataset> } | null = null;

export async function loadFor(
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

export function dataFor(ds: LoadedDataset, parts: number, seed: number): TrainData {
  return trainData(ds, { kind: 'random', parts: Math.max(1, Math.floor(parts)), seed });
}

export function summarize(ds: LoadedDataset): DatasetSummary {
  return {
    name: ds.manifest.name,
    location: ds.location,
    shards: ds.shards,
    nodes: ds.graph.numNodes,
    edges: ds.graph.adj.colIdx.length,
    task: ds.manifest.task,
    metric: ds.manifest.metric,
  };
}
