// LayerNorm over the columns of each row, affine, on strided views. The backward keeps nothing
// from the forward: it recomputes each row's statistics from x (recompute-friendly), and sums
// dgamma/dbeta over rows in a deterministic two-pass split reduction (no float atomics). Two
// variants of the row passes (./variants.ts, family `norm`): an invocation per row, or a subgroup
// per row where the adapter has subgroups.
import code from '../../shaders/norm.wgsl?raw';
import subgroupCode from '../../shaders/norm-subgroup.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { uniforms, type UniformWriter } from '../gpu/uniforms';
import { grid1d } from './grid';
import { bindKernel, expectShape, type OperandDecl } from './operands';
import { variantOf } from './variants';
import { joinWgsl, wgslModule } from './wgsl-module';

const WG = 64;
const DEFAULT_EPS = 1e-5;
/** Bounds on the rows one split of the dgamma/dbeta reduction walks. */
const MIN_CHUNK = 16;
const MAX_CHUNK = 1024;

const manifest: OperandDecl[] = [
  { name: 'x', dtype: 'f32' },
  { name: 'gamma', dtype: 'f32' },
  { name: 'beta', dtype: 'f32' },
  { name: 'dy', dtype: 'f32' },
  { name: 'out', dtype: 'f32' },
  { name: 'stats', dtype: 'f32' },
  { name: 'part', dtype: 'f32' },
  { name: 'dgamma', dtype: 'f32' },
  { name: 'dbeta', dtype: 'f32' },
];

const FAMILIES = {
  row: { name: 'norm', code: wgslModule(code, ['header', 'rows', 'columns']), manifest },
  subgroup: {
    name: 'norm.subgroup',
    code: joinWgsl(wgslModule(code, ['header']), subgroupCode, wgslModule(code, ['columns'])),
    manifest,
  },
};

/** The module of the chosen variant, and the grid of its row passes over `rows` rows. */
function rowPasses(rt: GpuRuntime, rows: number) {
  const variant = variantOf(rt, 'norm');
  if (variant === 'row') return { family: FAMILIES.row, grid: grid1d(rows, WG) };
  // Rows per workgroup: one per subgroup, counting on the largest subgroup the adapter may use
  // (smaller ones leave some subgroups idle; each walks its rows by stride, so all are covered).
  const widest = rt.adapterInfo.subgroupMaxSize || WG;
  return { family: FAMILIES.subgroup, grid: grid1d(rows, Math.max(1, Math.floor(WG / widest))) };
}

interface NormParams {
  x: Tensor;
  gamma: Tensor;
  beta?: Tensor;
  dy?: Tensor;
  out: Tensor;
  eps: number;
  accumulate?: boolean;
  chunk?: number;
  splits?: number;
  dgamma?: Tensor;
  dbeta?: Tensor;
}

function params(q: NormParams): UniformWriter {
  return uniforms()
    .u32(q.x.rows)
    .u32(q.x.cols)
    .view2d(q.x)
    .u32(q.gamma.offset)
    .u32(q.beta?.offset ?? 0)
    .u32(q.dy?.offset ?? 0)
    .u32(q.dy?.rowStride ?? 0)
    .view2d(q.out)
    .f32(q.eps)
    .u32(q.accumulate ? 1 : 0)
    .u32(q.chunk ?? 0)
    .u32(q.splits ?? 0)
    .u32(q.dgamma?.offset ?? 0)
    .u32(q.dbeta?.offset ?? 0);
}

function checkEps(fn: string, eps: number): void {
  if (!(eps > 0) || !Number.isFinite(eps)) {
    throw new Error(`${fn}: eps must be a positive finite number, found ${eps}.`);
  }
}

function checkWidth(fn: string, x: Tensor): void {
  if (x.cols < 1) throw new Error(`${fn}: x (${x.owner}) has no columns to normalise.`);
}

/** out = (x − mean)·rstd·gamma + beta per row, rstd = 1/sqrt(var + eps) (biased variance). */
export function layerNorm(
  rt: GpuRuntime,
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  out: Tensor,
  opts: { eps?: number } = {},
): void {
  const eps = opts.eps ?? DEFAULT_EPS;
  checkEps('layerNorm', eps);
  checkWidth('layerNorm', x);
  expectShape('layerNorm', 'gamma', gamma, 1, x.cols);
  expectShape('layerNorm', 'beta', beta, 1, x.cols);
  expectShape('layerNorm', 'out', out, x.rows, x.cols);
  const { family, grid } = rowPasses(rt, x.rows);
  const { kernel, buffers } = bindKernel(rt, family, 'forward', { x, gamma, beta, out }, ['out']);
  rt.batcher.dispatch(kernel, params({ x, gamma, beta, out, eps }), buffers, grid);
}

/**
 * dx (+)= ∂L/∂x of layerNorm at x for the output gradient dy; dgamma += Σ_rows dy·x̂ and
 * dbeta += Σ_rows dy always accumulate. dx may share a buffer (even the very view) with dy or x.
 */
export function layerNormBackward(
  rt: GpuRuntime,
  x: Tensor,
  gamma: Tensor,
  dy: Tensor,
  dx: Tensor,
  dgamma: Tensor,
  dbeta: Tensor,
  opts: { eps?: number; accumulate?: boolean } = {},
): void {
  const fn = 'layerNormBackward';
  const eps = opts.eps ?? DEFAULT_EPS;
  checkEps(fn, eps);
  checkWidth(fn, x);
  expectShape(fn, 'gamma', gamma, 1, x.cols);
  expectShape(fn, 'dy', dy, x.rows, x.cols);
  expectShape(fn, 'dx', dx, x.rows, x.cols);
  expectShape(fn, 'dgamma', dgamma, 1, x.cols);
  expectShape(fn, 'dbeta', dbeta, 1, x.cols);
  if (x.rows === 0) return;
  const chunk = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.ceil(Math.sqrt(x.rows))));
  const splits = Math.ceil(x.rows / chunk);
  const stats = rt.tensor(x.rows, 4, 'workspace', { label: 'layerNorm.stats' });
  const part = rt.tensor(splits, 2 * x.cols, 'workspace', { label: 'layerNorm.partials' });
  const u = params({
    x,
    gamma,
    dy,
    out: dx,
    eps,
    accumulate: opts.accumulate,
    chunk,
    splits,
    dgamma,
    dbeta,
  });

  const { family, grid } = rowPasses(rt, x.rows);
  const rows = bindKernel(rt, family, 'backward_rows', { x, gamma, dy, stats }, ['stats']);
  rt.batcher.dispatch(rows.kernel, u, rows.buffers, grid);
  const cols = bindKernel(rt, family, 'backward_cols', { x, gamma, dy, out: dx, stats, part }, [
    'out',
    'part',
  ]);
  rt.batcher.dispatch(cols.kernel, u, cols.buffers, grid1d(splits * x.cols, WG));
  const fin = bindKernel(rt, family, 'backward_finish', { part, dgamma, dbeta }, [
    'dgamma',
    'dbeta',
  ]);
  rt.batcher.dispatch(fin.kernel, u, fin.buffers, grid1d(x.cols, WG));
  // Later work on these buffers is recorded after the passes above, so releasing now is safe.
  rt.release(stats, part);
}
