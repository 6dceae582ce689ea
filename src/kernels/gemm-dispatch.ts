// How a GEMM call reaches the GPU: the shader module of the chosen variant, the uniform block,
// the folded grid, and split-K (a reduction over the nodes cut into splits whose partial blocks a
// second pass sums in fixed order, so results are deterministic). The public products are in
// ./gemm.ts.
import gemmCode from '../../shaders/gemm.wgsl?raw';
import tiledCode from '../../shaders/gemm-tiled.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import type { TrackedBuffer } from '../gpu/tracked-allocator';
import { uniforms } from '../gpu/uniforms';
import { joinWgsl, wgslModule } from './wgsl-module';
import { grid1d, MAX_GROUPS_PER_DIM } from './grid';

/** Invocations per workgroup of the register-tiled entry points. */
const WG = 64;
/** Invocations per workgroup of the workgroup-tiled entry point, and its tile edge. */
export const TILED_WG = 256;
export const TILED_EDGE = 64;
export const ACCUMULATE = 1;
export const BIAS = 2;
/** Invocations we aim for in a split-K pass: enough to fill a GPU, few enough for SwiftShader. */
const SPLIT_TARGET_INVOCATIONS = 16_384;
/** Fewer rows per split than this and pass 2 costs more than it saves. */
const MIN_SPLIT_ROWS = 64;
/** More rows per split than this and one invocation walks too far alone. */
const MAX_SPLIT_ROWS = 4096;

const REGISTER_MODULE = wgslModule(gemmCode, ['header', 'register']);
const TILED_MODULE = joinWgsl(wgslModule(gemmCode, ['header']), tiledCode);

export type Entry =
  | 'gemm_tile'
  | 'gemm_nn4'
  | 'gemm_nt4'
  | 'gemm_tn4'
  | 'colsum'
  | 'splitk_reduce'
  | 'gemm_naive'
  | 'gemm_wg';

/** One operand as the shader sees it: element offset and strides of its (i, p) or (p, j) index. */
export interface Operand {
  t: Tensor;
  off: number;
  s0: number;
  s1: number;
}

export interface GemmCall {
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
  /** Invocations to launch, or workgroups for the workgroup-tiled entry point. */
  items: number;
}

/** Column tiles and launch size of an I×J output for the chosen entry point. */
export function tiling(
  entry: Entry,
  rows: number,
  cols: number,
): { colTiles: number; items: number } {
  const edge = entry === 'gemm_wg' ? TILED_EDGE : 4;
  const colTiles = Math.ceil(cols / edge);
  return { colTiles, items: Math.ceil(rows / edge) * colTiles };
}

/** Invocations one split of this entry point keeps busy (what chooseSplits weighs). */
export function parallelism(entry: Entry, items: number): number {
  return entry === 'gemm_wg' ? items * TILED_WG : items;
}

export function dispatchGemm(rt: GpuRuntime, g: GemmCall): void {
  const tiled = g.entry === 'gemm_wg';
  const kernel = rt.kernel({
    name: tiled ? 'gemm.tiled' : 'gemm',
    code: tiled ? TILED_MODULE : REGISTER_MODULE,
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
  const [gx, gy] = grid1d(g.items, tiled ? 1 : WG);
  rt.batcher.dispatch(kernel, u, buffers, [gx, gy, g.splits]);
}

// ---- split-K --------------------------------------------------------------------------------

export type SplitPass = (splits: number, chunk: number, c: GemmCall['c'], flags: number) => void;

/**
 * Runs `pass` over `reduce` rows either straight into `out` (one split) or into a workspace of
 * per-split partials summed in fixed order by a second pass, so the result is deterministic.
 */
export function splitK(
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
