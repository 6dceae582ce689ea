// The random model behind `revgnn generate`: a degree-corrected stochastic block model whose
// every part can be produced on its own, in any order, from the seed — a node's features, its
// labels and the edges it owns each come from their own seeded stream — so writers stream the
// graph with memory of order N, never the edge list.
//
// Multi-class (arxiv-, products-like): the blocks are the classes; features are a class centroid
// plus noise (as the citation built-in's class topics); most edges stay inside a class.
// Multi-label (proteins-like): species are the blocks (and the split, as ogbn-proteins), hidden
// functional modules drive both the tasks and the edges (partners sharing a module), and the
// edge features reveal shared modules; node inputs are derived from the edges (as the proteins
// built-in).
//
// Edges are unique by construction: every unordered pair {u, v} has one owner (owns(u, v)), and a
// node draws only distinct partners that it owns, so the graph has exactly the requested count.
import { Rng, mixSeed } from '../rng';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID } from '../types';
import { WeightedSampler, pareto } from './common';
import type { ScaledSizes } from './paper-like';

/** Exactly one of u, v owns the pair (u ≠ v): a tournament that is balanced to within one. */
export function owns(u: number, v: number): boolean {
  return (u + v) & 1 ? u < v : u > v;
}

/** How many partners u owns among N nodes. */
export function ownedCapacity(u: number, N: number): number {
  return Math.floor((N - u) / 2) + Math.floor(u / 2);
}

// Stream ids for mixSeed: each kind of draw has its own sequence. Every stream starts with
// GENERATOR so that none equals a training partition's mixSeed(seed, epoch): with the same seed,
// epoch 1's random parts were the generator's blocks (species), 5× the edges of a random part.
const GENERATOR = 0x67656e31;
const S_NODES = 1;
const S_EDGES = 2;
const S_FEATURES = 3;
const S_LABELS = 4;
const S_CENTROIDS = 5;

const PROTEIN_MODULES = 6;
const MODULE_PROB = 0.3;
const MODULE_AFFINITY = 0.7;
/** A node's quota never exceeds this share of the partners it owns (keeps rejection cheap). */
const QUOTA_CAP = 0.75;

export interface ModelParams {
  /** Probability that a multi-class edge stays inside its class. */
  homophily: number;
  /** Scale of the class centroids against unit noise (multi-class features). */
  signal: number;
}

export const MODEL_DEFAULTS: Record<ScaledSizes['like'], ModelParams> = {
  'ogbn-arxiv': { homophily: 0.65, signal: 0.25 },
  'ogbn-products': { homophily: 0.8, signal: 0.3 },
  'ogbn-proteins': { homophily: 0, signal: 0 },
};

function uint32Lists(groupOf: ArrayLike<number>, groups: number): Uint32Array[] {
  const counts = new Uint32Array(groups);
  for (let i = 0; i < groupOf.length; i++) counts[groupOf[i]]++;
  const lists = Array.from(counts, (c) => new Uint32Array(c));
  const fill = new Uint32Array(groups);
  for (let i = 0; i < groupOf.length; i++) lists[groupOf[i]][fill[groupOf[i]]++] = i;
  return lists;
}

function weighted(ids: Uint32Array, w: Float64Array): WeightedSampler {
  const ws = new Float64Array(ids.length);
  for (let k = 0; k < ids.length; k++) ws[k] = w[ids[k]];
  return new WeightedSampler(ids, ws);
}

/** Integer sizes proportional to weights that sum to exactly `total`. */
function apportion(total: number, weights: number[]): number[] {
  const W = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  let prev = 0;
  return weights.map((w) => {
    acc += w;
    const next = Math.round((total * acc) / W);
    const size = next - prev;
    prev = next;
    return size;
  });
}

export class PaperModel {
  readonly N: number;
  /** Input edges (each unordered pair once). */
  readonly M: number;
  /** Class (multi-class) or species (multi-label) of each node. */
  readonly block: Uint32Array;
  readonly split: Uint8Array;
  /** Multi-label: hidden modules, N × PROTEIN_MODULES. */
  readonly modules?: Uint8Array;
  /** Edges each node owns and draws. */
  readonly quota: Uint32Array;
  readonly maxQuota: number;
  readonly edgeDim: number;
  readonly featureDim: number;
  readonly params: ModelParams;
  private readonly centroids?: Float32Array;
  private readonly all: WeightedSampler;
  private readonly byBlock: WeightedSampler[];
  private readonly byBlockModule: WeightedSampler[][] = [];
  private readonly mark: Uint32Array;
  private markGen = 0;

