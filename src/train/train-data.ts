// What the trainer consumes: the data's shape and, for every phase, a schedule of parts — the
// training steps of an epoch (fresh random parts each epoch) and the parts of each evaluation
// view (fixed random partitions, one per view). A part is a subgraph and where its nodes sit in
// the evaluation index, so predictions made part by part land on the right rows.
import type { LoadedDataset } from '../graph/load';
import { Rng, mixSeed } from '../graph/rng';
import { inducedSubgraph, partMembers, randomPartition } from '../graph/subgraph';
import type { NodeLabels, Subgraph } from '../graph/types';
import type { DataShape } from '../models/config';

export interface DataPart {
  graph: Subgraph;
  /** Row of each local node in the evaluation index (0..TrainData.numNodes-1). */
  index: Uint32Array;
}

/** The parts of one phase, built one at a time so only the current one is held. */
export interface PartSchedule {
  readonly count: number;
  get(i: number): Promise<DataPart>;
}

/** How a phase is cut: P random parts per epoch, Q per evaluation view, V views. */
export interface PartPlan {
  /** Training parts per epoch; 0 = one step per shard. */
  parts: number;
  evalParts: number;
  evalViews: number;
  seed: number;
}

export interface TrainData {
  shape: DataShape;
  /** Size of the evaluation index: every node a view covers has one row there. */
  numNodes: number;
  /** Adjacency entries of the whole loaded graph (memory planning). */
  numEdges: number;
  plan: PartPlan;
  trainParts(epoch: number): PartSchedule;
  /** One evaluation view: parts covering every loaded node exactly once. */
  evalParts(view: number): PartSchedule;
}

export const DEFAULT_PLAN: PartPlan = { parts: 1, evalParts: 1, evalViews: 1, seed: 0 };

export function shapeOf(g: {
  features: Subgraph['features'];
  labels: NodeLabels;
  edgeFeatures?: Subgraph['edgeFeatures'];
}): DataShape {
  return {
    inputDim: g.features.dim,
    inputKind: g.features.kind,
    outputDim: g.labels.kind === 'multiclass' ? g.labels.numClasses : g.labels.numTasks,
    task: g.labels.kind,
    edgeDim: g.edgeFeatures?.dim ?? 0,
  };
}

/** Evaluation partitions are seeded apart from every training epoch's. */
export function evalEpoch(view: number): number {
  return -1 - view;
}

/**
 * Random parts of an in-memory graph: a seeded node partition per epoch (or per evaluation view),
 * each part's induced subgraph built when it is asked for. One part is the graph itself.
 */
export function randomSchedule(
  g: Subgraph,
  parts: number,
  seed: number,
  epoch: number,
): PartSchedule {
  if (parts === 1) {
    const index = identity(g.numNodes);
    return { count: 1, get: async () => ({ graph: g, index }) };
  }
  const members = partMembers(
    randomPartition(g.numNodes, parts, new Rng(mixSeed(seed, epoch))),
    parts,
  );
  return {
    count: parts,
    get: async (i) => ({ graph: inducedSubgraph(g, members[i]), index: members[i] }),
  };
}

/** A TrainData over one in-memory graph (tests, synthetic graphs, datasets that fit in memory). */
export function graphTrainData(
  g: Subgraph,
  parts = 1,
  seed = 0,
  evaluation: Partial<Pick<PartPlan, 'evalParts' | 'evalViews'>> = {},
): TrainData {
  const plan: PartPlan = { ...DEFAULT_PLAN, parts, seed, ...evaluation };
  checkPlan(plan, g.numNodes);
  return {
    shape: shapeOf(g),
    numNodes: g.numNodes,
    numEdges: g.adj.colIdx.length,
    plan,
    trainParts: (epoch) => randomSchedule(g, parts, seed, epoch),
    evalParts: (view) => randomSchedule(g, plan.evalParts, seed, evalEpoch(view)),
  };
}

/** A loaded dataset in memory: random parts, or one step per loaded shard (parts = 0). */
export function trainData(ds: LoadedDataset, plan: Partial<PartPlan> = {}): TrainData {
  const p: PartPlan = { ...DEFAULT_PLAN, ...plan };
  const data = graphTrainData(ds.graph, Math.max(1, p.parts), p.seed, p);
  if (p.parts !== 0) return data;
  const shards = ds.shardNodes;
  return {
    ...data,
    plan: p,
    trainParts: () =>
      shards.length === 1
        ? data.trainParts(0)
        : {
            count: shards.length,
            get: async (i) => ({ graph: inducedSubgraph(ds.graph, shards[i]), index: shards[i] }),
          },
  };
}

/** Refuses a plan no data can follow, in words. */
export function checkPlan(plan: PartPlan, nodes: number): void {
  const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!whole(plan.parts, 0))
    throw new RangeError(`Parts per epoch must be a whole number ≥ 1 (got ${plan.parts}).`);
  if (!whole(plan.evalParts, 1))
    throw new RangeError(`Evaluation parts must be a whole number ≥ 1 (got ${plan.evalParts}).`);
  if (!whole(plan.evalViews, 1))
    throw new RangeError(`Evaluation views must be a whole number ≥ 1 (got ${plan.evalViews}).`);
  for (const [what, n] of [
    ['parts per epoch', plan.parts],
    ['evaluation parts', plan.evalParts],
  ] as const) {
    if (n > nodes)
      throw new RangeError(
        `${n} ${what} of ${nodes} nodes would leave parts empty: use at most ${nodes}.`,
      );
  }
}

function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
