// The backward passes every GEN aggregation shares (max, softmax, power mean): dx and the edge
// features' gradient through the transposed CSR, and the gradient of a learned β or p.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { type AggregationParam, graphTensors, launch, rowPass } from './aggregate-launch';
import { type CsrGpu, requireNoAliasing, requireShape } from './csr-gpu';
import { axpy } from './elementwise';
import { sum } from './reduce';

export interface BackwardArgs {
  fn: string;
  aT: CsrGpu;
  a: CsrGpu;
  x: Tensor;
  edge: Tensor | null;
  /** argmax (max), lse (softmax) or the power mean's coefficients */
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
 * Shared by every aggregation. With edge features: per-entry gradients into dEdge (a temporary
 * when the caller does not want them), then dx gathers them through aT. Without: one pass over
 * aT that recomputes the per-entry terms.
 */
export function backwardPasses(
  rt: GpuRuntime,
  b: BackwardArgs,
  kind: 'max' | 'softmax' | 'power',
  eps: number,
  param: AggregationParam,
  accumulate: boolean,
): void {
  checkBackward(b);
  const { aT, a, x, edge, dout, dx, out } = b;
  const d = x.cols;
  const common = { channels: d, eps, param, accumulate };
  const outBinding = out ? ([[out, 'read']] as [Tensor, 'read'][]) : [];
  if (!edge) {
    launch(rt, {
      ...common,
      entry: `${kind}_dx`,
      rows: aT.rows,
      hasEdge: false,
      views: { x, out: out ?? undefined, aux: b.aux, dout, dx },
      buffers: [
        [aT.rowPtr, 'read'],
        [aT.colIdx, 'read'],
        [x, 'read'],
        // Only max_dx reads perm; the binding keeps the layout shared.
        [aT.perm!, 'read'],
        [b.aux, 'read'],
        [dout, 'read'],
        [dx, 'rw'],
        ...outBinding,
      ],
    });
    return;
  }
  const de = b.dEdge ?? rt.tensor(a.nnz, d, 'workspace', { label: `${b.fn} per-edge gradient` });
  try {
    const views = { x, edge, out: out ?? undefined, aux: b.aux, dout, de };
    rowPass(rt, { ...common, entry: `${kind}_edge_grad`, views }, a, [
      [b.aux, 'read'],
      [dout, 'read'],
      [de, 'rw'],
      ...outBinding,
    ]);
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
 * dParam += Σ over (row, channel) of dout_i · ∂out_i/∂param: the per-entry terms over A's rows
 * (`entry`: softmax_beta_grad or power_p_grad), then one deterministic reduction.
 */
export function accumulateParamGrad(
  rt: GpuRuntime,
  entry: 'softmax_beta_grad' | 'power_p_grad',
  a: CsrGpu,
  x: Tensor,
  edge: Tensor | null,
  eps: number,
  param: AggregationParam,
  aux: Tensor,
  out: Tensor | null,
  dout: Tensor,
  dParam: Tensor,
): void {
  const fn = `aggregate.${entry}`;
  const d = x.cols;
  requireShape(fn, 'x', x, a.cols, d);
  if (edge) requireShape(fn, 'edge', edge, a.nnz, d);
  requireShape(fn, 'aux', aux, a.rows, d);
  if (out) requireShape(fn, 'out', out, a.rows, d);
  requireShape(fn, 'dout', dout, a.rows, d);
  requireShape(fn, 'dParam', dParam, 1, 1);
  const terms = rt.tensor(a.rows, x.cols, 'workspace', { label: `${fn} terms` });
  const total = rt.tensor(1, 1, 'workspace', { label: `${fn} total` });
  const views = { x, edge, out: out ?? undefined, aux, dout, de: terms };
  rowPass(rt, { entry, eps, param, accumulate: false, views }, a, [
    [aux, 'read'],
    [dout, 'read'],
    [terms, 'rw'],
    ...(out ? ([[out, 'read']] as [Tensor, 'read'][]) : []),
  ]);
  sum(rt, terms, total);
  axpy(rt, 1, total, dParam);
  rt.release(terms, total);
}
