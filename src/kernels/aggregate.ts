// GEN message passing (DeeperGCN): message relu(x_j + e_ij) + eps over in-edges, aggregated by
// max or by a per-channel softmax, fused in the kernel (no E×D message tensor). Backward passes
// need the transposed CSR (with perm) so x's gradient is a gather, never a scatter-add.
import code from '../../shaders/aggregate.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import type { BindingKind } from '../gpu/pipeline-cache';
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

/** argmax of a row with no in-edges. */
export const NO_ARGMAX = 0xffffffff;

const WG = 64;
/** Channels per invocation: the shader's two vec4 lanes. */
const CPT = 8;
const SCALAR = wgslModule(code, ['header', 'scalar', 'kernels']);
const VEC4 = wgslModule(code, ['header', 'vec4', 'kernels']);

type Entry =
  | 'max_forward'
  | 'softmax_forward'
  | 'max_edge_grad'
  | 'softmax_edge_grad'
  | 'gather_dx'
  | 'max_dx'
  | 'softmax_dx';

/** Views the shader's Params struct carries, in its order; absent ones are zero. */
interface Views {
  x?: Tensor;
  edge?: Tensor | null;
  out?: Tensor;
  aux?: Tensor;
  dout?: Tensor;
  dx?: Tensor;
  de?: Tensor;
}

interface Launch {
  entry: Entry;
  /** CSR rows the kernel walks (one invocation per row and 8 channels). */
  rows: number;
  channels: number;
  hasEdge: boolean;
  eps: number;
  beta: number;
  accumulate: boolean;
  views: Views;
  /** Storage bindings 1..n in order; `rw` ones are written. */
  buffers: [Tensor, 'read' | 'rw'][];
}

function launch(rt: GpuRuntime, l: Launch): void {
  requireStorageBuffers(rt, l.buffers.length, `aggregate.${l.entry}`);
  const v = l.views;
  const vec4 = vec4Aligned(v.x, v.edge, v.out, v.aux, v.dout, v.dx, v.de);
  const k = rt.kernel({
    name: vec4 ? 'aggregate.vec4' : 'aggregate',
    code: vec4 ? VEC4 : SCALAR,
    entryPoint: l.entry,
    bindings: ['uniform', ...l.buffers.map(([, kind]) => kind)] as BindingKind[],
    constants: { HAS_EDGE: l.hasEdge ? 1 : 0 },
  });
  const chunks = Math.ceil(l.channels / CPT);
  const u = uniforms()
    .u32(l.rows)
    .u32(l.channels)
    .u32(chunks)
    .u32(l.accumulate ? 1 : 0)
    .f32(l.eps)
    .f32(l.beta);
  for (const t of [v.x, v.edge, v.out, v.aux, v.dout, v.dx, v.de]) {
    if (t) u.view2d(t);
    else u.u32(0).u32(0);
  }
  rt.batcher.dispatch(
    k,
    u,
    l.buffers.map(([t]) => t.buffer),
    grid1d(l.rows * chunks, WG),
  );
}

function checkForward(
  fn: string,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  out: Tensor,
  aux: Tensor,
  auxName: string,
  auxType: 'f32' | 'u32',
): void {
  const d = x.cols;
  requireShape(fn, 'x', x, a.cols, d);
  if (edge) requireShape(fn, 'edge', edge, a.nnz, d);
  requireShape(fn, 'out', out, a.rows, d);
  requireShape(fn, auxName, aux, a.rows, d, auxType);
  requireNoAliasing(fn, { out, [auxName]: aux }, graphTensors(a, { x, edge }));
}

function graphTensors(
  g: CsrGpu,
  rest: Record<string, Tensor | null>,
  prefix = 'a',
): Record<string, Tensor | null> {
  return { [`${prefix}.rowPtr`]: g.rowPtr, [`${prefix}.colIdx`]: g.colIdx, ...rest };
}

/**
 * out_i = max over in-edges k of relu(x_j + e_k) + eps, per channel; argmax = the entry k of the
 * max (the first on ties), NO_ARGMAX and out = 0 for a row without in-edges.
 */
