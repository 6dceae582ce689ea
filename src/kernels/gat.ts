// GAT attention on the GPU (shaders/gat.wgsl): the scores, the per-row softmax and the weighted
// sum over each node's in-edges plus its implicit self-loop, and their backward through the
// transposed CSR. The only per-edge tensors are (nnz + N) × H — one weight or score gradient per
// edge and head — never an edge × channel message tensor.
import code from '../../shaders/gat.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { uniforms } from '../gpu/uniforms';
import { type CsrGpu, requireNoAliasing, requireShape } from './csr-gpu';
import { matmulTransA } from './gemm';
import { grid1d } from './grid';
import { bindKernel, type OperandDecl } from './operands';

/** LeakyReLU's negative slope in the score (the GAT paper's 0.2). */
export const GAT_SLOPE = 0.2;

const WG = 64;
/** Channels per invocation in the channel-parallel kernels. */
const CPT = 4;

const OPERANDS = [
  ['row_ptr', 'u32'],
  ['col_idx', 'u32'],
  ['row_ptr_t', 'u32'],
  ['col_idx_t', 'u32'],
  ['perm', 'u32'],
  ['z', 'f32'],
  ['att', 'f32'],
  ['edge', 'f32'],
  ['ns', 'f32'],
  ['ee', 'f32'],
  ['alpha', 'f32'],
  ['dout', 'f32'],
  ['dsc', 'f32'],
  ['nd', 'f32'],
  ['dee', 'f32'],
  ['m', 'f32'],
  ['out', 'f32'],
] as const;

type Operand = (typeof OPERANDS)[number][0];

const family = {
  name: 'gat',
  code,
  manifest: OPERANDS.map(([name, dtype]) => ({ name, dtype })) satisfies OperandDecl[],
};

/** The 2-D views the shader's Params struct carries, in its order. */
const VIEWS = [
  'z',
  'att',
  'edge',
  'ns',
  'ee',
  'alpha',
  'dout',
  'dsc',
  'nd',
  'dee',
  'm',
  'out',
] as const;

type Entry =
  | 'node_scores'
  | 'edge_scores'
  | 'softmax'
  | 'aggregate'
  | 'score_grads'
  | 'node_grads'
  | 'source_grads'
  | 'edge_score_grads'
  | 'edge_grads'
  | 'att_grads';

interface Launch {
  entry: Entry;
  /** 'heads': one invocation per (row, head); 'chunks': per (row, 4 channels). */
  per: 'heads' | 'chunks';
  rows: number;
  nnz: number;
  heads: number;
  cols: number;
  hasEdge: boolean;
  accumulate?: boolean;
  operands: Partial<Record<Operand, Tensor | null>>;
  writes: Operand;
}

function launch(rt: GpuRuntime, l: Launch): void {
  if (l.rows === 0) return;
  const { kernel, buffers } = bindKernel(rt, family, l.entry, l.operands, [l.writes], {
    HAS_EDGE: l.hasEdge ? 1 : 0,
  });
  const chunks = Math.ceil(l.cols / CPT);
  const u = uniforms()
    .u32(l.rows)
    .u32(l.nnz)
    .u32(l.heads)
    .u32(l.cols / l.heads)
    .u32(l.cols)
    .u32(chunks)
    .u32(l.accumulate ? 1 : 0)
    .f32(GAT_SLOPE);
  for (const name of VIEWS) {
    const t = l.operands[name];
    if (t) u.view2d(t);
    else u.u32(0).u32(0);
  }
  const items = l.rows * (l.per === 'heads' ? l.heads : chunks);
  rt.batcher.dispatch(kernel, u, buffers, grid1d(items, WG));
}

/** What both directions read: the graph, z = x·W, the attention vectors and edge embedding. */
export interface GatInputs {
  /** In-edge CSR (square); a stored self-loop entry is ignored in favour of the implicit one. */
  a: CsrGpu;
  /** N × (heads · dh) */
  z: Tensor;
  /** 2 × cols (a_src, a_dst) or, with edge features, 3 × cols (a_src, a_dst, a_edge). */
  att: Tensor;
  /** nnz × cols edge embedding aligned with a's entries, or null. */
  edge: Tensor | null;
  heads: number;
}

function checkInputs(fn: string, g: GatInputs): void {
  const { a, z, att, edge, heads } = g;
  if (a.rows !== a.cols) {
    throw new Error(`${fn}: the adjacency is ${a.rows}×${a.cols}; attention needs it square.`);
  }
  const w = z.cols;
  if (!Number.isInteger(heads) || heads < 1 || w % heads !== 0) {
    throw new Error(
      `${fn}: ${heads} heads do not split ${w} channels evenly; the head count must divide the width.`,
    );
  }
  requireShape(fn, 'z', z, a.rows, w);
  requireShape(fn, 'att', att, edge ? 3 : 2, w);
  if (edge) requireShape(fn, 'edge', edge, a.nnz, w);
}

function graphOperands(a: CsrGpu): Record<'row_ptr' | 'col_idx', Tensor> {
  return { row_ptr: a.rowPtr, col_idx: a.colIdx };
}

/**
 * out = Σ_k α_k z_j per head (the aggregation, no bias); returns the signed attention weights,
 * (nnz + N) × heads, for the backward (the caller releases them).
 */
