// The message-passing operator inside a block (PyG's split: message + aggregate + update, here
// fused per operator). An operator maps an N×inDim input to an N×outDim output, and can keep what
// its backward needs or let the backward recompute it.
import type { Tensor } from '../gpu/tensor';
import type { FeaturesGpu, StepContext } from './context';
import type { Param } from './params';

export interface Operator {
  readonly kind: string;
  readonly inDim: number;
  readonly outDim: number;
  readonly params: readonly Param[];
  /**
   * out ← op(x). With keep, returns the tensors backward needs (owned by the caller, released
   * through releaseSaved); without keep returns null and allocates nothing that outlives the call.
   */
  forward(ctx: StepContext, x: Tensor, out: Tensor, keep: boolean): OpSaved | null;
  /** dx (+)= VJP of op at x; parameter gradients accumulate. Consumes (releases) saved. */
  backward(
    ctx: StepContext,
    x: Tensor,
    saved: OpSaved,
    dout: Tensor,
    dx: Tensor,
    accumulate: boolean,
  ): void;
}

/**
 * An operator that can read the graph's node features themselves, dense or sparse, as its
 * input: the first layer of a plain network, whose input is the raw (often sparse) features.
 * Its backward only accumulates parameter gradients: nothing lies below the features.
 */
export interface FeatureInputOperator extends Operator {
  forwardFeatures(ctx: StepContext, x: FeaturesGpu, out: Tensor, keep: boolean): OpSaved | null;
  backwardFeatures(ctx: StepContext, x: FeaturesGpu, saved: OpSaved, dout: Tensor): void;
}

export function readsFeatures(op: Operator): op is FeatureInputOperator {
  const o = op as Partial<FeatureInputOperator>;
  return typeof o.forwardFeatures === 'function' && typeof o.backwardFeatures === 'function';
}

/** Whatever an operator keeps between forward and backward. */
export interface OpSaved {
  tensors: Tensor[];
}

export function releaseSaved(ctx: StepContext, saved: OpSaved | null): void {
  if (saved) ctx.rt.release(...saved.tensors);
}