export function genMaxForward(
  rt: GpuRuntime,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  out: Tensor,
  argmax: Tensor,
): void {
  checkForward('genMaxForward', a, x, edge, out, argmax, 'argmax', 'u32');
  launch(rt, {
    entry: 'max_forward',
    rows: a.rows,
    channels: x.cols,
    hasEdge: !!edge,
    eps,
    beta: 0,
    accumulate: false,
    views: { x, edge, out, aux: argmax },
    buffers: [
      [a.rowPtr, 'read'],
      [a.colIdx, 'read'],
      [x, 'read'],
      // Without edge features the binding is never read; x stands in for it.
      [edge ?? x, 'read'],
      [out, 'rw'],
      [argmax, 'rw'],
    ],
  });
}

/**
 * out_i = Σ_k softmax_k(beta·m_k) · m_k per channel, m_k = relu(x_j + e_k) + eps; lse keeps the
 * per-(row, channel) log-sum-exp of beta·m for the backward pass (0 for a row without in-edges,
 * whose out is 0).
 */
export function genSoftmaxForward(
  rt: GpuRuntime,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  beta: number,
  out: Tensor,
  lse: Tensor,
): void {
  checkForward('genSoftmaxForward', a, x, edge, out, lse, 'lse', 'f32');
  launch(rt, {
    entry: 'softmax_forward',
    rows: a.rows,
    channels: x.cols,
    hasEdge: !!edge,
    eps,
    beta,
    accumulate: false,
    views: { x, edge, out, aux: lse },
    buffers: [
      [a.rowPtr, 'read'],
      [a.colIdx, 'read'],
      [x, 'read'],
      [edge ?? x, 'read'],
      [out, 'rw'],
      [lse, 'rw'],
    ],
  });
}

interface BackwardArgs {
  fn: string;
  aT: CsrGpu;
  a: CsrGpu;
  x: Tensor;
  edge: Tensor | null;
  /** argmax (max) or lse (softmax) */
  aux: Tensor;
  auxName: string;
  out: Tensor | null;
  dout: Tensor;
  dx: Tensor;
  dEdge: Tensor | null;
}

function checkBackward(b: BackwardArgs): void {
  const { fn, aT, a, x, edge, dx, dEdge } = b;
  const d = x.cols;
  if (aT.rows !== a.cols || aT.cols !== a.rows || aT.nnz !== a.nnz) {
    throw new Error(
      `${fn}: aT is ${aT.rows}×${aT.cols} with ${aT.nnz} entries, expected the transpose of ` +
        `a (${a.cols}×${a.rows} with ${a.nnz}).`,
    );
  }
  if (!aT.perm) throw new Error(`${fn}: aT has no perm; upload transposeCsr(a).`);
  requireShape(fn, 'x', x, a.cols, d);
  if (edge) requireShape(fn, 'edge', edge, a.nnz, d);
  requireShape(fn, b.auxName, b.aux, a.rows, d, b.auxName === 'argmax' ? 'u32' : 'f32');
  if (b.out) requireShape(fn, 'out', b.out, a.rows, d);
  requireShape(fn, 'dout', b.dout, a.rows, d);
  requireShape(fn, 'dx', dx, a.cols, d);
  if (dEdge) {
    if (!edge) throw new Error(`${fn}: dEdge was given but edge is null.`);
    requireShape(fn, 'dEdge', dEdge, a.nnz, d);
  }
  const read = {
    ...graphTensors(a, {}),
    ...graphTensors(aT, { 'aT.perm': aT.perm }, 'aT'),
    x,
    edge,
    [b.auxName]: b.aux,
    out: b.out,
    dout: b.dout,
  };
  requireNoAliasing(fn, dEdge ? { dx, dEdge } : { dx }, read);
}

/**
 * Shared by both aggregations. With edge features: per-entry gradients into dEdge (a temporary
 * when the caller does not want them), then dx gathers them through aT. Without: one pass over
 * aT that recomputes the per-entry terms.
 */
