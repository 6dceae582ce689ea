// Dense GEMM on strided views: forward x·w (+bias), the two backward products and the bias
// gradient. Each call dispatches the variant the runtime chose for its family (./variants.ts):
// `gemm` (x·w, dy·wᵀ) and `gemm-dw` (xᵀ·dy). The register-tiled variant picks its vec4 entry point
// when every view is 16-byte aligned in offset, stride and width, and the scalar one (correct at
// any edge) otherwise; the workgroup-tiled variant takes any view. Products whose reduction runs
// over the nodes (xᵀ·dy, Σ_rows dy) are split-K in two deterministic passes (./gemm-dispatch.ts).
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import {
  ACCUMULATE,
  BIAS,
  dispatchGemm,
  parallelism,
  splitK,
  tiling,
  type Entry,
  type Operand,
} from './gemm-dispatch';
import { variantOf } from './variants';

export { chooseSplits } from './gemm-dispatch';

export interface MatmulOptions {
  bias?: Tensor;
  accumulate?: boolean;
}

export interface AccumulateOptions {
  accumulate?: boolean;
}

/** out (+)= x·w (+ bias). x N×K, w K×M, out N×M, bias 1×M. */
export function matmul(
  rt: GpuRuntime,
  x: Tensor,
  w: Tensor,
  out: Tensor,
  opts: MatmulOptions = {},
): void {
  const name = 'matmul';
  const [n, k] = x.shape;
  expectShape(name, 'w', w, k, null, `rows = x.cols (${k})`);
  const m = w.cols;
  expectShape(name, 'out', out, n, m, 'x.rows × w.cols');
  if (opts.bias) expectShape(name, 'bias', opts.bias, 1, m, `1 × w.cols`);
  checkOperands(name, { x, w, ...(opts.bias ? { bias: opts.bias } : {}) }, { out });
  if (n === 0 || m === 0) return;
  const flags = (opts.accumulate ? ACCUMULATE : 0) | (opts.bias ? BIAS : 0);
  const vec = allVec4(x, w, out, ...(opts.bias ? [opts.bias] : []));
  const entry = productEntry(rt, 'gemm', vec ? 'gemm_nn4' : 'gemm_tile');
  dispatchGemm(rt, {
    entry,
    rows: n,
    cols: m,
    inner: k,
    a: { t: x, off: x.offset, s0: x.rowStride, s1: 1 },
    b: { t: w, off: w.offset, s0: w.rowStride, s1: 1 },
    c: { t: out.buffer, off: out.offset, rs: out.rowStride, zs: 0 },
    bias: opts.bias,
    flags,
    chunk: k,
    splits: 1,
    ...tiling(entry, n, m),
  });
}

/** dx (+)= dy·wᵀ. dy N×M, w K×M, dx N×K. */
export function matmulTransB(
  rt: GpuRuntime,
  dy: Tensor,
  w: Tensor,
  dx: Tensor,
  opts: AccumulateOptions = {},
): void {
  const name = 'matmulTransB';
  const [n, m] = dy.shape;
  expectShape(name, 'w', w, null, m, `cols = dy.cols (${m})`);
  const k = w.rows;
  expectShape(name, 'dx', dx, n, k, 'dy.rows × w.rows');
  checkOperands(name, { dy, w }, { dx });
  if (n === 0 || k === 0) return;
  const entry = productEntry(rt, 'gemm', allVec4(dy, w, dx) ? 'gemm_nt4' : 'gemm_tile');
  dispatchGemm(rt, {
    entry,
    rows: n,
    cols: k,
    inner: m,
    a: { t: dy, off: dy.offset, s0: dy.rowStride, s1: 1 },
    // B(p, j) = w[j][p]: the transpose is a swap of strides.
    b: { t: w, off: w.offset, s0: 1, s1: w.rowStride },
    c: { t: dx.buffer, off: dx.offset, rs: dx.rowStride, zs: 0 },
    flags: opts.accumulate ? ACCUMULATE : 0,
    chunk: m,
    splits: 1,
    ...tiling(entry, n, k),
  });
}

