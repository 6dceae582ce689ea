// What the trainer, the sweep and the page need of any model, and the factory that builds one
// from a configuration. ResGNN / RevGNN / WT-RevGNN are a Network; DEQ-GNN is its own class.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import type { StepContext } from '../nn/context';
import type { Param, ParamStore } from '../nn/params';
import type { DataShape, ModelConfig } from './config';

/** Computes the loss of the logits into a 1×1 tensor and its gradient into dlogits. */
export type LossFn = (logits: Tensor, dlogits: Tensor) => Tensor;

/** A fixed-point solve's outcome (DEQ): iterations used and the final relative residual. */
export interface SolverStats {
  forwardIterations: number;
  forwardResidual: number;
  backwardIterations: number;
  backwardResidual: number;
  /** Both solves reached the tolerance within the iteration cap. */
  converged: boolean;
  /** Solves (of the two) that fell back to damped fixed-point iteration. */
  fallbacks: number;
  /** With the Jacobian penalty: the probe's estimate of ‖∂F/∂Z(Z*)‖²_F / (N·D). */
  jacobian?: number;
}

export interface StepResult {
  loss: Tensor;
  /** When asked: ‖x̂₀ − x₀‖² and ‖x₀‖² for the input rebuilt through every inverse. */
  reconstruction?: { errSq: Tensor; refSq: Tensor };
  solver?: SolverStats;
}

export interface Model {
  readonly config: ModelConfig;
  readonly store: ParamStore;
  readonly paramCount: number;
  /** The parameters of the layer that reads the input features (first-layer weight decay). */
  readonly firstLayer: readonly Param[];
  /**
   * One forward and backward pass; parameter gradients accumulate into the store's grads.
   * Returns GPU tensors the caller reads when it wants, and releases.
   */
  trainStep(
    ctx: StepContext,
    lossFn: LossFn,
    opts?: { measureReconstruction?: boolean },
  ): StepResult | Promise<StepResult>;
  /** Inference: logits for every node. */
  forward(ctx: StepContext): Tensor | Promise<Tensor>;
  /** Weights restored after this many training steps (a model whose behaviour counts them). */
  setStepsTaken?(steps: number): void;
  release(): void;
}

export type ModelBuilder = (
  rt: GpuRuntime,
  config: ModelConfig,
  data: DataShape,
  seed: number,
) => Model;

const builders = new Map<ModelConfig['model'], ModelBuilder>();

/** Model classes register themselves (models/index.ts imports them all). */
export function registerModel(kinds: readonly ModelConfig['model'][], build: ModelBuilder): void {
  for (const k of kinds) builders.set(k, build);
}

/** The model kinds this build can construct. */
export function availableModels(): ModelConfig['model'][] {
  return [...builders.keys()];
}

export function buildModel(
  rt: GpuRuntime,
  config: ModelConfig,
  data: DataShape,
  seed: number,
): Model {
  const build = builders.get(config.model);
  if (!build) throw new Error(`The model "${config.model}" is not available in this build.`);
  return build(rt, config, data, seed);
}