function backward(
  rt: GpuRuntime,
  b: BackwardArgs,
  kind: 'max' | 'softmax',
  eps: number,
  beta: number,
  accumulate: boolean,
): void {
  checkBackward(b);
  const { aT, a, x, edge, dout, dx, out } = b;
  const d = x.cols;
  const common = { channels: d, eps, beta, accumulate };
  if (!edge) {
    launch(rt, {
      ...common,
      entry: kind === 'max' ? 'max_dx' : 'softmax_dx',
      rows: aT.rows,
      hasEdge: false,
      views: { x, out: out ?? undefined, aux: b.aux, dout, dx },
      buffers: [
        [aT.rowPtr, 'read'],
        [aT.colIdx, 'read'],
        [x, 'read'],
        // softmax_dx does not read perm; the binding keeps the layout shared.
        [aT.perm!, 'read'],
        [b.aux, 'read'],
        [dout, 'read'],
        [dx, 'rw'],
        ...(out ? ([[out, 'read']] as [Tensor, 'read'][]) : []),
      ],
    });
    return;
  }
  const de = b.dEdge ?? rt.tensor(a.nnz, d, 'workspace', { label: `${b.fn} per-edge gradient` });
  try {
    launch(rt, {
      ...common,
      entry: kind === 'max' ? 'max_edge_grad' : 'softmax_edge_grad',
      rows: a.rows,
      hasEdge: true,
      views: { x, edge, out: out ?? undefined, aux: b.aux, dout, de },
      buffers: [
        [a.rowPtr, 'read'],
        [a.colIdx, 'read'],
        [x, 'read'],
        [edge, 'read'],
        [b.aux, 'read'],
        [dout, 'read'],
        [de, 'rw'],
        ...(out ? ([[out, 'read']] as [Tensor, 'read'][]) : []),
      ],
    });
    launch(rt, {
      ...common,
      entry: 'gather_dx',
      rows: aT.rows,
      hasEdge: true,
      views: { dx, de },
      buffers: [
        [aT.rowPtr, 'read'],
        [aT.perm!, 'read'],
        [de, 'read'],
        [dx, 'rw'],
      ],
    });
  } finally {
    // Recorded dispatches run in order, so a later reuse of the pooled buffer is safe.
    if (!b.dEdge) rt.release(de);
  }
}

/**
 * Gradients of max aggregation, routed by the forward pass's argmax: dx (+)= Σ over j's out-edges
 * where j's entry is the argmax; dEdge (overwritten) is that per-entry gradient. Both carry
 * relu'(x_j + e_k).
 */
export function genMaxBackward(
  rt: GpuRuntime,
  aT: CsrGpu,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  argmax: Tensor,
  dout: Tensor,
  dx: Tensor,
  dEdge: Tensor | null,
  opts: { accumulate?: boolean } = {},
): void {
  const args: BackwardArgs = {
    fn: 'genMaxBackward',
    aT,
    a,
    x,
    edge,
    aux: argmax,
    auxName: 'argmax',
    out: null,
    dout,
    dx,
    dEdge,
  };
  backward(rt, args, 'max', eps, 0, !!opts.accumulate);
}

/**
 * Gradients of softmax aggregation from the forward pass's out and lse: the per-entry gradient is
 * dout_i · p_k · (1 + beta·(m_k − out_i)) · relu'(x_j + e_k), p_k = exp(beta·m_k − lse_i).
 * dx (+)= its sum over j's out-edges; dEdge (overwritten) is the per-entry value. No gradient for
 * beta.
 */
export function genSoftmaxBackward(
  rt: GpuRuntime,
  aT: CsrGpu,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  beta: number,
  out: Tensor,
  lse: Tensor,
  dout: Tensor,
  dx: Tensor,
  dEdge: Tensor | null,
  opts: { accumulate?: boolean } = {},
): void {
  const args: BackwardArgs = {
    fn: 'genSoftmaxBackward',
    aT,
    a,
    x,
    edge,
    aux: lse,
    auxName: 'lse',
    out,
    dout,
    dx,
    dEdge,
  };
  backward(rt, args, 'softmax', eps, beta, !!opts.accumulate);
}
