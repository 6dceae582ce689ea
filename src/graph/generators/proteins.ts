// A proteins-like graph (after ogbn-proteins): proteins of several species, associations only
// inside a species, 8-dim edge features in [0, 1] (association scores of different kinds), no
// node features — node inputs are the mean of incident edge features, as OGB's proteins examples
// do — and multi-label functions (16 binary tasks) driven by hidden functional modules that the
// edge features reveal only partially. Split by species: train, valid and test hold different
// species (as ogbn-proteins). Metric: mean ROC-AUC over tasks.
import { buildAdjacency, meanIncidentEdgeFeatures } from '../convert/edges';
import { identity } from '../convert/planetoid';
import type { DatasetMeta, FullGraph } from '../convert/write';
import { Rng } from '../rng';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID } from '../types';
import { WeightedSampler, pareto } from './common';

export interface ProteinsParams {
  nodes: number;
  species: number;
  /** Species ids (0-based) for validation and test; the rest train. */
  validSpecies: number[];
  testSpecies: number[];
  tasks: number;
  /** Hidden functional modules. */
  modules: number;
  /** Probability that a protein takes part in a module. */
  moduleProb: number;
  avgDegree: number;
  /** Probability that an edge joins proteins sharing a module (when possible). */
  moduleAffinity: number;
  edgeDim: number;
  seed: number;
}

export const PROTEINS_DEFAULTS: ProteinsParams = {
  nodes: 2000,
  species: 8,
  validSpecies: [5],
  testSpecies: [6, 7],
  tasks: 16,
  modules: 6,
  moduleProb: 0.3,
  avgDegree: 10,
  moduleAffinity: 0.7,
  edgeDim: 8,
  seed: 2,
};

export function generateProteins(params: Partial<ProteinsParams> = {}): {
  graph: FullGraph;
  meta: DatasetMeta;
} {
  const p = { ...PROTEINS_DEFAULTS, ...params };
  const rng = new Rng(p.seed);
  const N = p.nodes;
  const F = p.modules;
  const T = p.tasks;

  // Species of uneven size, contiguous in a shuffled order.
  const speciesW = Array.from({ length: p.species }, () => 0.6 + rng.float());
  const speciesSampler = new WeightedSampler(
    Array.from({ length: p.species }, (_, s) => s),
    speciesW,
  );
  const species = new Uint8Array(N);
  for (let i = 0; i < N; i++) species[i] = speciesSampler.sample(rng);

  // Hidden modules per protein (bit set).
  const mods = new Uint8Array(N * F);
  for (let i = 0; i < N; i++)
    for (let m = 0; m < F; m++) mods[i * F + m] = rng.chance(p.moduleProb) ? 1 : 0;

  // Edges inside a species; with probability moduleAffinity, between proteins sharing a module.
  const w = new Float64Array(N);
  for (let i = 0; i < N; i++) w[i] = pareto(rng, 2.2);
  const inSpecies = Array.from({ length: p.species }, (_, s) => {
    const ids: number[] = [];
    for (let i = 0; i < N; i++) if (species[i] === s) ids.push(i);
    return ids;
  });
  const speciesSamplers = inSpecies.map(
    (ids) =>
      new WeightedSampler(
        ids,
        ids.map((i) => w[i]),
      ),
  );
  const moduleSamplers = inSpecies.map((ids) =>
    Array.from({ length: F }, (_, m) => {
      const members = ids.filter((i) => mods[i * F + m]);
      return new WeightedSampler(
        members,
        members.map((i) => w[i]),
      );
    }),
  );
  const all = new WeightedSampler(identity(N), w);
  const M = Math.round((N * p.avgDegree) / 2);
  const src = new Uint32Array(M);
  const dst = new Uint32Array(M);
  const ef = new Float32Array(M * p.edgeDim);
  for (let e = 0; e < M; e++) {
    const u = all.sample(rng);
    const s = species[u];
    let v = u;
    for (let tries = 0; v === u && tries < 50; tries++) {
      const own: number[] = [];
      for (let m = 0; m < F; m++) if (mods[u * F + m] && moduleSamplers[s][m].size > 1) own.push(m);
      if (own.length && rng.chance(p.moduleAffinity))
        v = moduleSamplers[s][own[rng.int(own.length)]].sample(rng);
      else v = speciesSamplers[s].sample(rng);
    }
    if (v === u) v = (u + 1) % N;
    src[e] = u;
    dst[e] = v;
    // Association scores: channels 0..F-1 light up when both share module c (noisily, and only
    // sometimes measured); the remaining channels are unrelated evidence.
    for (let c = 0; c < p.edgeDim; c++) {
      let x = 0.05 * rng.float();
      if (c < F && mods[u * F + c] && mods[v * F + c] && rng.chance(0.45))
        x += 0.3 + 0.6 * rng.float();
      else if (rng.chance(0.2)) x += 0.6 * rng.float();
      ef[e * p.edgeDim + c] = Math.round(Math.min(x, 1) * 1000) / 1000;
    }
  }
  const adj = buildAdjacency(N, src, dst, {
    symmetrize: true,
    edgeFeatures: { dim: p.edgeDim, data: ef },
  });
  const x = meanIncidentEdgeFeatures(adj.adj, adj.edgeFeatures!);

  // Tasks: each a noisy function of one or two modules (AND or OR), positive rates vary.
  const y = new Uint8Array(N * T);
  for (let t = 0; t < T; t++) {
    const a = t % F;
    const b = (t * 5 + 1) % F;
    const kind = t % 3; // 0: a; 1: a AND b; 2: a OR b
    const flip = 0.04 + 0.04 * ((t * 7) % 3);
    for (let i = 0; i < N; i++) {
      const ma = mods[i * F + a];
      const mb = mods[i * F + b];
      let v = kind === 0 ? ma : kind === 1 ? ma & mb : ma | mb;
      if (rng.chance(flip)) v ^= 1;
      y[i * T + t] = v;
    }
  }

  const split = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    split[i] = p.testSpecies.includes(species[i])
      ? SPLIT_TEST
      : p.validSpecies.includes(species[i])
        ? SPLIT_VALID
        : SPLIT_TRAIN;
  }
  const graph: FullGraph = {
    numNodes: N,
    adj: adj.adj,
    edgeFeatures: adj.edgeFeatures,
    features: { kind: 'dense', dim: p.edgeDim, data: x },
    labels: { kind: 'multilabel', numTasks: T, y },
    split,
    globalIds: identity(N),
  };
  const meta: DatasetMeta = {
    name: 'proteins',
    description:
      `Proteins-like (synthetic, after ogbn-proteins): ${N} proteins of ${p.species} species, ` +
      `${T} binary function tasks, ${p.edgeDim}-dim edge features, no node features.`,
    source: `generator proteins ${JSON.stringify(p)}`,
    metric: 'rocauc',
    symmetric: true,
    featuresDerived:
      'mean of incident edge features (as OGB proteins examples: x = adj_t.mean(dim=1))',
    splitDescription: `by species: valid = species ${p.validSpecies.join(', ')}, test = species ${p.testSpecies.join(', ')}, train = the others`,
    notes: [`${adj.adj.colIdx.length / 2} undirected edges, all inside a species`],
  };
  return { graph, meta };
}
