// GEN's power-mean aggregation (DeeperGCN 'power'): out_i = clamp(mean_k clamp(m_k)^p)^(1/p) per
// channel over in-edges, m_k = relu(x_j + e_k) + eps, both clamps to [1e-7, 10] as in the official
// code (gradients stop where a clamp binds); a row without in-edges outputs 0. p is a number or a
// learned parameter on the GPU (aggregationState).
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { accumulateParamGrad, backwardPasses } from './aggregate-backward';
import { type AggregationParam, checkForward, forwardPass } from './aggregate-launch';
import type { CsrGpu } from './csr-gpu';

/** The official code's clamps on the messages and on their mean. */
export const POWER_CLAMP = [1e-7, 10] as const;

/** Forward; coef (rows × d) keeps dout/dm_k = coef_i · m_k^(p−1) for the backward passes. */
export function genPowerForward(
  rt: GpuRuntime,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  p: AggregationParam,
  out: Tensor,
  coef: Tensor,
): void {
  checkForward('genPowerForward', a, x, edge, out, coef, 'coef', 'f32');
  forwardPass(rt, 'power_forward', a, x, edge, eps, p, out, coef);
}

/** dx (+)= and dEdge (overwritten) from the forward's coefficients; p's gradient: genPowerPGrad. */
export function genPowerBackward(
  rt: GpuRuntime,
  aT: CsrGpu,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  p: AggregationParam,
  coef: Tensor,
  dout: Tensor,
  dx: Tensor,
  dEdge: Tensor | null,
  opts: { accumulate?: boolean } = {},
): void {
  const args = { fn: 'genPowerBackward', aT, a, x, edge, aux: coef, auxName: 'coef', out: null };
  backwardPasses(rt, { ...args, dout, dx, dEdge }, 'power', eps, p, !!opts.accumulate);
}

/** dP (1×1) += Σ_i,c dout_ic · ∂out_ic/∂p. */
export function genPowerPGrad(
  rt: GpuRuntime,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  p: AggregationParam,
  coef: Tensor,
  dout: Tensor,
  dP: Tensor,
): void {
  accumulateParamGrad(rt, 'power_p_grad', a, x, edge, eps, p, coef, null, dout, dP);
}
