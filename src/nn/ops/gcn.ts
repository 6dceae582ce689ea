// GCN (Kipf & Welling): out = Â·(x·W) + b with Â = D^-1/2 (A + I) D^-1/2.
// Multiplying by W first keeps the sparse product at the layer's width; nothing is kept for
// backward beyond the input the block already has.
import type { Tensor } from '../../gpu/tensor';
import { biasAdd } from '../../kernels/elementwise';
import { columnSum, matmul, matmulTransA, matmulTransB } from '../../kernels/gemm';
import { spmm } from '../../kernels/spmm';
import type { StepContext } from '../context';
import type { Operator, OpSaved } from '../operator';
import type { Param, ParamStore } from '../params';

export class GcnOp implements Operator {
  readonly kind = 'gcn';
  readonly params: readonly Param[];
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    readonly weight: Param,
    readonly bias: Param,
  ) {
    this.params = [weight, bias];
  }

  static create(store: ParamStore, name: string, dim: number): GcnOp {
    return new GcnOp(
      dim,
      dim,
      store.create(`${name}.weight`, dim, dim, { kind: 'glorot', fanIn: dim, fanOut: dim }),
      store.create(`${name}.bias`, 1, dim, { kind: 'const', value: 0 }),
    );
  }

  forward(ctx: StepContext, x: Tensor, out: Tensor, keep: boolean): OpSaved | null {
    const { rt } = ctx;
    const xw = rt.tensor(x.rows, this.outDim, 'workspace', { label: 'gcn.xw' });
    matmul(rt, x, this.weight.value, xw);
    spmm(rt, ctx.graph.adjacency('gcn').a, xw, out);
    biasAdd(rt, out, this.bias.value);
    rt.release(xw);
    return keep ? { tensors: [] } : null;
  }

  backward(
    ctx: StepContext,
    x: Tensor,
    _saved: OpSaved,
    dout: Tensor,
    dx: Tensor,
    accumulate: boolean,
  ): void {
    const { rt } = ctx;
    const dxw = rt.tensor(x.rows, this.outDim, 'workspace', { label: 'gcn.dxw' });
    spmm(rt, ctx.graph.adjacency('gcn').aT, dout, dxw);
    matmulTransA(rt, x, dxw, this.weight.grad, { accumulate: true });
    columnSum(rt, dout, this.bias.grad, { accumulate: true });
    matmulTransB(rt, dxw, this.weight.value, dx, { accumulate });
    rt.release(dxw);
  }
}
