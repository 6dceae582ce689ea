// GEN message passing (DeeperGCN): message relu(x_j + e_ij) + eps over in-edges, aggregated by
// max or by a per-channel softmax with temperature β, fused in the kernel (no E×D message
// tensor). Backward passes need the transposed CSR (with perm) so x's gradient is a gather, never
// a scatter-add. The power mean is in power-mean.ts; the shared dispatch in aggregate-launch.ts.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { accumulateParamGrad, backwardPasses } from './aggregate-backward';
import { type AggregationParam, checkForward, forwardPass } from './aggregate-launch';
import type { CsrGpu } from './csr-gpu';

export { aggregationState, type AggregationParam } from './aggregate-launch';

/** argmax of a row with no in-edges. */
export const NO_ARGMAX = 0xffffffff;

/**
 * out_i = max over in-edges k of relu(x_j + e_k) + eps, per channel; argmax = the entry k of the
 * max (the first on ties), NO_ARGMAX and out = 0 for a row without in-edges.
 */
export function genMaxForward(
  rt: GpuRuntime,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  out: Tensor,
  argmax: Tensor,
): void {
  checkForward('genMaxForward', a, x, edge, out, argmax, 'argmax', 'u32');
  forwardPass(rt, 'max_forward', a, x, edge, eps, 0, out, argmax);
}

/**
 * out_i = Σ_k softmax_k(beta·m_k) · m_k per channel, m_k = relu(x_j + e_k) + eps; lse keeps the
 * per-(row, channel) log-sum-exp of beta·m for the backward pass (0 for a row without in-edges,
 * whose out is 0). beta is a number, or a learned one on the GPU (see aggregationState).
 */
export function genSoftmaxForward(
  rt: GpuRuntime,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  beta: AggregationParam,
  out: Tensor,
  lse: Tensor,
): void {
  checkForward('genSoftmaxForward', a, x, edge, out, lse, 'lse', 'f32');
  forwardPass(rt, 'softmax_forward', a, x, edge, eps, beta, out, lse);
}

/**
 * Gradients of max aggregation, routed by the forward pass's argmax: dx (+)= Σ over j's out-edges
 * where j's entry is the argmax; dEdge (overwritten) is that per-entry gradient. Both carry
 * relu'(x_j + e_k).
 */
export function genMaxBackward(
  rt: GpuRuntime,
  aT: CsrGpu,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  argmax: Tensor,
  dout: Tensor,
  dx: Tensor,
  dEdge: Tensor | null,
  opts: { accumulate?: boolean } = {},
): void {
  const args = { fn: 'genMaxBackward', aT, a, x, edge, aux: argmax, auxName: 'argmax' };
  backwardPasses(rt, { ...args, out: null, dout, dx, dEdge }, 'max', eps, 0, !!opts.accumulate);
}

/**
 * Gradients of softmax aggregation from the forward pass's out and lse: the per-entry gradient is
 * dout_i · p_k · (1 + beta·(m_k − out_i)) · relu'(x_j + e_k), p_k = exp(beta·m_k − lse_i).
 * dx (+)= its sum over j's out-edges; dEdge (overwritten) is the per-entry value. beta's own
 * gradient is genSoftmaxBetaGrad.
 */
export function genSoftmaxBackward(
  rt: GpuRuntime,
  aT: CsrGpu,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  beta: AggregationParam,
  out: Tensor,
  lse: Tensor,
  dout: Tensor,
  dx: Tensor,
  dEdge: Tensor | null,
  opts: { accumulate?: boolean } = {},
): void {
  const args = { fn: 'genSoftmaxBackward', aT, a, x, edge, aux: lse, auxName: 'lse', out };
  backwardPasses(rt, { ...args, dout, dx, dEdge }, 'softmax', eps, beta, !!opts.accumulate);
}

/** dBeta (1×1) += Σ_i,c dout_ic · ∂out_ic/∂β = Σ dout · Σ_k p_k (m_k − out)². */
export function genSoftmaxBetaGrad(
  rt: GpuRuntime,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  beta: AggregationParam,
  out: Tensor,
  lse: Tensor,
  dout: Tensor,
  dBeta: Tensor,
): void {
  accumulateParamGrad(rt, 'softmax_beta_grad', a, x, edge, eps, beta, lse, out, dout, dBeta);
}