/** dw (+)= xᵀ·dy. x N×K, dy N×M, dw K×M. Split-K over the N rows. */
export function matmulTransA(
  rt: GpuRuntime,
  x: Tensor,
  dy: Tensor,
  dw: Tensor,
  opts: AccumulateOptions = {},
): void {
  const name = 'matmulTransA';
  const [n, k] = x.shape;
  expectShape(name, 'dy', dy, n, null, `rows = x.rows (${n})`);
  const m = dy.cols;
  expectShape(name, 'dw', dw, k, m, 'x.cols × dy.cols');
  checkOperands(name, { x, dy }, { dw });
  if (k === 0 || m === 0) return;
  const vec = allVec4(x, dy, dw);
  const entry = productEntry(rt, 'gemm-dw', vec ? 'gemm_tn4' : 'gemm_tile');
  // The vec4 entry point needs whole 4×4 tiles (every dimension a multiple of 4).
  const { colTiles, items } =
    entry === 'gemm_tn4' ? { colTiles: m / 4, items: (k / 4) * (m / 4) } : tiling(entry, k, m);
  const common = {
    entry,
    rows: k,
    cols: m,
    inner: n,
    a: { t: x, off: x.offset, s0: 1, s1: x.rowStride } satisfies Operand,
    b: { t: dy, off: dy.offset, s0: dy.rowStride, s1: 1 } satisfies Operand,
    colTiles,
    items,
  };
  splitK(rt, name, dw, n, parallelism(entry, items), !!opts.accumulate, (splits, chunk, c, flags) =>
    dispatchGemm(rt, { ...common, c, flags, chunk, splits }),
  );
}

/** out (+)= Σ_rows dy: the bias gradient. dy N×M, out 1×M. Split-K over the N rows. */
export function columnSum(
  rt: GpuRuntime,
  dy: Tensor,
  out: Tensor,
  opts: AccumulateOptions = {},
): void {
  const name = 'columnSum';
  const [n, m] = dy.shape;
  expectShape(name, 'out', out, 1, m, '1 × dy.cols');
  checkOperands(name, { dy }, { out });
  if (m === 0) return;
  splitK(rt, name, out, n, m, !!opts.accumulate, (splits, chunk, c, flags) =>
    dispatchGemm(rt, {
      entry: 'colsum',
      rows: 1,
      cols: m,
      inner: n,
      a: { t: dy, off: dy.offset, s0: dy.rowStride, s1: 1 },
      b: { t: dy, off: 0, s0: 0, s1: 0 },
      c,
      flags,
      chunk,
      splits,
      colTiles: 0,
      items: m,
    }),
  );
}

/** out = x·w with one output per invocation: the benchmark baseline, not for training. */
export function matmulNaive(rt: GpuRuntime, x: Tensor, w: Tensor, out: Tensor): void {
  const name = 'matmulNaive';
  const [n, k] = x.shape;
  expectShape(name, 'w', w, k, null, `rows = x.cols (${k})`);
  const m = w.cols;
  expectShape(name, 'out', out, n, m, 'x.rows × w.cols');
  checkOperands(name, { x, w }, { out });
  if (n === 0 || m === 0) return;
  dispatchGemm(rt, {
    entry: 'gemm_naive',
    rows: n,
    cols: m,
    inner: k,
    a: { t: x, off: x.offset, s0: x.rowStride, s1: 1 },
    b: { t: w, off: w.offset, s0: w.rowStride, s1: 1 },
    c: { t: out.buffer, off: out.offset, rs: out.rowStride, zs: 0 },
    flags: 0,
    chunk: k,
    splits: 1,
    colTiles: 0,
    items: n * m,
  });
}

// ---- validation -----------------------------------------------------------------------------

function expectShape(
  fn: string,
  arg: string,
  t: Tensor,
  rows: number | null,
  cols: number | null,
  rule: string,
): void {
  if ((rows !== null && t.rows !== rows) || (cols !== null && t.cols !== cols)) {
    const want = `${rows ?? '*'}×${cols ?? '*'}`;
    throw new Error(
      `${fn}: ${arg} (${t.owner}) must be ${want} (${rule}), found ${t.rows}×${t.cols}.`,
    );
  }
}

/** f32 operands, and no output that shares a buffer with an input (a read/write hazard). */
function checkOperands(
  fn: string,
  inputs: Record<string, Tensor>,
  outputs: Record<string, Tensor>,
): void {
  for (const [arg, t] of Object.entries({ ...inputs, ...outputs })) {
    if (t.dtype !== 'f32') throw new Error(`${fn}: ${arg} (${t.owner}) is ${t.dtype}, not f32.`);
  }
  for (const [oarg, o] of Object.entries(outputs)) {
    for (const [iarg, t] of Object.entries(inputs)) {
      if (t.buffer === o.buffer) {
        throw new Error(
          `${fn}: output ${oarg} (${o.owner}) shares a buffer with input ${iarg} (${t.owner}); ` +
            'write into a separate tensor.',
        );
      }
    }
  }
}

/** The workgroup-tiled entry point when the family chose it, else the register-tiled one given. */
function productEntry(rt: GpuRuntime, family: 'gemm' | 'gemm-dw', register: Entry): Entry {
  return variantOf(rt, family) === 'tiled' ? 'gemm_wg' : register;
}

function isVec4(t: Tensor): boolean {
  return t.offset % 4 === 0 && t.rowStride % 4 === 0 && t.cols % 4 === 0;
}

function allVec4(...ts: Tensor[]): boolean {
  return ts.every(isVec4);
}
