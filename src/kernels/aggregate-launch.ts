// The dispatch machinery of GEN's aggregation kernels (shaders/aggregate.wgsl and
// aggregate-power.wgsl): the uniform block, the scalar/vec4 module choice, forward argument
// checks, and the learned β / p read from a spare element of the aux buffer. The backward passes
// are aggregate-backward.ts; the public wrappers aggregate.ts (max, softmax) and power-mean.ts.
import code from '../../shaders/aggregate.wgsl?raw';
import powerCode from '../../shaders/aggregate-power.wgsl?raw';
import type { MemoryTag } from '../gpu/memory-tags';
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

const WG = 64;
/** Channels per invocation: the shader's two vec4 lanes. */
const CPT = 8;
const SCALAR = `${wgslModule(code, ['header', 'scalar', 'kernels'])}\n${powerCode}`;
const VEC4 = `${wgslModule(code, ['header', 'vec4', 'kernels'])}\n${powerCode}`;
/** param_at when β or p travels in the uniform block. */
const PARAM_IN_UNIFORM = 0xffffffff;

export type Entry =
  | 'max_forward'
  | 'softmax_forward'
  | 'power_forward'
  | 'max_edge_grad'
  | 'softmax_edge_grad'
  | 'power_edge_grad'
  | 'gather_dx'
  | 'max_dx'
  | 'softmax_dx'
  | 'power_dx'
  | 'softmax_beta_grad'
  | 'power_p_grad';

/**
 * β (softmax) or p (power mean): a number, or a 1×1 tensor in the aux buffer's spare element
 * (see aggregationState) when it is a parameter on the GPU.
 */
export type AggregationParam = number | Tensor;

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

export interface Launch {
  entry: Entry;
  /** CSR rows the kernel walks (one invocation per row and 8 channels). */
  rows: number;
  channels: number;
  hasEdge: boolean;
  eps: number;
  param: AggregationParam;
  accumulate: boolean;
  views: Views;
  /** Storage bindings 1..n in order; `rw` ones are written. */
  buffers: [Tensor, 'read' | 'rw'][];
}

/**
 * aux (rows × cols, its kind's dtype) with one spare row whose first element can hold a learned
 * β or p (`param`, 1×1): the kernels read it through aux's own binding. Release `state`.
 */
export function aggregationState(
  rt: GpuRuntime,
  rows: number,
  cols: number,
  tag: MemoryTag,
  opts: { label: string; dtype?: 'f32' | 'u32' },
): { state: Tensor; aux: Tensor; param: Tensor } {
  const state = rt.tensor(rows + 1, cols, tag, opts);
  return {
    state,
    aux: state.rowSlice(0, rows),
    param: state.rowSlice(rows, rows + 1).colSlice(0, 1),
  };
}

/** The element index of a tensor-held parameter in aux's buffer, after checking where it is. */
function paramIndex(fn: string, param: AggregationParam, aux: Tensor): number {
  if (typeof param === 'number') return PARAM_IN_UNIFORM;
  requireShape(fn, 'param', param, 1, 1);
  const inside = param.offset >= aux.offset && param.offset < aux.offset + aux.rows * aux.rowStride;
  if (param.buffer !== aux.buffer || inside) {
    throw new Error(
      `${fn}: a tensor β or p must be the spare element of the aux tensor's buffer ` +
        '(aggregationState), where the kernels read it.',
    );
  }
  return param.offset;
}

export function launch(rt: GpuRuntime, l: Launch): void {
  requireStorageBuffers(rt, l.buffers.length, `aggregate.${l.entry}`);
  const v = l.views;
  const views = [v.x, v.edge, v.out, v.aux, v.dout, v.dx, v.de];
  // An array<vec4f> binding needs 16 bytes: an empty edge tensor (a part without edges) has 4.
  const vec4 = vec4Aligned(...views) && views.every((t) => !t || t.buffer.bytes >= 16);
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
    .f32(typeof l.param === 'number' ? l.param : 0)
    // Kernels without aux (gather_dx) never read the parameter.
    .u32(v.aux ? paramIndex(`aggregate.${l.entry}`, l.param, v.aux) : PARAM_IN_UNIFORM);
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

export function checkForward(
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

/**
 * A launch over A's rows (one invocation per row and 8 channels) binding rowPtr, colIdx, x and
 * the edge features (x stands in for them when there are none: the binding is never read), then
 * `rest`.
 */
export function rowPass(
  rt: GpuRuntime,
  l: Omit<Launch, 'rows' | 'channels' | 'hasEdge' | 'buffers'>,
  a: CsrGpu,
  rest: [Tensor, 'read' | 'rw'][],
): void {
  const { x, edge } = l.views;
  launch(rt, {
    ...l,
    rows: a.rows,
    channels: x!.cols,
    hasEdge: !!edge,
    buffers: [[a.rowPtr, 'read'], [a.colIdx, 'read'], [x!, 'read'], [edge ?? x!, 'read'], ...rest],
  });
}

/** The forward launch every aggregation shares: a pass over A's rows writing out and aux. */
export function forwardPass(
  rt: GpuRuntime,
  entry: Entry,
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  param: AggregationParam,
  out: Tensor,
  aux: Tensor,
): void {
  const views = { x, edge, out, aux };
  rowPass(rt, { entry, eps, param, accumulate: false, views }, a, [
    [out, 'rw'],
    [aux, 'rw'],
  ]);
}

export function graphTensors(
  g: CsrGpu,
  rest: Record<string, Tensor | null>,
  prefix = 'a',
): Record<string, Tensor | null> {
  return { [`${prefix}.rowPtr`]: g.rowPtr, [`${prefix}.colIdx`]: g.colIdx, ...rest };
}
