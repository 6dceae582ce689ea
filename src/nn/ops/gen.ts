// GEN (DeeperGCN): messages m_ij = relu(x_j + e_ij) + eps aggregated by max or softmax inside
// the kernel, then h = x + agg and out = h·W + b. Edge features e come from the step's shared
// edge embedding; this operator reads (and sends gradient to) its own columns of it.
import type { Tensor } from '../../gpu/tensor';
import { add, axpy } from '../../kernels/elementwise';
import { copy } from '../../kernels/copy';
import { columnSum, matmul, matmulTransA, matmulTransB } from '../../kernels/gemm';
import {
  genMaxBackward,
  genMaxForward,
  genSoftmaxBackward,
  genSoftmaxForward,
} from '../../kernels/aggregate';
import type { StepContext } from '../context';
import type { Operator, OpSaved } from '../operator';
import type { Param, ParamStore } from '../params';

export type GenAggregation = 'max' | 'softmax';

export const GEN_EPS = 1e-7;
/** Softmax temperature; fixed (DeeperGCN can learn it; we keep it constant). */
export const GEN_BETA = 1;

export class GenOp implements Operator {
  readonly kind = 'gen';
  readonly params: readonly Param[];
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    readonly aggregation: GenAggregation,
    readonly weight: Param,
    readonly bias: Param,
    /** Columns [c0, c1) of the edge embedding this operator uses. */
    readonly edgeCols: readonly [number, number],
  ) {
    this.params = [weight, bias];
  }

  static create(
    store: ParamStore,
    name: string,
    dim: number,
    aggregation: GenAggregation,
    edgeCols: readonly [number, number],
  ): GenOp {
    return new GenOp(
      dim,
      dim,
      aggregation,
      store.create(`${name}.weight`, dim, dim, { kind: 'glorot', fanIn: dim, fanOut: dim }),
      store.create(`${name}.bias`, 1, dim, { kind: 'const', value: 0 }),
      edgeCols,
    );
  }

  private edge(ctx: StepContext): Tensor | null {
    return ctx.edgeEmbedding
      ? ctx.edgeEmbedding.colSlice(this.edgeCols[0], this.edgeCols[1])
      : null;
  }

  forward(ctx: StepContext, x: Tensor, out: Tensor, keep: boolean): OpSaved | null {
    const { rt } = ctx;
    const { a } = ctx.graph.adjacency('raw');
    const n = x.rows;
    const w = this.inDim;
    const tag = keep ? 'activations' : 'workspace';
    const agg = rt.tensor(n, w, tag, { label: 'gen.agg' });
    const aux = rt.tensor(n, w, tag, {
      label: this.aggregation === 'max' ? 'gen.argmax' : 'gen.lse',
      dtype: this.aggregation === 'max' ? 'u32' : 'f32',
    });
    const h = rt.tensor(n, w, tag, { label: 'gen.h' });
    if (this.aggregation === 'max') genMaxForward(rt, a, x, this.edge(ctx), GEN_EPS, agg, aux);
    else genSoftmaxForward(rt, a, x, this.edge(ctx), GEN_EPS, GEN_BETA, agg, aux);
    add(rt, x, agg, h);
    matmul(rt, h, this.weight.value, out, { bias: this.bias.value });
    if (keep) return { tensors: [h, agg, aux] };
    rt.release(agg, aux, h);
    return null;
  }

  backward(
    ctx: StepContext,
    x: Tensor,
    saved: OpSaved,
    dout: Tensor,
    dx: Tensor,
    accumulate: boolean,
  ): void {
    const { rt } = ctx;
    const { a, aT } = ctx.graph.adjacency('raw');
    const [h, agg, aux] = saved.tensors;
    matmulTransA(rt, h, dout, this.weight.grad, { accumulate: true });
    columnSum(rt, dout, this.bias.grad, { accumulate: true });
    const dh = rt.tensor(x.rows, this.inDim, 'workspace', { label: 'gen.dh' });
    matmulTransB(rt, dout, this.weight.value, dh);
    // h = x + agg: the identity path first, then the aggregation's backward adds its share.
    if (accumulate) axpy(rt, 1, dh, dx);
    else copy(rt, dh, dx);
    const edge = this.edge(ctx);
    const dEdge = edge
      ? rt.tensor(edge.rows, edge.cols, 'workspace', { label: 'gen.dedge' })
      : null;
    if (this.aggregation === 'max') {
      genMaxBackward(rt, aT, a, x, edge, GEN_EPS, aux, dh, dx, dEdge, { accumulate: true });
    } else {
      genSoftmaxBackward(rt, aT, a, x, edge, GEN_EPS, GEN_BETA, agg, aux, dh, dx, dEdge, {
        accumulate: true,
      });
    }
    if (dEdge && ctx.edgeEmbeddingGrad) {
      axpy(rt, 1, dEdge, ctx.edgeEmbeddingGrad.colSlice(this.edgeCols[0], this.edgeCols[1]));
    }
    rt.release(dh, dEdge, h, agg, aux);
  }
}
