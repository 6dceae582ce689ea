// Sparse × dense products on the GPU: neighbourhood sums (GCN, SAGE), their transposes (pass the
// transposed CSR), and sparse bag-of-words features times a weight matrix. Two variants
// (./variants.ts, family `spmm`): `lanes`, an invocation per row and 8 channels, and `rowblock`, a
// workgroup per block of rows with each row's entries staged in workgroup memory (GE-SpMM).
import code from '../../shaders/spmm.wgsl?raw';
import rowblockCode from '../../shaders/spmm-rowblock.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { uniforms } from '../gpu/uniforms';
import {
  type CsrGpu,
  requireNoAliasing,
  requireShape,
  requireStorageBuffers,
  vec4Aligned,
} from './csr-gpu';
import { grid1d } from './grid';
import { variantOf } from './variants';
import { joinWgsl, wgslModule } from './wgsl-module';

const WG = 64;
/** Channels per invocation: the shader's two vec4 lanes. */
const CPT = 8;
/** Invocations per workgroup of the rowblock variant. */
const ROWBLOCK_WG = 64;
const MODULES = {
  lanes: {
    scalar: wgslModule(code, ['header', 'scalar', 'kernel']),
    vec4: wgslModule(code, ['header', 'vec4', 'kernel']),
  },
  rowblock: {
    scalar: joinWgsl(wgslModule(code, ['header', 'scalar']), rowblockCode),
    vec4: joinWgsl(wgslModule(code, ['header', 'vec4']), rowblockCode),
  },
};

/** Invocations per row in the rowblock variant: 8 channels each, at most the workgroup. */
export function rowblockLanes(channels: number): number {
  let t = 1;
  while (t < ROWBLOCK_WG && 8 * t < channels) t *= 2;
  return t;
}

/** out (+)= A·x, with A's per-entry weights (1 when it has none). out may share no buffer. */
export function spmm(
  rt: GpuRuntime,
  a: CsrGpu,
  x: Tensor,
  out: Tensor,
  opts: { accumulate?: boolean } = {},
): void {
  const d = x.cols;
  requireShape('spmm', 'x', x, a.cols, d);
  requireShape('spmm', 'out', out, a.rows, d);
  requireNoAliasing('spmm', { out }, { x, rowPtr: a.rowPtr, colIdx: a.colIdx, values: a.values });
  requireStorageBuffers(rt, 5, 'spmm');
  const vec4 = vec4Aligned(x, out);
  const variant = variantOf(rt, 'spmm');
  const rowblock = variant === 'rowblock';
  const tpr = rowblockLanes(d);
  const chunks = Math.ceil(d / CPT);
  const k = rt.kernel({
    name: `spmm.${variant}.${vec4 ? 'vec4' : 'scalar'}`,
    code: MODULES[variant][vec4 ? 'vec4' : 'scalar'],
    entryPoint: rowblock ? 'spmm_rowblock' : 'spmm',
    bindings: ['uniform', 'read', 'read', 'read', 'read', 'rw'],
    constants: { HAS_VALUES: a.values ? 1 : 0, ...(rowblock ? { TPR: tpr } : {}) },
  });
  const u = uniforms()
    .u32(a.rows)
    .u32(d)
    .u32(chunks)
    .u32(opts.accumulate ? 1 : 0)
    .view2d(x)
    .view2d(out);
  // Without weights the values binding is never read; colIdx stands in for it.
  const values = a.values ?? a.colIdx;
  rt.batcher.dispatch(
    k,
    u,
    [a.rowPtr.buffer, a.colIdx.buffer, values.buffer, x.buffer, out.buffer],
    rowblock ? grid1d(a.rows, ROWBLOCK_WG / tpr) : grid1d(a.rows * chunks, WG),
  );
}
