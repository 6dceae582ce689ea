// Optimizer steps on the GPU: the clipping factor from the global gradient norm² (no readback)
// and Adam (torch.optim.Adam: L2 weight decay added to the gradient, bias-corrected moments).
import code from '../../shaders/optim.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { uniforms } from '../gpu/uniforms';
import { grid1d } from './grid';
import { bindKernel, expectShape, type OperandDecl } from './operands';

const WG = 64;
const EPT = 4;

const family = {
  name: 'optim',
  code,
  manifest: [
    { name: 'sumsq', dtype: 'f32' },
    { name: 'out', dtype: 'f32' },
    { name: 'param', dtype: 'f32' },
    { name: 'grad', dtype: 'f32' },
    { name: 'm', dtype: 'f32' },
    { name: 'v', dtype: 'f32' },
    { name: 'scale', dtype: 'f32' },
  ] satisfies OperandDecl[],
};

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count, for the bias corrections. */
  step: number;
}

/** scale = min(1, maxNorm/(sqrt(sumSq) + 1e-6)); maxNorm ≤ 0 or ∞ disables clipping (scale 1). */
export function clipScale(rt: GpuRuntime, sumSq: Tensor, maxNorm: number, scale: Tensor): void {
  expectShape('clipScale', 'sumSq', sumSq, 1, 1);
  expectShape('clipScale', 'scale', scale, 1, 1);
  if (Number.isNaN(maxNorm)) throw new Error('clipScale: maxNorm is NaN.');
  const on = maxNorm > 0 && Number.isFinite(maxNorm);
  const { kernel, buffers } = bindKernel(rt, family, 'clip_scale', { sumsq: sumSq, out: scale }, [
    'out',
  ]);
  const u = uniforms()
    .u32(sumSq.offset)
    .u32(scale.offset)
    .f32(on ? maxNorm : 0);
  rt.batcher.dispatch(kernel, u, buffers, [1]);
}

/**
 * One Adam step in place on param, m, v: g = grad·scale + weightDecay·param (torch.optim.Adam,
 * L2 not decoupled), moments updated, param −= lr·m̂/(sqrt(v̂) + eps) with bias corrections for
 * the 1-based `step`. scale is the 1×1 clipping factor from clipScale.
 */
export function adam(
  rt: GpuRuntime,
  param: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  scale: Tensor,
  opts: AdamOptions,
): void {
  const fn = 'adam';
  for (const [arg, t] of Object.entries({ grad, m, v })) {
    expectShape(fn, arg, t, param.rows, param.cols);
  }
  expectShape(fn, 'scale', scale, 1, 1);
  const { lr, beta1, beta2, eps, weightDecay, step } = opts;
  if (!Number.isInteger(step) || step < 1) {
    throw new Error(`adam: step must be a 1-based integer, found ${step}.`);
  }
  if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
    throw new Error(`adam: betas must be in [0, 1), found (${beta1}, ${beta2}).`);
  }
  const { kernel, buffers } = bindKernel(rt, family, 'adam', { param, grad, m, v, scale }, [
    'param',
    'm',
    'v',
  ]);
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  const u = uniforms()
    .u32(0)
    .u32(0)
    .f32(0)
    .u32(param.rows)
    .u32(param.cols)
    .view2d(param)
    .view2d(grad)
    .view2d(m)
    .view2d(v)
    .u32(scale.offset)
    .f32(beta1)
    .f32(beta2)
    .f32(lr / bc1)
    .f32(1 / Math.sqrt(bc2))
    .f32(eps)
    .f32(weightDecay);
  rt.batcher.dispatch(kernel, u, buffers, grid1d(param.rows * Math.ceil(param.cols / EPT), WG));
}
