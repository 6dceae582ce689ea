// From a loaded dataset to what the trainer consumes: the data's shape, the full graph for
// evaluation, and each epoch's parts (random parts afresh per epoch, or one step per shard).
import { epochParts, type LoadedDataset, type StepPlan } from '../graph/load';
import { randomParts } from '../graph/subgraph';
import type { Subgraph } from '../graph/types';
import type { DataShape } from '../models/config';
import type { TrainData } from './trainer';

export function shapeOf(g: Subgraph): DataShape {
  return {
    inputDim: g.features.dim,
    inputKind: g.features.kind,
    outputDim: g.labels.kind === 'multiclass' ? g.labels.numClasses : g.labels.numTasks,
    task: g.labels.kind,
    edgeDim: g.edgeFeatures?.dim ?? 0,
  };
}

export function trainData(ds: LoadedDataset, plan: StepPlan): TrainData {
  return {
    shape: shapeOf(ds.graph),
    full: ds.graph,
    parts: (epoch) => epochParts(ds, plan, epoch).map((p) => p.graph),
  };
}

/** A TrainData over one in-memory graph (tests, synthetic graphs), P random parts per epoch. */
export function graphTrainData(g: Subgraph, parts = 1, seed = 0): TrainData {
  return {
    shape: shapeOf(g),
    full: g,
    parts: (epoch) => randomParts(g, parts, seed, epoch).map((p) => p.graph),
  };
}
