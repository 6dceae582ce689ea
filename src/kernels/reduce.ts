// Deterministic reductions to a 1×1 tensor that stays on the GPU: partial sums per workgroup
// into a workspace buffer, then one fixed-order final pass. The result for given inputs is the
// same bits on every run, so training runs repeat exactly. Two variants (./variants.ts, family
// `reduce`): a workgroup-memory `tree`, and `subgroup` (subgroupAdd) where the adapter has them.
import code from '../../shaders/reduce.wgsl?raw';
import subgroupCode from '../../shaders/reduce-subgroup.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { uniforms } from '../gpu/uniforms';
import { bindKernel, expectShape, type OperandDecl } from './operands';
import { variantOf } from './variants';
import { joinWgsl, wgslModule } from './wgsl-module';

const WG = 256;
/** Pass 1 never launches more workgroups than this (pass 2 is one workgroup over them). */
const MAX_GROUPS = 256;
/** Elements per invocation before pass 1 adds another workgroup. */
const PER_INVOCATION = 8;

const MODE = { sum: 0, dot: 1, sumsq: 2 } as const;
type Mode = (typeof MODE)[keyof typeof MODE];

const manifest: OperandDecl[] = [
  { name: 'a', dtype: 'f32' },
  { name: 'b', dtype: 'f32' },
  { name: 'part', dtype: 'f32' },
  { name: 'out', dtype: 'f32' },
];

const FAMILIES = {
  tree: { name: 'reduce', code: wgslModule(code, ['header', 'tree']), manifest },
  subgroup: {
    name: 'reduce.subgroup',
    code: joinWgsl(wgslModule(code, ['header']), subgroupCode),
    manifest,
  },
};

function family(rt: GpuRuntime) {
  return FAMILIES[variantOf(rt, 'reduce')];
}

/** Workgroups pass 1 uses for n elements: a function of n alone, so the order is fixed. */
export function partialCount(n: number): number {
  return Math.min(MAX_GROUPS, Math.max(1, Math.ceil(n / (WG * PER_INVOCATION))));
}

function partialPass(
  rt: GpuRuntime,
  mode: Mode,
  a: Tensor,
  b: Tensor | null,
  part: Tensor,
  slot: number,
): number {
  const groups = partialCount(a.numel);
  const { kernel, buffers } = bindKernel(rt, family(rt), 'partial', { a, b, part }, ['part'], {
    MODE: mode,
  });
  const u = uniforms()
    .u32(a.rows)
    .u32(a.cols)
    .view2d(a)
    .u32(b?.offset ?? 0)
    .u32(b?.rowStride ?? 0)
    .u32(part.offset + slot)
    .u32(0);
  rt.batcher.dispatch(kernel, u, buffers, [groups]);
  return groups;
}

/**
 * out = scale·Σ part[0..count) (or its square root), folded in a fixed order by one workgroup.
 * Pass 2 of every reduction here, and of row-wise losses that leave their own partials.
 */
export function finishPartials(
  rt: GpuRuntime,
  part: Tensor,
  count: number,
  out: Tensor,
  opts: { scale?: number; sqrt?: boolean } = {},
): void {
  expectShape('finishPartials', 'out', out, 1, 1);
  if (count > part.numel || !part.isContiguous) {
    throw new Error(`finishPartials: ${count} partials from a ${part.rows}×${part.cols} view.`);
  }
  const { kernel, buffers } = bindKernel(rt, family(rt), 'finish', { part, out }, ['out']);
  const u = uniforms()
    .u32(0)
    .u32(0)
    .u32(0)
    .u32(0)
    .u32(0)
    .u32(0)
    .u32(part.offset)
    .u32(count)
    .u32(out.offset)
    .f32(opts.scale ?? 1)
    .u32(opts.sqrt ? 1 : 0);
  rt.batcher.dispatch(kernel, u, buffers, [1]);
}

function reduce(
  rt: GpuRuntime,
  fn: string,
  mode: Mode,
  a: Tensor,
  b: Tensor | null,
  out: Tensor,
  sqrt = false,
): void {
  expectShape(fn, 'out', out, 1, 1);
  if (b) expectShape(fn, 'b', b, a.rows, a.cols);
  const part = rt.tensor(partialCount(a.numel), 1, 'workspace', { label: `${fn}.partials` });
  const count = partialPass(rt, mode, a, b, part, 0);
  finishPartials(rt, part, count, out, { sqrt });
  // Anything recorded later runs after these passes, so the workspace can go back now.
  rt.release(part);
}

/** out = Σ x */
export function sum(rt: GpuRuntime, x: Tensor, out: Tensor): void {
  reduce(rt, 'sum', MODE.sum, x, null, out);
}

/** out = Σ a·b */
export function dot(rt: GpuRuntime, a: Tensor, b: Tensor, out: Tensor): void {
  reduce(rt, 'dot', MODE.dot, a, b, out);
}

/** out = Σ x² */
export function sumSquares(rt: GpuRuntime, x: Tensor, out: Tensor): void {
  reduce(rt, 'sumSquares', MODE.sumsq, x, null, out);
}

/** out = sqrt(Σ x²) */
export function l2norm(rt: GpuRuntime, x: Tensor, out: Tensor): void {
  reduce(rt, 'l2norm', MODE.sumsq, x, null, out, true);
}

/**
 * out = Σ over all tensors of Σ x²: the global gradient norm² for clipping, with no readback.
 * One pass-1 dispatch per tensor into its own partial slots, then one final pass over them all.
 */
export function globalSumSquares(rt: GpuRuntime, tensors: Tensor[], out: Tensor): void {
  expectShape('globalSumSquares', 'out', out, 1, 1);
  const total = tensors.reduce((s, t) => s + partialCount(t.numel), 0);
  const part = rt.tensor(Math.max(1, total), 1, 'workspace', {
    label: 'globalSumSquares.partials',
  });
  let slot = 0;
  for (const t of tensors) slot += partialPass(rt, MODE.sumsq, t, null, part, slot);
  finishPartials(rt, part, slot, out);
  rt.release(part);
}
