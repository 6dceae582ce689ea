// Element-wise kernels on strided views (group slices of a full-width activation) and the
// exchange term of the grouped reversible coupling. Outputs may share a buffer with inputs.
import code from '../../shaders/elementwise.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { uniforms } from '../gpu/uniforms';
import { grid1d } from './grid';
import { bindKernel, expectShape, type OperandDecl } from './operands';

const WG = 64;
const EPT = 4;

const OP = { fill: 0, add: 1, sub: 2, axpy: 3, scale: 4, relu: 5, reluBwd: 6, bias: 7 } as const;

const family = {
  name: 'elementwise',
  code,
  manifest: [
    { name: 'x0', dtype: 'f32' },
    { name: 'x1', dtype: 'f32' },
    { name: 'out', dtype: 'f32' },
  ] satisfies OperandDecl[],
};

interface MapCall {
  op: number;
  out: Tensor;
  x0?: Tensor;
  x1?: Tensor;
  /** Row stride of x1 as the shader sees it (0 broadcasts one row to all). */
  x1Stride?: number;
  alpha?: number;
  accumulate?: boolean;
}

function map2d(rt: GpuRuntime, call: MapCall): void {
  const { out, x0, x1 } = call;
  const { kernel, buffers } = bindKernel(rt, family, 'map2d', { x0, x1, out }, ['out'], {
    OP: call.op,
    ACC: call.accumulate ? 1 : 0,
  });
  const u = uniforms()
    .u32(out.rows)
    .u32(out.cols)
    .u32(x0?.offset ?? 0)
    .u32(x0?.rowStride ?? 0)
    .u32(x1?.offset ?? 0)
    .u32(call.x1Stride ?? x1?.rowStride ?? 0)
    .view2d(out)
    .f32(call.alpha ?? 0);
  const chunks = Math.ceil(out.cols / EPT);
  rt.batcher.dispatch(kernel, u, buffers, grid1d(out.rows * chunks, WG));
}

function sameShape(fn: string, ref: [string, Tensor], ...others: [string, Tensor][]): void {
  for (const [arg, t] of others) expectShape(fn, arg, t, ref[1].rows, ref[1].cols);
}

/** x ← value everywhere. */
export function fill(rt: GpuRuntime, x: Tensor, value: number): void {
  map2d(rt, { op: OP.fill, out: x, alpha: value });
}

/** out = a + b (out may alias a or b). */
export function add(rt: GpuRuntime, a: Tensor, b: Tensor, out: Tensor): void {
  sameShape('add', ['a', a], ['b', b], ['out', out]);
  map2d(rt, { op: OP.add, x0: a, x1: b, out });
}

/** out = a − b (out may alias a or b). */
export function sub(rt: GpuRuntime, a: Tensor, b: Tensor, out: Tensor): void {
  sameShape('sub', ['a', a], ['b', b], ['out', out]);
  map2d(rt, { op: OP.sub, x0: a, x1: b, out });
}

/** y += alpha·x. */
export function axpy(rt: GpuRuntime, alpha: number, x: Tensor, y: Tensor): void {
  sameShape('axpy', ['x', x], ['y', y]);
  map2d(rt, { op: OP.axpy, x0: x, out: y, alpha });
}

/** out = alpha·x (in place allowed). */
export function scale(rt: GpuRuntime, alpha: number, x: Tensor, out: Tensor): void {
  sameShape('scale', ['x', x], ['out', out]);
  map2d(rt, { op: OP.scale, x0: x, out, alpha });
}

/** out = max(x, 0) (in place allowed). */
export function relu(rt: GpuRuntime, x: Tensor, out: Tensor): void {
  sameShape('relu', ['x', x], ['out', out]);
  map2d(rt, { op: OP.relu, x0: x, out });
}

/** dx (+)= dy·[x > 0]; dx may alias dy when not accumulating. */
export function reluBackward(
  rt: GpuRuntime,
  x: Tensor,
  dy: Tensor,
  dx: Tensor,
  opts: { accumulate?: boolean } = {},
): void {
  sameShape('reluBackward', ['x', x], ['dy', dy], ['dx', dx]);
  map2d(rt, { op: OP.reluBwd, x0: x, x1: dy, out: dx, accumulate: opts.accumulate });
}

/** x += bias on every row (bias is 1×cols). */
export function biasAdd(rt: GpuRuntime, x: Tensor, bias: Tensor): void {
  expectShape('biasAdd', 'bias', bias, 1, x.cols);
  map2d(rt, { op: OP.bias, x1: bias, x1Stride: 0, out: x });
}

/**
 * out = Σ_{g=first}^{first+count−1} x[:, g·width:(g+1)·width], in block order: the exchange term
 * s = x_1 + … + x_{C−1} of the grouped reversible coupling. count = 0 writes zeros.
 */
export function sumColumnBlocks(
  rt: GpuRuntime,
  x: Tensor,
  width: number,
  first: number,
  count: number,
  out: Tensor,
): void {
  for (const [name, v] of Object.entries({ width, first, count })) {
    if (!Number.isInteger(v) || v < 0) {
      throw new Error(`sumColumnBlocks: ${name} must be a non-negative integer, found ${v}.`);
    }
  }
  if ((first + count) * width > x.cols) {
    throw new Error(
      `sumColumnBlocks: blocks ${first}..${first + count - 1} of width ${width} need ` +
        `${(first + count) * width} columns, but x (${x.owner}) has ${x.cols}.`,
    );
  }
  expectShape('sumColumnBlocks', 'out', out, x.rows, width);
  const { kernel, buffers } = bindKernel(rt, family, 'sum_blocks', { x0: x, out }, ['out']);
  const u = uniforms()
    .u32(x.rows)
    .u32(width)
    .view2d(x)
    .u32(0)
    .u32(0)
    .view2d(out)
    .f32(0)
    .u32(width)
    .u32(first)
    .u32(count);
  rt.batcher.dispatch(kernel, u, buffers, grid1d(x.rows * Math.ceil(width / EPT), WG));
}