export function gatForward(
  rt: GpuRuntime,
  g: GatInputs,
  out: Tensor,
  keepTag: 'activations' | 'workspace' = 'workspace',
): Tensor {
  const fn = 'gatForward';
  checkInputs(fn, g);
  const { a, z, att, edge, heads } = g;
  const n = a.rows;
  requireShape(fn, 'out', out, n, z.cols);
  requireNoAliasing(fn, { out }, { z, att, edge, 'a.rowPtr': a.rowPtr, 'a.colIdx': a.colIdx });
  const base = { nnz: a.nnz, heads, cols: z.cols, hasEdge: !!edge, rows: n };
  const ns = rt.tensor(n, 2 * heads, 'workspace', { label: 'gat.scores' });
  const ee = edge ? rt.tensor(a.nnz + n, heads, 'workspace', { label: 'gat.edge scores' }) : null;
  const alpha = rt.tensor(a.nnz + n, heads, keepTag, { label: 'gat.alpha' });
  launch(rt, {
    ...base,
    entry: 'node_scores',
    per: 'heads',
    operands: { z, att, ns },
    writes: 'ns',
  });
  if (edge && ee) {
    launch(rt, {
      ...base,
      entry: 'edge_scores',
      per: 'heads',
      operands: { ...graphOperands(a), edge, att, ee },
      writes: 'ee',
    });
  }
  launch(rt, {
    ...base,
    entry: 'softmax',
    per: 'heads',
    operands: { ...graphOperands(a), ns, ee, alpha },
    writes: 'alpha',
  });
  launch(rt, {
    ...base,
    entry: 'aggregate',
    per: 'chunks',
    operands: { ...graphOperands(a), alpha, z, out },
    writes: 'out',
  });
  rt.release(ns, ee);
  return alpha;
}

export interface GatGrads {
  /** N × cols, overwritten with dL/dz. */
  dz: Tensor;
  /** Like att; dL/datt is added to it. */
  dAtt: Tensor;
  /** nnz × cols; dL/dedge is added to it (null: not wanted, or no edge features). */
  dEdge: Tensor | null;
}

/** Backward of gatForward given dL/dout, its attention weights and the transposed CSR. */
export function gatBackward(
  rt: GpuRuntime,
  g: GatInputs,
  aT: CsrGpu,
  alpha: Tensor,
  dout: Tensor,
  grads: GatGrads,
): void {
  const fn = 'gatBackward';
  checkInputs(fn, g);
  const { a, z, att, edge, heads } = g;
  const n = a.rows;
  const w = z.cols;
  if (aT.rows !== a.cols || aT.cols !== a.rows || aT.nnz !== a.nnz || !aT.perm) {
    throw new Error(`${fn}: aT must be transposeCsr(a) uploaded with its perm.`);
  }
  requireShape(fn, 'alpha', alpha, a.nnz + n, heads);
  requireShape(fn, 'dout', dout, n, w);
  requireShape(fn, 'dz', grads.dz, n, w);
  requireShape(fn, 'dAtt', grads.dAtt, att.rows, w);
  if (grads.dEdge) {
    if (!edge) throw new Error(`${fn}: dEdge was given but there are no edge features.`);
    requireShape(fn, 'dEdge', grads.dEdge, a.nnz, w);
  }
  const read = { z, att, edge, alpha, dout, 'a.rowPtr': a.rowPtr, 'aT.perm': aT.perm };
  const written = {
    dz: grads.dz,
    dAtt: grads.dAtt,
    ...(grads.dEdge ? { dEdge: grads.dEdge } : {}),
  };
  requireNoAliasing(fn, written, read);

  const base = { nnz: a.nnz, heads, cols: w, hasEdge: !!edge, rows: n };
  const transposed = { row_ptr_t: aT.rowPtr, col_idx_t: aT.colIdx, perm: aT.perm };
  const dsc = rt.tensor(a.nnz + n, heads, 'workspace', { label: 'gat.score grads' });
  const nd = rt.tensor(n, 2 * heads, 'workspace', { label: 'gat.node score grads' });
  const m = rt.tensor(att.rows * heads, w, 'workspace', { label: 'gat.att grad blocks' });
  launch(rt, {
    ...base,
    entry: 'score_grads',
    per: 'heads',
    operands: { ...graphOperands(a), alpha, dout, z, dsc },
    writes: 'dsc',
  });
  launch(rt, {
    ...base,
    entry: 'node_grads',
    per: 'heads',
    operands: { row_ptr: a.rowPtr, ...transposed, dsc, nd },
    writes: 'nd',
  });
  launch(rt, {
    ...base,
    entry: 'source_grads',
    per: 'chunks',
    operands: { ...transposed, alpha, dout, nd, att, out: grads.dz },
    writes: 'out',
  });
  // da_src, da_dst: the head-diagonal blocks of [ds | dt]ᵀ·z.
  matmulTransA(rt, nd, z, m.rowSlice(0, 2 * heads));
  if (edge) {
    const dee = rt.tensor(a.nnz, heads, 'workspace', { label: 'gat.edge score grads' });
    launch(rt, {
      ...base,
      entry: 'edge_score_grads',
      per: 'heads',
      operands: { ...graphOperands(a), dsc, dee },
      writes: 'dee',
    });
    matmulTransA(rt, dee, edge, m.rowSlice(2 * heads, 3 * heads));
    if (grads.dEdge) {
      launch(rt, {
        ...base,
        entry: 'edge_grads',
        per: 'chunks',
        rows: a.nnz,
        accumulate: true,
        operands: { dee, att, out: grads.dEdge },
        writes: 'out',
      });
    }
    rt.release(dee);
  }
  launch(rt, {
    ...base,
    entry: 'att_grads',
    per: 'chunks',
    rows: att.rows,
    accumulate: true,
    operands: { m, out: grads.dAtt },
    writes: 'out',
  });
  rt.release(dsc, nd, m);
}
