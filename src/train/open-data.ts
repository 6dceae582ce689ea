// From a dataset source to TrainData, for every host: a dataset whose chosen shards fit the
// in-memory threshold is loaded whole (node-level random parts, the checks of a full load);
// a larger one is streamed part by part (see streamed-data.ts).
import {
  loadDataset,
  type DatasetSource,
  type LoadedDataset,
  type LoadProgress,
} from '../graph/load';
import type { DatasetManifest } from '../graph/format';
import { openStreamed, streamedBytes, streamedTrainData } from './streamed-data';
import { trainData, type PartPlan, type TrainData } from './train-data';

/** Datasets with more shard bytes than this are streamed by default (the page and the CLI). */
export const STREAM_ABOVE_BYTES = 1024 * 1024 * 1024;

export type StreamMode = 'auto' | 'memory' | 'stream';

export interface OpenedData {
  data: TrainData;
  manifest: DatasetManifest;
  location: string;
  shards: number[];
  /** Nodes and adjacency entries of the chosen shards. */
  nodes: number;
  edges: number;
  streamed: boolean;
}

export interface OpenOptions {
  shards?: number[];
  plan: Partial<PartPlan>;
  stream?: StreamMode;
  onProgress?: (p: LoadProgress) => void;
  /** Reuses an in-memory load (the worker keeps the latest dataset between jobs). */
  load?: (source: DatasetSource) => Promise<LoadedDataset>;
}

export async function openTrainData(source: DatasetSource, opts: OpenOptions): Promise<OpenedData> {
  const mode = opts.stream ?? 'auto';
  if (mode !== 'memory') {
    const ds = await openStreamed(source, { shards: opts.shards });
    if (mode === 'stream' || streamedBytes(ds) > STREAM_ABOVE_BYTES) {
      const nodes = ds.shards.reduce((t, s) => t + ds.manifest.shards[s].nodes, 0);
      const edges = ds.shards.reduce((t, s) => t + ds.manifest.shards[s].edges, 0);
      opts.onProgress?.({
        phase: 'done',
        loadedBytes: 0,
        totalBytes: 0,
        shardsDone: 0,
        shardsTotal: ds.shards.length,
      });
      return {
        data: streamedTrainData(ds, opts.plan),
        manifest: ds.manifest,
        location: source.label,
        shards: ds.shards,
        nodes,
        edges,
        streamed: true,
      };
    }
  }
  const ds = opts.load
    ? await opts.load(source)
    : await loadDataset(source, { shards: opts.shards, onProgress: opts.onProgress });
  return {
    data: trainData(ds, opts.plan),
    manifest: ds.manifest,
    location: ds.location,
    shards: ds.shards,
    nodes: ds.graph.numNodes,
    edges: ds.graph.adj.colIdx.length,
    streamed: false,
  };
}
