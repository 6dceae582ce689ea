// GraphSAGE with mean aggregation over neighbours and self, two Linears:
// out = x·W_root + (M·x)·W_neigh + b, M the row-normalised (A + I).
import type { Tensor } from '../../gpu/tensor';
import { columnSum, matmul, matmulTransA, matmulTransB } from '../../kernels/gemm';
import { spmm } from '../../kernels/spmm';
import type { StepContext } from '../context';
import type { Operator, OpSaved } from '../operator';
import type { Param, ParamStore } from '../params';

export class SageOp implements Operator {
  readonly kind = 'sage';
  readonly params: readonly Param[];
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    readonly root: Param,
    readonly neigh: Param,
    readonly bias: Param,
  ) {
    this.params = [root, neigh, bias];
  }

  static create(store: ParamStore, name: string, dim: number): SageOp {
    const glorot = { kind: 'glorot', fanIn: dim, fanOut: dim } as const;
    return new SageOp(
      dim,
      dim,
      store.create(`${name}.root`, dim, dim, glorot),
      store.create(`${name}.neigh`, dim, dim, glorot),
      store.create(`${name}.bias`, 1, dim, { kind: 'const', value: 0 }),
    );
  }

  forward(ctx: StepContext, x: Tensor, out: Tensor, keep: boolean): OpSaved | null {
    const { rt } = ctx;
    const mean = rt.tensor(x.rows, this.inDim, keep ? 'activations' : 'workspace', {
      label: 'sage.mean',
    });
    spmm(rt, ctx.graph.adjacency('mean').a, x, mean);
    matmul(rt, x, this.root.value, out, { bias: this.bias.value });
    matmul(rt, mean, this.neigh.value, out, { accumulate: true });
    if (keep) return { tensors: [mean] };
    rt.release(mean);
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
    const [mean] = saved.tensors;
    matmulTransA(rt, x, dout, this.root.grad, { accumulate: true });
    matmulTransA(rt, mean, dout, this.neigh.grad, { accumulate: true });
    columnSum(rt, dout, this.bias.grad, { accumulate: true });
    const dmean = rt.tensor(x.rows, this.inDim, 'workspace', { label: 'sage.dmean' });
    matmulTransB(rt, dout, this.neigh.value, dmean);
    matmulTransB(rt, dout, this.root.value, dx, { accumulate });
    spmm(rt, ctx.graph.adjacency('mean').aT, dmean, dx, { accumulate: true });
    rt.release(dmean, mean);
  }
}
