// Shared dropout (DESIGN §1): one N×D mask per forward pass, never stored. Each element's keep
// bit is a hash of (seed, row + rowOffset, column + colOffset), so a group's slice passes its
// column offset and sees its columns of the full-width mask, and the backward is the same call
// applied to dy.
import code from '../../shaders/dropout.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { uniforms } from '../gpu/uniforms';
import type { CsrGpu } from './csr-gpu';
import { grid1d } from './grid';
import { bindKernel, expectShape, type OperandDecl } from './operands';

const WG = 64;
const EPT = 4;

const family = {
  name: 'dropout',
  code,
  manifest: [
    { name: 'x', dtype: 'f32' },
    { name: 'out', dtype: 'f32' },
    { name: 'row_ptr', dtype: 'u32' },
    { name: 'col_idx', dtype: 'u32' },
  ] satisfies OperandDecl[],
};

export interface DropoutOptions {
  seed: number;
  /** Drop probability in [0, 1). */
  p: number;
  /** Added to the view's row index before hashing (a row block of the full mask). */
  rowOffset?: number;
  /** Added to the view's column index before hashing (a group's channel slice). */
  colOffset?: number;
}

/** floor(p·2³²): an element is kept when its hash is at least this. */
function threshold(p: number): number {
  return Math.floor(p * 2 ** 32);
}

function checkOptions(fn: string, o: DropoutOptions): void {
  for (const [name, v] of Object.entries({
    seed: o.seed,
    rowOffset: o.rowOffset ?? 0,
    colOffset: o.colOffset ?? 0,
  })) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new Error(`${fn}: ${name} must be an integer in [0, 2³²), found ${v}.`);
    }
  }
  if (!(o.p >= 0 && o.p < 1)) throw new Error(`${fn}: p must be in [0, 1), found ${o.p}.`);
}

function run(rt: GpuRuntime, fn: string, x: Tensor | null, out: Tensor, o: DropoutOptions): void {
  checkOptions(fn, o);
  const { kernel, buffers } = bindKernel(rt, family, 'dropout2d', { x, out }, ['out'], {
    MASK: x ? 0 : 1,
  });
  const u = uniforms()
    .u32(out.rows)
    .u32(out.cols)
    .u32(x?.offset ?? 0)
    .u32(x?.rowStride ?? 0)
    .view2d(out)
    .u32(o.seed)
    .u32(o.rowOffset ?? 0)
    .u32(o.colOffset ?? 0)
    .u32(threshold(o.p))
    .f32(1 / (1 - o.p));
  rt.batcher.dispatch(kernel, u, buffers, grid1d(out.rows * Math.ceil(out.cols / EPT), WG));
}

/** out = keep ? x/(1 − p) : 0 (in place allowed); p = 0 copies. The backward is dropout(dy). */
export function dropout(rt: GpuRuntime, x: Tensor, out: Tensor, opts: DropoutOptions): void {
  expectShape('dropout', 'out', out, x.rows, x.cols);
  run(rt, 'dropout', x, out, opts);
}

/** out = the scaled keep mask (0 or 1/(1 − p)), for tests and the UI. */
export function dropoutMask(rt: GpuRuntime, out: Tensor, opts: DropoutOptions): void {
  run(rt, 'dropoutMask', null, out, opts);
}

/**
 * out (1 × nnz) = the CSR's values (1 where it has none) with dropout applied entry by entry:
 * entry (r, c) is kept exactly when dropout2d keeps element (r, c) of the dense matrix — or
 * element (c, r) when `transposed` says the CSR holds the matrix's transpose — so a sparse
 * input and its transpose (the backward's) see one mask.
 */
export function dropoutCsr(
  rt: GpuRuntime,
  a: CsrGpu,
  out: Tensor,
  opts: DropoutOptions & { transposed: boolean },
): void {
  checkOptions('dropoutCsr', opts);
  expectShape('dropoutCsr', 'out', out, 1, a.nnz);
  const given = { x: a.values, out, row_ptr: a.rowPtr, col_idx: a.colIdx };
  const { kernel, buffers } = bindKernel(rt, family, 'dropout_csr', given, ['out'], {
    TRANSPOSED: opts.transposed ? 1 : 0,
    HAS_VALUES: a.values ? 1 : 0,
  });
  const u = uniforms()
    .u32(a.rows)
    .u32(0)
    .u32(a.values?.offset ?? 0)
    .u32(0)
    .u32(out.offset)
    .u32(0)
    .u32(opts.seed)
    .u32(opts.rowOffset ?? 0)
    .u32(opts.colOffset ?? 0)
    .u32(threshold(opts.p))
    .f32(1 / (1 - opts.p));
  rt.batcher.dispatch(kernel, u, buffers, grid1d(a.rows, WG));
}
