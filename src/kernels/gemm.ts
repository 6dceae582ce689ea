// Dense GEMM on strided views: forward x·w (+bias), the two backward products and the bias
// gradient. Each call picks the vec4 entry point when every view is 16-byte aligned in offset,
// stride and width, and the scalar one (correct at any edge) otherwise. Products whose reduction
// runs over the nodes (xᵀ·dy, Σ_rows dy) are split-K in two deterministic passes.
import code from '../../shaders/gemm.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import type { TrackedBuffer } from '../gpu/tracked-allocator';
import { uniforms } from '../gpu/uniforms';
import { grid1d, MAX_GROUPS_PER_DIM } from './grid';

const WG = 64;
const ACCUMULATE = 1;
const BIAS = 2;
/** Invocations we aim for in a split-K pass: enough to fill a GPU, few enough for SwiftShader. */
const SPLIT_TARGET_INVOCATIONS = 16_384;
/** Fewer rows per split than this and pass 2 costs more than it saves. */
const MIN_SPLIT_ROWS = 64;
/** More rows per split than this and one invocation walks too far alone. */
const MAX_SPLIT_ROWS = 4096;

type Entry =
  'gemm_tile' | 'gemm_nn4' | 'gemm_nt4' | 'gemm_tn4' | 'colsum' | 'splitk_reduce' | 'gemm_naive';

export interface MatmulOptions {
  bias?: Tensor;
  accumulate?: boolean;
}

export interface AccumulateOptions {
  accumulate?: boolean;
}

/** One operand as the shader sees it: element offset and strides of its (i, p) or (p, j) index. */
interface Operand {
  t: Tensor;
  off: number;
  s0: number;
  s1: number;
}

interface GemmCall {
  entry: Entry;
  rows: number;
  cols: number;
  inner: number;
  a: Operand;
  b: Operand;
  c: { t: TrackedBuffer; off: number; rs: number; zs: number };
  bias?: Tensor;
  flags: number;
  chunk: number;
  splits: number;
  colTiles: number;
  items: number;
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
  dispatchGemm(rt, {
    entry: vec ? 'gemm_nn4' : 'gemm_tile',
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
    colTiles: Math.ceil(m / 4),
    items: Math.ceil(n / 4) * Math.ceil(m / 4),
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
  dispatchGemm(rt, {
    entry: allVec4(dy, w, dx) ? 'gemm_nt4' : 'gemm_tile',
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
    colTiles: Math.ceil(k / 4),
    items: Math.ceil(n / 4) * Math.ceil(k / 4),
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
  const tiles = vec ? (k / 4) * (m / 4) : Math.ceil(k / 4) * Math.ceil(m / 4);
  const a: Operand = { t: x, off: x.offset, s0: 1, s1: x.rowStride };
  const b: Operand = { t: dy, off: dy.offset, s0: dy.rowStride, s1: 1 };
  const common = {
    entry: (vec ? 'gemm_tn4' : 'gemm_tile') as Entry,
    rows: k,
    cols: m,
    inner: n,
    a,
    b,
    colTiles: Math.ceil(m / 4),
    items: tiles,
  };
  splitK(rt, name, dw, n, tiles, !!opts.accumulate, (splits, chunk, c, flags) =>
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

// ---- split-K --------------------------------------------------------------------------------

type SplitPass = (splits: number, chunk: number, c: GemmCall['c'], flags: number) => void;

/**
 * Runs `pass` over `reduce` rows either straight into `out` (one split) or into a workspace of
 * per-split partials summed in fixed order by a second pass, so the result is deterministic.
 */
function splitK(
  rt: GpuRuntime,
  name: string,
  out: Tensor,
  reduce: number,
  parallel: number,
  accumulate: boolean,
  pass: SplitPass,
): void {
  const splits = chooseSplits(reduce, parallel);
  const chunk = Math.max(1, Math.ceil(reduce / splits));
  const accFlag = accumulate ? ACCUMULATE : 0;
  if (splits === 1) {
    pass(
      1,
      Math.max(chunk, reduce),
      { t: out.buffer, off: out.offset, rs: out.rowStride, zs: 0 },
      accFlag,
    );
    return;
  }
  const block = out.rows * out.cols;
  const partial = rt.tensor(splits * out.rows, out.cols, 'workspace', {
    label: `${name} split-K partials`,
  });
  pass(splits, chunk, { t: partial.buffer, off: 0, rs: out.cols, zs: block }, 0);
  dispatchGemm(rt, {
    entry: 'splitk_reduce',
    rows: out.rows,
    cols: out.cols,
    inner: splits,
    a: { t: partial, off: 0, s0: 0, s1: 0 },
    b: { t: partial, off: 0, s0: 0, s1: 0 },
    c: { t: out.buffer, off: out.offset, rs: out.rowStride, zs: block },
    flags: accFlag,
    chunk: splits,
    splits: 1,
    colTiles: 0,
    items: block,
  });
  // Safe before the dispatches run: the batcher records in order, and any later reuse of this
  // pooled buffer is recorded (and so executed) after them.
  rt.release(partial);
}

/** Splits of the reduction: enough parallel work, each split between MIN and MAX rows. */
export function chooseSplits(reduce: number, parallel: number): number {
  if (reduce <= MIN_SPLIT_ROWS) return 1;
  const wanted = Math.ceil(SPLIT_TARGET_INVOCATIONS / Math.max(1, parallel));
  const atMost = Math.ceil(reduce / MIN_SPLIT_ROWS);
  const atLeast = Math.ceil(reduce / MAX_SPLIT_ROWS);
  return Math.min(MAX_GROUPS_PER_DIM, Math.max(atLeast, Math.min(wanted, atMost)));
}

// ---- dispatch -------------------------------------------------------------------------------

function dispatchGemm(rt: GpuRuntime, g: GemmCall): void {
  const kernel = rt.kernel({
    name: 'gemm',
    code,
    entryPoint: g.entry,
    bindings: ['uniform', 'read', 'read', 'read', 'rw'],
  });
  // The vec4 entry points index array<vec4f> and walk each operand along its own row-major rows:
  // offsets and row strides in 16-byte units, no column stride.
  const vec = g.entry.endsWith('4');
  const v = vec ? 4 : 1;
  const u = uniforms()
    .u32(g.rows)
    .u32(g.cols)
    .u32(g.inner)
    .u32(g.a.off / v)
    .u32(vec ? g.a.t.rowStride / 4 : g.a.s0)
    .u32(vec ? 0 : g.a.s1)
    .u32(g.b.off / v)
    .u32(vec ? g.b.t.rowStride / 4 : g.b.s0)
    .u32(vec ? 0 : g.b.s1)
    .u32(g.c.off / v)
    .u32(g.c.rs / v)
    .u32((g.bias?.offset ?? 0) / v)
    .u32(g.flags)
    .u32(g.chunk)
    .u32(g.c.zs / v)
    .u32(g.colTiles);
  // Unused bindings get an input buffer: read-only twice in one dispatch is allowed.
  const buffers = [g.a.t.buffer, g.b.t.buffer, (g.bias ?? g.a.t).buffer, g.c.t];
  const [gx, gy] = grid1d(g.items, WG);
  rt.batcher.dispatch(kernel, u, buffers, [gx, gy, g.splits]);
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

function isVec4(t: Tensor): boolean {
  return t.offset % 4 === 0 && t.rowStride % 4 === 0 && t.cols % 4 === 0;
}

function allVec4(...ts: Tensor[]): boolean {
  return ts.every(isVec4);
}
