// GEN (DeeperGCN): messages m_ij = relu(x_j + e_ij) + eps aggregated by max, softmax (temperature
// β, DeeperGCN's t) or power mean (exponent p) inside the kernel, then h = x + agg and
// out = h·W + b. β and p start at 1 and are learned unless the model keeps them fixed, as the
// official code's --learn_t / --learn_p choose. Edge features e come from the step's shared edge
// embedding; this operator reads (and sends gradient to) its own columns of it.
import type { Tensor } from '../../gpu/tensor';
import { add, axpy } from '../../kernels/elementwise';
import { copy } from '../../kernels/copy';
import { columnSum, matmul, matmulTransA, matmulTransB } from '../../kernels/gemm';
import {
  aggregationState,
  genMaxBackward,
  genMaxForward,
  genSoftmaxBackward,
  genSoftmaxBetaGrad,
  genSoftmaxForward,
} from '../../kernels/aggregate';
import { genPowerBackward, genPowerForward, genPowerPGrad } from '../../kernels/power-mean';
import type { StepContext } from '../context';
import type { Operator, OpSaved } from '../operator';
import type { Param, ParamStore } from '../params';

export type GenAggregation = 'max' | 'softmax' | 'power';

export const GEN_EPS = 1e-7;
/** β and p before training (and always, when they are not learned). */
export const GEN_PARAM_INIT = 1;

/** The learned parameter's name suffix: DeeperGCN's t (softmax) and p (power). */
export function genParamName(aggregation: GenAggregation): string | null {
  return aggregation === 'softmax' ? 't' : aggregation === 'power' ? 'p' : null;
}

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
    /** β (softmax) or p (power) when learned; null for max or a fixed value. */
    readonly scalar: Param | null = null,
  ) {
    this.params = scalar ? [weight, bias, scalar] : [weight, bias];
  }

  static create(
    store: ParamStore,
    name: string,
    dim: number,
    aggregation: GenAggregation,
    edgeCols: readonly [number, number],
    learn = true,
  ): GenOp {
    const suffix = genParamName(aggregation);
    return new GenOp(
      dim,
      dim,
      aggregation,
      store.create(`${name}.weight`, dim, dim, { kind: 'glorot', fanIn: dim, fanOut: dim }),
      store.create(`${name}.bias`, 1, dim, { kind: 'const', value: 0 }),
      edgeCols,
      suffix && learn
        ? store.create(`${name}.${suffix}`, 1, 1, { kind: 'const', value: GEN_PARAM_INIT })
        : null,
    );
  }

  private edge(ctx: StepContext): Tensor | null {
    return ctx.edgeEmbedding
      ? ctx.edgeEmbedding.colSlice(this.edgeCols[0], this.edgeCols[1])
      : null;
  }

  /** aux (argmax, lse or power coefficients) and β / p as the kernels take it, from the state. */
  private views(state: Tensor, rows: number): { aux: Tensor; param: Tensor | number } {
    const aux = state.rowSlice(0, rows);
    if (this.aggregation === 'max' || !this.scalar) return { aux, param: GEN_PARAM_INIT };
    return { aux, param: state.rowSlice(rows, rows + 1).colSlice(0, 1) };
  }

  forward(ctx: StepContext, x: Tensor, out: Tensor, keep: boolean): OpSaved | null {
    const { rt } = ctx;
    const { a } = ctx.graph.adjacency('raw');
    const n = x.rows;
    const w = this.inDim;
    const tag = keep ? 'activations' : 'workspace';
    const agg = rt.tensor(n, w, tag, { label: 'gen.agg' });
    const { state } = aggregationState(rt, n, w, tag, {
      label: `gen.${this.aggregation} state`,
      dtype: this.aggregation === 'max' ? 'u32' : 'f32',
    });
    const h = rt.tensor(n, w, tag, { label: 'gen.h' });
    const { aux, param } = this.views(state, n);
    if (typeof param !== 'number') copy(rt, this.scalar!.value, param);
    const edge = this.edge(ctx);
    if (this.aggregation === 'max') genMaxForward(rt, a, x, edge, GEN_EPS, agg, aux);
    else if (this.aggregation === 'softmax')
      genSoftmaxForward(rt, a, x, edge, GEN_EPS, param, agg, aux);
    else genPowerForward(rt, a, x, edge, GEN_EPS, param, agg, aux);
    add(rt, x, agg, h);
    matmul(rt, h, this.weight.value, out, { bias: this.bias.value });
    if (keep) return { tensors: [h, agg, state] };
    rt.release(agg, state, h);
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
    const [h, agg, state] = saved.tensors;
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
    const { aux, param } = this.views(state, x.rows);
    const acc = { accumulate: true };
    const eps = GEN_EPS;
    if (this.aggregation === 'max') {
      genMaxBackward(rt, aT, a, x, edge, eps, aux, dh, dx, dEdge, acc);
    } else if (this.aggregation === 'softmax') {
      genSoftmaxBackward(rt, aT, a, x, edge, eps, param, agg, aux, dh, dx, dEdge, acc);
      if (this.scalar)
        genSoftmaxBetaGrad(rt, a, x, edge, eps, param, agg, aux, dh, this.scalar.grad);
    } else {
      genPowerBackward(rt, aT, a, x, edge, eps, param, aux, dh, dx, dEdge, acc);
      if (this.scalar) genPowerPGrad(rt, a, x, edge, eps, param, aux, dh, this.scalar.grad);
    }
    if (dEdge && ctx.edgeEmbeddingGrad) {
      axpy(rt, 1, dEdge, ctx.edgeEmbeddingGrad.colSlice(this.edgeCols[0], this.edgeCols[1]));
    }
    rt.release(dh, dEdge, h, agg, state);
  }
}
