// A citation-like graph: a degree-corrected stochastic block model (classes are the blocks, most
// edges inside a class), sparse binary bag-of-words features whose topic words depend on the class,
// and a Planetoid-like split (20 labelled nodes per class, 500 validation, 1000 test).
import { buildAdjacency } from '../convert/edges';
import { identity } from '../convert/planetoid';
import type { DatasetMeta, FullGraph } from '../convert/write';
import { Rng } from '../rng';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID } from '../types';
import { WeightedSampler, pareto } from './common';

export interface CitationParams {
  nodes: number;
  classes: number;
  /** Vocabulary size (feature dimension). */
  dim: number;
  /** Mean undirected degree. */
  avgDegree: number;
  /** Probability that an edge stays inside its source's class. */
  homophily: number;
  /** Topic words per class. */
  topicWords: number;
  /** Words per document: uniform in [min, max]. */
  wordsMin: number;
  wordsMax: number;
  /** Probability that a word comes from the document's class topic. */
  topicProb: number;
  trainPerClass: number;
  valid: number;
  test: number;
  seed: number;
}

export const CITATION_DEFAULTS: CitationParams = {
  nodes: 2400,
  classes: 6,
  dim: 500,
  avgDegree: 3.6,
  homophily: 0.68,
  topicWords: 50,
  wordsMin: 8,
  wordsMax: 24,
  topicProb: 0.15,
  trainPerClass: 20,
  valid: 500,
  test: 1000,
  seed: 1,
};

export function generateCitation(params: Partial<CitationParams> = {}): {
  graph: FullGraph;
  meta: DatasetMeta;
} {
  const p = { ...CITATION_DEFAULTS, ...params };
  const rng = new Rng(p.seed);
  const N = p.nodes;
  const C = p.classes;

  // Classes with uneven sizes, ids shuffled.
  const classWeights = Array.from({ length: C }, (_, c) => 1 + 0.6 * (1 - c / Math.max(1, C - 1)));
  const classSampler = new WeightedSampler(
    Array.from({ length: C }, (_, c) => c),
    classWeights,
  );
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) y[i] = classSampler.sample(rng);

  // Degree-corrected SBM: node activity from a Pareto law, edges mostly inside a class.
  const w = new Float64Array(N);
  for (let i = 0; i < N; i++) w[i] = pareto(rng, 2.5);
  const all = new WeightedSampler(identity(N), w);
  const byClass = Array.from({ length: C }, (_, c) => {
    const ids = [];
    for (let i = 0; i < N; i++) if (y[i] === c) ids.push(i);
    return new WeightedSampler(
      ids,
      ids.map((i) => w[i]),
    );
  });
  const M = Math.round((N * p.avgDegree) / 2);
  const src = new Uint32Array(M);
  const dst = new Uint32Array(M);
  for (let e = 0; e < M; e++) {
    const u = all.sample(rng);
    let v = u;
    while (v === u) {
      if (rng.chance(p.homophily)) v = byClass[y[u]].sample(rng);
      else {
        v = all.sample(rng);
      }
    }
    src[e] = u;
    dst[e] = v;
  }
  const adj = buildAdjacency(N, src, dst, { symmetrize: true });

  // Bag of words: class topics are disjoint blocks of the vocabulary; the rest is common words
  // with a Zipf-like frequency.
  const topicStart = (c: number) => c * p.topicWords;
  const common = Array.from({ length: p.dim }, (_, k) => k);
  const commonSampler = new WeightedSampler(
    common,
    common.map((k) => 1 / (1 + ((k * 7919) % p.dim))),
  );
  const rowPtr = new Uint32Array(N + 1);
  const cols: number[] = [];
  const words = new Set<number>();
  for (let i = 0; i < N; i++) {
    words.clear();
    const L = p.wordsMin + rng.int(p.wordsMax - p.wordsMin + 1);
    while (words.size < L) {
      if (rng.chance(p.topicProb)) words.add(topicStart(y[i]) + rng.int(p.topicWords));
      else words.add(commonSampler.sample(rng));
    }
    const sorted = [...words].sort((a, b) => a - b);
    cols.push(...sorted);
    rowPtr[i + 1] = cols.length;
  }
  const colIdx = Uint32Array.from(cols);
  const values = new Float32Array(colIdx.length).fill(1);

  // Planetoid-like split: 20 per class, then 500 validation and 1000 test among the rest.
  const split = new Uint8Array(N);
  const order = rng.permutation(N);
  const perClass = new Array(C).fill(0);
  for (const i of order) {
    if (perClass[y[i]] < p.trainPerClass) {
      perClass[y[i]]++;
      split[i] = SPLIT_TRAIN;
    }
  }
  let nv = 0;
  let nt = 0;
  for (const i of order) {
    if (split[i]) continue;
    if (nv < p.valid) {
      split[i] = SPLIT_VALID;
      nv++;
    } else if (nt < p.test) {
      split[i] = SPLIT_TEST;
      nt++;
    }
  }

  const graph: FullGraph = {
    numNodes: N,
    adj: adj.adj,
    features: { kind: 'sparse', dim: p.dim, csr: { rows: N, cols: p.dim, rowPtr, colIdx, values } },
    labels: { kind: 'multiclass', numClasses: C, y },
    split,
    globalIds: identity(N),
  };
  const meta: DatasetMeta = {
    name: 'citation',
    description:
      `Citation-like (synthetic): a degree-corrected stochastic block model with ${N} nodes and ${C} classes, ` +
      `${p.dim}-word binary bag-of-words features correlated with the class.`,
    source: `generator citation ${JSON.stringify(p)}`,
    metric: 'accuracy',
    symmetric: true,
    splitDescription: `Planetoid-like: ${p.trainPerClass} per class for training, ${p.valid} validation, ${p.test} test, the rest unused`,
    notes: [
      `${adj.adj.colIdx.length / 2} undirected edges; homophily parameter ${p.homophily}`,
      `class topic words: ${p.topicWords} per class, drawn with probability ${p.topicProb}`,
    ],
  };
  return { graph, meta };
}
