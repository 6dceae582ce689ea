// Adam over a parameter store, with clipping by the global gradient norm computed on the GPU:
// the clip factor lives in a 1×1 tensor the Adam kernel reads, so nothing is read back per step.
// The store keeps all parameters in one flat buffer, so a step is three dispatches at any depth
// (one more Adam dispatch per stretch of the buffer when weight decay applies to some parameters
// only, e.g. Kipf's GCN decays its first layer alone).
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { adam, clipScale } from '../kernels/optim';
import { globalSumSquares } from '../kernels/reduce';
import type { Param, ParamStore } from '../nn/params';

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

/** Stretches [start, end) of the flat buffers and whether weight decay applies there. */
export interface DecaySpan {
  start: number;
  end: number;
  decay: boolean;
}

/**
 * The flat buffer cut into stretches where decay is on (the given parameters, padding included)
 * and off; `decayed` null means decay everywhere.
 */
export function decaySpans(size: number, decayed: readonly Param[] | null): DecaySpan[] {
  if (!decayed) return [{ start: 0, end: size, decay: true }];
  const on = decayed
    .map((p) => [p.offset, Math.min(size, p.offset + Math.ceil(p.numel / 4) * 4)] as const)
    .sort((a, b) => a[0] - b[0]);
  const out: DecaySpan[] = [];
  let at = 0;
  for (const [start, end] of on) {
    if (start > at) out.push({ start: at, end: start, decay: false });
    const last = out.at(-1);
    if (last?.decay && last.end >= start) last.end = Math.max(last.end, end);
    else out.push({ start: Math.max(start, at), end, decay: true });
    at = Math.max(at, end);
  }
  if (at < size) out.push({ start: at, end: size, decay: false });
  return out.filter((s) => s.end > s.start);
}

export class Adam {
  step = 0;
  /** ‖g‖² of the last step, on the GPU (read it when you want to show it). */
  readonly gradSumSq: Tensor;
  private readonly scale: Tensor;
  private readonly spans: DecaySpan[];

  /** `decayed`: the parameters weight decay applies to (all when null). */
  constructor(
    private readonly rt: GpuRuntime,
    private readonly store: ParamStore,
    public opts: AdamOptions,
    decayed: readonly Param[] | null = null,
  ) {
    this.gradSumSq = rt.tensor(1, 1, 'optimizer', { label: 'adam.gradSumSq', persistent: true });
    this.scale = rt.tensor(1, 1, 'optimizer', { label: 'adam.clipScale', persistent: true });
    store.ensureMoments();
    this.spans = decaySpans(store.flat.value.cols, opts.weightDecay > 0 ? decayed : null);
  }

  apply(): void {
    const { rt, opts } = this;
    const f = this.store.flat;
    this.step++;
    rt.allocator.setPhase('optimizer');
    globalSumSquares(rt, [f.grad], this.gradSumSq);
    clipScale(rt, this.gradSumSq, opts.clip > 0 ? opts.clip : Infinity, this.scale);
    for (const { start, end, decay } of this.spans) {
      const cut = (t: Tensor) => (start === 0 && end === t.cols ? t : t.colSlice(start, end));
      adam(rt, cut(f.value), cut(f.grad), cut(f.m!), cut(f.v!), this.scale, {
        lr: opts.lr,
        beta1: opts.beta1,
        beta2: opts.beta2,
        eps: opts.eps,
        weightDecay: decay ? opts.weightDecay : 0,
        step: this.step,
      });
    }
    rt.allocator.setPhase('');
  }

  release(): void {
    this.rt.release(this.gradSumSq, this.scale);
  }
}