  constructor(
    readonly sizes: ScaledSizes,
    readonly seed: number,
  ) {
    const N = (this.N = sizes.nodes);
    this.M = sizes.edges;
    this.params = MODEL_DEFAULTS[sizes.like];
    this.edgeDim = sizes.edgeDim;
    // Proteins have no node features of their own: inputs are the mean of incident edge features.
    this.featureDim = sizes.featureDim || sizes.edgeDim;
    const rng = new Rng(mixSeed(seed, GENERATOR, S_NODES));
    const order = rng.permutation(N);
    this.block = new Uint32Array(N);
    this.split = new Uint8Array(N);
    const { train, valid, test } = sizes;
    let blocks: number;
    if (sizes.task === 'multiclass') {
      // Classes of uneven size (each at least once: contiguous runs of a random order).
      const C = (blocks = sizes.labelWidth);
      const classSizes = apportion(
        N,
        Array.from({ length: C }, (_, c) => 1 + 0.6 * (1 - c / Math.max(1, C - 1))),
      );
      let k = 0;
      classSizes.forEach((n, c) => {
        for (let j = 0; j < n; j++) this.block[order[k++]] = c;
      });
      // The split, independent of the classes: train, valid, test along a second random order.
      const order2 = rng.permutation(N);
      for (let j = 0; j < N; j++)
        this.split[order2[j]] =
          j < train ? SPLIT_TRAIN : j < train + valid ? SPLIT_VALID : SPLIT_TEST;
      const crng = new Rng(mixSeed(seed, GENERATOR, S_CENTROIDS));
      const D = sizes.featureDim;
      this.centroids = new Float32Array(C * D);
      for (let i = 0; i < C * D; i++) this.centroids[i] = this.params.signal * crng.normal();
    } else {
      // Species: five for training, one for validation, two for test (as ogbn-proteins: held-out
      // species), of uneven sizes that add up to the split's counts.
      const sizesOf = [
        ...apportion(train, [1.4, 1.2, 1, 0.8, 0.6]),
        valid,
        ...apportion(test, [0.6, 0.4]),
      ];
      blocks = sizesOf.length;
      let k = 0;
      sizesOf.forEach((n, s) => {
        const code = s < 5 ? SPLIT_TRAIN : s === 5 ? SPLIT_VALID : SPLIT_TEST;
        for (let j = 0; j < n; j++) {
          this.block[order[k]] = s;
          this.split[order[k++]] = code;
        }
      });
      const F = PROTEIN_MODULES;
      this.modules = new Uint8Array(N * F);
      for (let i = 0; i < N * F; i++) this.modules[i] = rng.chance(MODULE_PROB) ? 1 : 0;
    }

    // Degree correction: heavy-tailed activity; a node's quota follows it, capped by what it owns.
    const w = new Float64Array(N);
    for (let i = 0; i < N; i++) w[i] = pareto(rng, 2.5);
    this.quota = this.quotas(w);
    this.maxQuota = this.quota.reduce((a, b) => Math.max(a, b), 0);

    const ids = new Uint32Array(N);
    for (let i = 0; i < N; i++) ids[i] = i;
    this.all = weighted(ids, w);
    const lists = uint32Lists(this.block, blocks);
    this.byBlock = lists.map((l) => weighted(l, w));
    if (this.modules) {
      const F = PROTEIN_MODULES;
      for (const l of lists) {
        this.byBlockModule.push(
          Array.from({ length: F }, (_, m) =>
            weighted(
              l.filter((i) => this.modules![i * F + m] === 1),
              w,
            ),
          ),
        );
      }
    }
    this.mark = new Uint32Array(N);
  }

  /** Quotas ∝ min(cap, λ·w) with λ found by bisection, rounded so that they sum to exactly M. */
  private quotas(w: Float64Array): Uint32Array {
    const { N, M } = this;
    const cap = new Float64Array(N);
    for (let u = 0; u < N; u++) cap[u] = Math.floor(QUOTA_CAP * ownedCapacity(u, N));
    const total = (lambda: number) => {
      let s = 0;
      for (let u = 0; u < N; u++) s += Math.min(cap[u], lambda * w[u]);
      return s;
    };
    if (total(Infinity) < M) throw new Error(`PaperModel: ${M} edges do not fit among ${N} nodes`);
    let lo = 0;
    let hi = 1;
    while (total(hi) < M) hi *= 2;
    for (let it = 0; it < 60; it++) {
      const mid = (lo + hi) / 2;
      if (total(mid) < M) lo = mid;
      else hi = mid;
    }
    const t = new Float64Array(N);
    let sum = 0;
    for (let u = 0; u < N; u++) sum += t[u] = Math.min(cap[u], hi * w[u]);
    const q = new Uint32Array(N);
    let acc = 0;
    let prev = 0;
    for (let u = 0; u < N; u++) {
      acc += t[u];
      const next = u === N - 1 ? M : Math.min(M, Math.round((acc * M) / sum));
      q[u] = Math.min(next - prev, ownedCapacity(u, N));
      prev += q[u];
    }
    if (prev !== M) throw new Error(`PaperModel: quotas sum to ${prev}, not ${M}`);
    return q;
  }

