// Sparse × dense products on the GPU: neighbourhood sums (GCN, SAGE), their transposes (pass the
// transposed CSR), and sparse bag-of-words features times a weight matrix.
import code from '../../shaders/spmm.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { uniforms } from '../gpu/uniforms';
import {
  type CsrGpu,
  requireNoAliasing,
  requireShape,
  requireStorageBuffers,
  vec4Aligned,
  wgslModule,
} from './csr-gpu';
import { grid1d } from './grid';

const WG = 64;
/** Channels per invocation: the shader's two vec4 lanes. */
const CPT = 8;
const SCALAR = wgslModule(code, ['header', 'scalar', 'kernel']);
const VEC4 = wgslModule(code, ['header', 'vec4', 'kernel']);

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
  const chunks = Math.ceil(d / CPT);
  const k = rt.kernel({
    name: vec4 ? 'spmm.vec4' : 'spmm',
    code: vec4 ? VEC4 : SCALAR,
    entryPoint: 'spmm',
    bindings: ['uniform', 'read', 'read', 'read', 'read', 'rw'],
    constants: { HAS_VALUES: a.values ? 1 : 0 },
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
    grid1d(a.rows * chunks, WG),
  );
}
