// Adam over a parameter store, with clipping by the global gradient norm computed on the GPU:
// the clip factor lives in a 1×1 tensor the Adam kernel reads, so nothing is read back per step.
// The store keeps all parameters in one flat buffer, so a step is three dispatches at any depth.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { adam, clipScale } from '../kernels/optim';
import { globalSumSquares } from '../kernels/reduce';
import type { ParamStore } from '../nn/params';

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Max global gradient norm; Infinity or ≤ 0 turns clipping off. */
  clip: number;
}

export const DEFAULT_ADAM: AdamOptions = {
  lr: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  clip: 1,
};

export class Adam {
  step = 0;
  /** ‖g‖² of the last step, on the GPU (read it when you want to show it). */
  readonly gradSumSq: Tensor;
  private readonly scale: Tensor;

  constructor(
    private readonly rt: GpuRuntime,
    private readonly store: ParamStore,
    public opts: AdamOptions,
  ) {
    this.gradSumSq = rt.tensor(1, 1, 'optimizer', { label: 'adam.gradSumSq', persistent: true });
    this.scale = rt.tensor(1, 1, 'optimizer', { label: 'adam.clipScale', persistent: true });
    store.ensureMoments();
  }

  apply(): void {
    const { rt, opts } = this;
    const f = this.store.flat;
    this.step++;
    rt.allocator.setPhase('optimizer');
    globalSumSquares(rt, [f.grad], this.gradSumSq);
    clipScale(rt, this.gradSumSq, opts.clip > 0 ? opts.clip : Infinity, this.scale);
    adam(rt, f.value, f.grad, f.m!, f.v!, this.scale, {
      lr: opts.lr,
      beta1: opts.beta1,
      beta2: opts.beta2,
      eps: opts.eps,
      weightDecay: opts.weightDecay,
      step: this.step,
    });
    rt.allocator.setPhase('');
  }

  release(): void {
    this.rt.release(this.gradSumSq, this.scale);
  }
}