  /** A partner drawn from u's structure (its class, species or a shared module). */
  private structured(rng: Rng, u: number): number {
    const b = this.block[u];
    if (!this.modules) {
      return rng.chance(this.params.homophily) ? this.byBlock[b].sample(rng) : this.all.sample(rng);
    }
    const F = PROTEIN_MODULES;
    if (rng.chance(MODULE_AFFINITY)) {
      const m = rng.int(F);
      const s = this.byBlockModule[b][m];
      if (this.modules[u * F + m] && s.size > 1) return s.sample(rng);
    }
    return this.byBlock[b].sample(rng);
  }

  /**
   * The edges u owns: partners into `partners`, edge features (edgeDim each) into `features`.
   * Returns their count, quota[u]. Not reentrant (shares a marker array).
   */
  nodeEdges(u: number, partners: Uint32Array, features: Float32Array | null): number {
    const rng = new Rng(mixSeed(this.seed, GENERATOR, S_EDGES, u));
    const d = this.quota[u];
    const gen = ++this.markGen;
    let count = 0;
    // Draw from the structure; when it is exhausted (many failures in a row) from everyone; last,
    // a scan, which always completes because the quota is at most what u owns.
    let mode = 0;
    let fails = 0;
    let scan = -1;
    while (count < d) {
      let v: number;
      if (mode === 0) v = this.structured(rng, u);
      else if (mode === 1) v = this.all.sample(rng);
      else {
        if (scan < 0) scan = rng.int(this.N);
        v = scan;
        scan = (scan + 1) % this.N;
      }
      if (v === u || !owns(u, v) || this.mark[v] === gen) {
        if (mode < 2 && ++fails > 64) {
          mode++;
          fails = 0;
        }
        continue;
      }
      fails = 0;
      this.mark[v] = gen;
      partners[count] = v;
      if (features) this.edgeFeatures(rng, u, v, features, count * this.edgeDim);
      count++;
    }
    return count;
  }

  /** Association scores in [0, 1] (as the proteins built-in): module channels light up when shared. */
  private edgeFeatures(rng: Rng, u: number, v: number, out: Float32Array, at: number): void {
    const F = PROTEIN_MODULES;
    const mods = this.modules;
    for (let c = 0; c < this.edgeDim; c++) {
      let x = 0.05 * rng.float();
      if (mods && c < F && mods[u * F + c] && mods[v * F + c] && rng.chance(0.45))
        x += 0.3 + 0.6 * rng.float();
      else if (rng.chance(0.2)) x += 0.6 * rng.float();
      out[at + c] = Math.round(Math.min(x, 1) * 1000) / 1000;
    }
  }

  /** Multi-class: node i's own features (featureDim values, rounded to 1e-4 so text keeps them exact). */
  nodeFeatures(i: number, out: Float32Array, at: number): void {
    const rng = new Rng(mixSeed(this.seed, GENERATOR, S_FEATURES, i));
    const D = this.sizes.featureDim;
    const c = this.block[i];
    for (let d = 0; d < D; d++) {
      const x = this.centroids![c * D + d] + rng.normal();
      // `|| 0`: no negative zero, which text would turn into +0.
      out[at + d] = Math.round(x * 1e4) / 1e4 || 0;
    }
  }

  /** Multi-class: node i's class. */
  classOf(i: number): number {
    return this.block[i];
  }

  /** Multi-label: node i's tasks (0/1 each) into out[at..at+T), each a noisy AND/OR of modules. */
  nodeTasks(i: number, out: Uint8Array, at: number): void {
    const rng = new Rng(mixSeed(this.seed, GENERATOR, S_LABELS, i));
    const F = PROTEIN_MODULES;
    const mods = this.modules!;
    const T = this.sizes.labelWidth;
    for (let t = 0; t < T; t++) {
      const ma = mods[i * F + (t % F)];
      const mb = mods[i * F + ((t * 5 + 1) % F)];
      const kind = t % 3;
      let v = kind === 0 ? ma : kind === 1 ? ma & mb : ma | mb;
      if (rng.chance(0.04 + 0.04 * ((t * 7) % 3))) v ^= 1;
      out[at + t] = v;
    }
  }
}
