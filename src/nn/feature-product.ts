// Products with the graph's node features, dense or a sparse bag-of-words CSR: X·W for a layer
// that reads the features themselves (an encoder, the first layer of a plain network) and Xᵀ·dY
// for its weight gradient, through the transposed feature CSR when sparse. A sparse input is
// never densified: CiteSeer's 3 703 words would be a 49 MB tensor and a slow GEMM.
import type { Tensor } from '../gpu/tensor';
import type { GpuRuntime } from '../gpu/runtime';
import { biasAdd } from '../kernels/elementwise';
import { matmul, matmulTransA } from '../kernels/gemm';
import { spmm } from '../kernels/spmm';
import type { FeaturesGpu } from './context';

/** out (+)= X·w (+ bias). */
export function featuresTimes(
  rt: GpuRuntime,
  f: FeaturesGpu,
  w: Tensor,
  out: Tensor,
  opts: { bias?: Tensor; accumulate?: boolean } = {},
): void {
  if (f.kind === 'dense') {
    matmul(rt, f.x, w, out, opts);
    return;
  }
  spmm(rt, f.a, w, out, { accumulate: opts.accumulate });
  if (opts.bias) biasAdd(rt, out, opts.bias);
}

/** out (+)= Xᵀ·dy: the gradient of w in featuresTimes. */
export function featuresTransposeTimes(
  rt: GpuRuntime,
  f: FeaturesGpu,
  dy: Tensor,
  out: Tensor,
  opts: { accumulate?: boolean } = {},
): void {
  if (f.kind === 'dense') matmulTransA(rt, f.x, dy, out, opts);
  else spmm(rt, f.aT, dy, out, opts);
}
