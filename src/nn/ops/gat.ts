// GAT (Veličković et al.; PyG's GATConv with concatenated heads): z = x·W, then per head the
// attention-weighted sum of z over each node's in-edges and its self-loop, then + b. Scores
// LeakyReLU(a_srcᵀ z_j + a_dstᵀ z_i [+ a_edgeᵀ e_ij]) use this operator's columns of the step's
// shared edge embedding when the data has edge features. Kept for backward: z and the attention
// weights ((nnz + N) × heads); without keep nothing survives the call, so under the reverse and
// checkpoint policies the scores are recomputed in the block's backward.
import type { Tensor } from '../../gpu/tensor';
import { biasAdd } from '../../kernels/elementwise';
import { gatBackward, gatForward, type GatInputs } from '../../kernels/gat';
import { columnSum, matmul, matmulTransA, matmulTransB } from '../../kernels/gemm';
import type { StepContext } from '../context';
import type { Operator, OpSaved } from '../operator';
import type { Param, ParamStore } from '../params';

export class GatOp implements Operator {
  readonly kind = 'gat';
  readonly params: readonly Param[];
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    readonly heads: number,
    readonly weight: Param,
    /** a_src, a_dst (and a_edge with edge features), one row each. */
    readonly att: Param,
    readonly bias: Param,
    /** Columns [c0, c1) of the edge embedding this operator scores with; null without edges. */
    readonly edgeCols: readonly [number, number] | null,
  ) {
    if (!Number.isInteger(heads) || heads < 1 || inDim % heads !== 0) {
      throw new Error(
        `GAT: ${heads} heads do not split the operator's ${inDim} channels evenly; ` +
          'the head count must divide the width.',
      );
    }
    this.params = [weight, att, bias];
  }

  static create(
    store: ParamStore,
    name: string,
    dim: number,
    heads: number,
    edgeCols: readonly [number, number] | null,
  ): GatOp {
    const dh = dim / heads;
    return new GatOp(
      dim,
      dim,
      heads,
      store.create(`${name}.weight`, dim, dim, { kind: 'glorot', fanIn: dim, fanOut: dim }),
      // PyG initialises each (1, heads, dh) attention vector by Glorot over its last two axes.
      store.create(`${name}.att`, edgeCols ? 3 : 2, dim, {
        kind: 'glorot',
        fanIn: heads,
        fanOut: dh,
      }),
      store.create(`${name}.bias`, 1, dim, { kind: 'const', value: 0 }),
      edgeCols,
    );
  }

  private inputs(ctx: StepContext, z: Tensor): GatInputs {
    let edge: Tensor | null = null;
    if (this.edgeCols) {
      if (!ctx.edgeEmbedding) {
        throw new Error('GAT was built for edge features, but this step has no edge embedding.');
      }
      edge = ctx.edgeEmbedding.colSlice(this.edgeCols[0], this.edgeCols[1]);
    }
    return { a: ctx.graph.adjacency('raw').a, z, att: this.att.value, edge, heads: this.heads };
  }

  forward(ctx: StepContext, x: Tensor, out: Tensor, keep: boolean): OpSaved | null {
    const { rt } = ctx;
    const tag = keep ? 'activations' : 'workspace';
    const z = rt.tensor(x.rows, this.outDim, tag, { label: 'gat.z' });
    matmul(rt, x, this.weight.value, z);
    const alpha = gatForward(rt, this.inputs(ctx, z), out, tag);
    biasAdd(rt, out, this.bias.value);
    if (keep) return { tensors: [z, alpha] };
    rt.release(z, alpha);
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
    const [z, alpha] = saved.tensors;
    const dz = rt.tensor(x.rows, this.outDim, 'workspace', { label: 'gat.dz' });
    const dEdge =
      this.edgeCols && ctx.edgeEmbeddingGrad
        ? ctx.edgeEmbeddingGrad.colSlice(this.edgeCols[0], this.edgeCols[1])
        : null;
    gatBackward(rt, this.inputs(ctx, z), ctx.graph.adjacency('raw').aT, alpha, dout, {
      dz,
      dAtt: this.att.grad,
      dEdge,
    });
    columnSum(rt, dout, this.bias.grad, { accumulate: true });
    matmulTransA(rt, x, dz, this.weight.grad, { accumulate: true });
    matmulTransB(rt, dz, this.weight.value, dx, { accumulate });
    rt.release(dz, z, alpha);
  }
}
