// The reason to go deep, made visible: chains of `hops + 1` nodes; the first node of each chain
// holds a colour (one-hot features), every other node only a constant, and every node's label is
// its chain's colour. A node d hops from the head needs at least d layers of message passing to
// see it, so a network of depth L can classify only the nodes within L hops (the rest are at
// chance): accuracy rises with depth until depth = hops. Chains are split whole into train /
// valid / test, so test chains are unseen. Random parts would cut chains: train on the whole
// graph (suggestedParts = 1).
import { buildAdjacency } from '../convert/edges';
import { identity } from '../convert/planetoid';
import type { DatasetMeta, FullGraph } from '../convert/write';
import { Rng } from '../rng';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID } from '../types';

export interface LongRangeParams {
  chains: number;
  /** Hops from a chain's head to its far end (chain length hops + 1). */
  hops: number;
  colours: number;
  /** Fractions of chains for train and valid; the rest test. */
  trainFrac: number;
  validFrac: number;
  seed: number;
}

export const LONG_RANGE_DEFAULTS: LongRangeParams = {
  chains: 100,
  hops: 15,
  colours: 4,
  trainFrac: 0.6,
  validFrac: 0.2,
  seed: 3,
};

/** Feature layout: colours one-hot (head only), then "is head", then a constant 1. */
export function longRangeFeatureDim(colours: number): number {
  return colours + 2;
}

export function generateLongRange(params: Partial<LongRangeParams> = {}): {
  graph: FullGraph;
  meta: DatasetMeta;
  distance: Uint32Array;
} {
  const p = { ...LONG_RANGE_DEFAULTS, ...params };
  const rng = new Rng(p.seed);
  const L = p.hops + 1;
  const N = p.chains * L;
  const D = longRangeFeatureDim(p.colours);
  // Node ids are shuffled so that chains are not contiguous blocks of ids.
  const perm = rng.permutation(N);
  const chainOrder = rng.permutation(p.chains);
  const nTrain = Math.round(p.chains * p.trainFrac);
  const nValid = Math.round(p.chains * p.validFrac);
  const y = new Int32Array(N);
  const x = new Float32Array(N * D);
  const split = new Uint8Array(N);
  const distance = new Uint32Array(N);
  const src: number[] = [];
  const dst: number[] = [];
  for (let c = 0; c < p.chains; c++) {
    const colour = rng.int(p.colours);
    const rank = chainOrder[c];
    const code = rank < nTrain ? SPLIT_TRAIN : rank < nTrain + nValid ? SPLIT_VALID : SPLIT_TEST;
    for (let k = 0; k < L; k++) {
      const id = perm[c * L + k];
      y[id] = colour;
      split[id] = code;
      distance[id] = k;
      x[id * D + D - 1] = 1;
      if (k === 0) {
        x[id * D + colour] = 1;
        x[id * D + p.colours] = 1;
      } else {
        src.push(perm[c * L + k - 1]);
        dst.push(id);
      }
    }
  }
  const adj = buildAdjacency(N, Uint32Array.from(src), Uint32Array.from(dst), { symmetrize: true });
  const graph: FullGraph = {
    numNodes: N,
    adj: adj.adj,
    features: { kind: 'dense', dim: D, data: x },
    labels: { kind: 'multiclass', numClasses: p.colours, y },
    split,
    globalIds: identity(N),
  };
  const meta: DatasetMeta = {
    name: 'long-range',
    description:
      `Long range (synthetic): ${p.chains} chains of ${L} nodes; a node's label is the colour held by ` +
      `its chain's head, up to ${p.hops} hops away. Depth L sees only nodes within L hops: accuracy ` +
      `≈ (min(L, ${p.hops}) + 1)/${L} + the rest at chance 1/${p.colours}.`,
    source: `generator long-range ${JSON.stringify(p)}`,
    metric: 'accuracy',
    symmetric: true,
    splitDescription: `whole chains: ${nTrain} train, ${nValid} valid, ${p.chains - nTrain - nValid} test`,
    suggestedParts: 1,
    notes: [
      `features: ${p.colours} colour channels (head only), an is-head flag, a constant 1`,
      'random parts cut chains and hide the heads: train on the whole graph (1 part)',
    ],
  };
  return { graph, meta, distance };
}
