// What every layer sees during one forward/backward: the runtime, the subgraph on the GPU,
// whether it is training, and the step's shared-dropout seed.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import type { CsrGpu } from '../kernels/csr-gpu';

export type AdjacencyKind = 'gcn' | 'mean' | 'raw';

export interface Adjacency {
  /** Row i aggregates over its in-neighbours (weights per kind). */
  a: CsrGpu;
  /** The transpose, for backward passes (perm maps back to a's entries). */
  aT: CsrGpu;
}

export type FeaturesGpu = { kind: 'dense'; x: Tensor } | { kind: 'sparse'; a: CsrGpu; aT: CsrGpu };

export interface GraphGpu {
  readonly numNodes: number;
  readonly numEdges: number;
  adjacency(kind: AdjacencyKind): Adjacency;
  readonly features: FeaturesGpu;
  /** Raw per-edge features aligned with the 'raw' adjacency's entries (nnz × dim), if any. */
  readonly edgeFeatures: Tensor | null;
  release(): void;
}

export interface StepContext {
  readonly rt: GpuRuntime;
  readonly graph: GraphGpu;
  /** Dropout rate of the shared mask (0 when evaluating). */
  readonly dropout: number;
  /** Seed of this step's shared dropout mask. */
  readonly seed: number;
  /** Encoded edge features (nnz × D) for GEN, computed once per step. */
  edgeEmbedding: Tensor | null;
  /** Gradient of edgeEmbedding, accumulated over every layer. */
  edgeEmbeddingGrad: Tensor | null;
  /**
   * false: backward passes need only input gradients (DEQ's adjoint solve takes one product per
   * iteration and wants no parameter gradients from them); operators may skip their parameter
   * gradients. Absent or true: parameter gradients accumulate as usual.
   */
  paramGrads?: boolean;
}

export function stepContext(
  rt: GpuRuntime,
  graph: GraphGpu,
  opts: { dropout: number; seed: number },
): StepContext {
  return {
    rt,
    graph,
    dropout: opts.dropout,
    seed: opts.seed,
    edgeEmbedding: null,
    edgeEmbeddingGrad: null,
  };
}
