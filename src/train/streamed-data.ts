// Training data read from the shards part by part, never the whole dataset at once. A dataset's
// shards are already a seeded random node partition; a random part of an epoch is a random
// union of shards (a fresh shuffle of the shards per epoch, cut into P runs). A part is assembled
// one shard at a time (src/graph/part-assembler.ts): CPU memory is one shard plus the part.
// With many shards per part this is the paper's random partition at a coarser grain; with as many
// shards as parts every epoch sees the same parts (the manifest's `shards` sets the grain).
import { loadManifest, type DatasetSource } from '../graph/load';
import type { DatasetManifest, ShardData } from '../graph/format';
import { Rng, mixSeed } from '../graph/rng';
import { chooseShards, readShard } from '../graph/shard-reader';
import { PartAssembler } from '../graph/part-assembler';
import { MANIFEST_FILE } from '../graph/format';
import type { DataShape } from '../models/config';
import {
  DEFAULT_PLAN,
  checkPlan,
  evalEpoch,
  type DataPart,
  type PartPlan,
  type PartSchedule,
  type TrainData,
} from './train-data';

/** A dataset opened for streaming: the manifest and the chosen shards, nothing else read yet. */
export interface StreamedDataset {
  source: DatasetSource;
  manifest: DatasetManifest;
  /** Indices of the chosen shards, ascending. */
  shards: number[];
  /** Global ids of each shard's nodes, by shard index, once a shard has been read. */
  members: (Uint32Array | null)[];
  /** The buffer shards are read into, where the source can (grown to the largest shard read). */
  scratch?: Uint8Array;
}

export async function openStreamed(
  source: DatasetSource,
  opts: { shards?: number[] } = {},
): Promise<StreamedDataset> {
  const manifest = await loadManifest(source);
  return {
    source,
    manifest,
    shards: chooseShards(source, manifest, opts.shards, MANIFEST_FILE),
    members: manifest.shards.map(() => null),
  };
}

/** Bytes of the chosen shards: what loading them all at once would read. */
export function streamedBytes(ds: StreamedDataset): number {
  return ds.shards.reduce((t, s) => t + ds.manifest.shards[s].bytes, 0);
}

export function manifestShape(m: DatasetManifest): DataShape {
  return {
    inputDim: m.features.dim,
    inputKind: m.features.kind,
    outputDim: m.task === 'multiclass' ? m.numClasses! : m.numTasks!,
    task: m.task,
    edgeDim: m.edgeFeatures?.dim ?? 0,
  };
}

/** The chosen shards shuffled for (seed, epoch) and cut into `parts` runs of near-equal count. */
export function shardGroups(
  shards: readonly number[],
  parts: number,
  seed: number,
  epoch: number,
): number[][] {
  if (parts === 0) return shards.map((s) => [s]);
  if (parts > shards.length) {
    throw new RangeError(
      `${parts} parts need at least ${parts} shards, and this dataset has ${shards.length} ` +
        `chosen: reconvert it with --shards ${parts * 4} or more (several shards per part keep ` +
        'the parts random), or use fewer parts.',
    );
  }
  if (parts === 1) return [[...shards]];
  const perm = new Rng(mixSeed(seed, epoch)).permutation(shards.length);
  const groups: number[][] = Array.from({ length: parts }, () => []);
  for (let k = 0; k < perm.length; k++)
    groups[Math.floor((k * parts) / perm.length)].push(shards[perm[k]]);
  return groups.map((g) => g.sort((a, b) => a - b));
}

export interface StreamedHooks {
  /** Bytes of shards read so far for the current part, of the part's total. */
  onRead?(loaded: number, total: number, file: string): void;
}

/**
 * Reads one group of shards and assembles their induced subgraph (global ids as the index), one
 * shard at a time. The assembler must know every member of the part before it filters the first
 * shard's rows, so a shard never read before is read twice: once for its members (kept, 4 bytes a
 * node), once for its rows. That costs the first epoch one extra pass over the shards; reading
 * every shard's members at open instead would cost the same pass before any training starts.
 */
export async function readPart(
  ds: StreamedDataset,
  group: readonly number[],
  hooks: StreamedHooks = {},
): Promise<DataPart> {
  const unknown = group.filter((s) => !ds.members[s]);
  const total = [...unknown, ...group].reduce((t, s) => t + ds.manifest.shards[s].bytes, 0);
  // One buffer for every shard of the part: what each read leaves behind is copied out of it.
  const largest = Math.max(...group.map((s) => ds.manifest.shards[s].bytes));
  if (!ds.scratch || ds.scratch.length < largest) ds.scratch = new Uint8Array(largest);
  const scratch = ds.scratch;
  let done = 0;
  const read = async (s: number): Promise<ShardData> => {
    const file = ds.manifest.shards[s].file;
    const shard = await readShard(
      ds.source,
      ds.manifest,
      s,
      (l) => hooks.onRead?.(done + l, total, file),
      scratch,
    );
    done += ds.manifest.shards[s].bytes;
    return shard;
  };
  for (const s of unknown) ds.members[s] = (await read(s)).globalIds.slice();
  const assembler = new PartAssembler(
    ds.manifest,
    group.map((s) => ({ index: s, globalIds: ds.members[s]! })),
  );
  for (const s of group) assembler.add(await read(s));
  const graph = assembler.finish();
  return { graph, index: graph.globalIds };
}

export function streamedTrainData(
  ds: StreamedDataset,
  plan: Partial<PartPlan> = {},
  hooks: StreamedHooks = {},
): TrainData {
  const p: PartPlan = { ...DEFAULT_PLAN, ...plan };
  const nodes = ds.shards.reduce((t, s) => t + ds.manifest.shards[s].nodes, 0);
  checkPlan(p, nodes);
  const schedule = (groups: number[][]): PartSchedule => ({
    count: groups.length,
    get: (i) => readPart(ds, groups[i], hooks),
  });
  // Checked now, so that a plan the shards cannot serve fails before the run starts.
  shardGroups(ds.shards, p.parts, p.seed, 1);
  shardGroups(ds.shards, p.evalParts, p.seed, evalEpoch(0));
  return {
    shape: manifestShape(ds.manifest),
    numNodes: ds.manifest.numNodes,
    numEdges: ds.shards.reduce((t, s) => t + ds.manifest.shards[s].edges, 0),
    plan: p,
    trainParts: (epoch) => schedule(shardGroups(ds.shards, p.parts, p.seed, epoch)),
    evalParts: (view) => schedule(shardGroups(ds.shards, p.evalParts, p.seed, evalEpoch(view))),
  };
}
