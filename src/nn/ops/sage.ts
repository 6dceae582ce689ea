// GraphSAGE with mean aggregation over neighbours and self, two Linears:
// out = x·W_root + (M·x)·W_neigh + b, M the row-normalised (A + I). On the node features
// themselves (a plain network's first layer) the same map is x·W_root + M·(x·W_neigh) + b, so the
// sparse product runs at the output width and a sparse input is never aggregated whole.
import type { Tensor } from '../../gpu/tensor';
import { columnSum, matmul, matmulTransA, matmulTransB } from '../../kernels/gemm';
import { spmm } from '../../kernels/spmm';
import { biasAdd } from '../../kernels/elementwise';
import type { FeaturesGpu, StepContext } from '../context';
import { featuresTimes, featuresTransposeTimes } from '../feature-product';
import type { FeatureInputOperator, OpSaved } from '../operator';
import type { Param, ParamStore } from '../params';

export class SageOp implements FeatureInputOperator {
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

  static create(store: ParamStore, name: string, inDim: number, outDim = inDim): SageOp {
    const glorot = { kind: 'glorot', fanIn: inDim, fanOut: outDim } as const;
    return new SageOp(
      inDim,
      outDim,
      store.create(`${name}.root`, inDim, outDim, glorot),
      store.create(`${name}.neigh`, inDim, outDim, glorot),
      store.create(`${name}.bias`, 1, outDim, { kind: 'const', value: 0 }),
    );
  }

  forwardFeatures(ctx: StepContext, x: FeaturesGpu, out: Tensor, keep: boolean): OpSaved | null {
    const { rt } = ctx;
    const xn = rt.tensor(out.rows, this.outDim, 'workspace', { label: 'sage.xW_neigh' });
    featuresTimes(rt, x, this.neigh.value, xn);
    featuresTimes(rt, x, this.root.value, out);
    spmm(rt, ctx.graph.adjacency('mean').a, xn, out, { accumulate: true });
    biasAdd(rt, out, this.bias.value);
    rt.release(xn);
    return keep ? { tensors: [] } : null;
  }

  backwardFeatures(ctx: StepContext, x: FeaturesGpu, _saved: OpSaved, dout: Tensor): void {
    const { rt } = ctx;
    featuresTransposeTimes(rt, x, dout, this.root.grad, { accumulate: true });
    const dxn = rt.tensor(dout.rows, this.outDim, 'workspace', { label: 'sage.dxW_neigh' });
    spmm(rt, ctx.graph.adjacency('mean').aT, dout, dxn);
    featuresTransposeTimes(rt, x, dxn, this.neigh.grad, { accumulate: true });
    columnSum(rt, dout, this.bias.grad, { accumulate: true });
    rt.release(dxn);
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
    if (ctx.paramGrads !== false) {
      matmulTransA(rt, x, dout, this.root.grad, { accumulate: true });
      matmulTransA(rt, mean, dout, this.neigh.grad, { accumulate: true });
      columnSum(rt, dout, this.bias.grad, { accumulate: true });
    }
    const dmean = rt.tensor(x.rows, this.inDim, 'workspace', { label: 'sage.dmean' });
    matmulTransB(rt, dout, this.neigh.value, dmean);
    matmulTransB(rt, dout, this.root.value, dx, { accumulate });
    spmm(rt, ctx.graph.adjacency('mean').aT, dmean, dx, { accumulate: true });
    rt.release(dmean, mean);
  }
}
