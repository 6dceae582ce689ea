// GCN (Kipf & Welling): out = Â·(x·W) + b with Â = D^-1/2 (A + I) D^-1/2.
// Multiplying by W first keeps the sparse product at the layer's output width; nothing is kept
// for backward beyond the input the block already has. The input may be the node features
// themselves (a plain network's first layer), sparse or dense.
import type { Tensor } from '../../gpu/tensor';
import { biasAdd } from '../../kernels/elementwise';
import { columnSum, matmulTransB } from '../../kernels/gemm';
import { spmm } from '../../kernels/spmm';
import type { FeaturesGpu, StepContext } from '../context';
import { featuresTimes, featuresTransposeTimes } from '../feature-product';
import type { FeatureInputOperator, OpSaved } from '../operator';
import { weightAndBias } from './linear';
import type { Param, ParamStore } from '../params';

export class GcnOp implements FeatureInputOperator {
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

  static create(store: ParamStore, name: string, inDim: number, outDim = inDim): GcnOp {
    const { weight, bias } = weightAndBias(store, name, inDim, outDim);
    return new GcnOp(inDim, outDim, weight, bias);
  }

  forward(ctx: StepContext, x: Tensor, out: Tensor, keep: boolean): OpSaved | null {
    return this.forwardFeatures(ctx, { kind: 'dense', x }, out, keep);
  }

  forwardFeatures(ctx: StepContext, x: FeaturesGpu, out: Tensor, keep: boolean): OpSaved | null {
    const { rt } = ctx;
    const xw = rt.tensor(out.rows, this.outDim, 'workspace', { label: 'gcn.xw' });
    featuresTimes(rt, x, this.weight.value, xw);
    spmm(rt, ctx.graph.adjacency('gcn').a, xw, out);
    biasAdd(rt, out, this.bias.value);
    rt.release(xw);
    return keep ? { tensors: [] } : null;
  }

  backwardFeatures(ctx: StepContext, x: FeaturesGpu, _saved: OpSaved, dout: Tensor): void {
    const dxw = this.backwardParams(ctx, x, dout);
    ctx.rt.release(dxw);
  }

  /** Parameter gradients; returns Âᵀ·dout (the gradient of x·W) for the caller to release. */
  private backwardParams(ctx: StepContext, x: FeaturesGpu, dout: Tensor): Tensor {
    const { rt } = ctx;
    const dxw = rt.tensor(dout.rows, this.outDim, 'workspace', { label: 'gcn.dxw' });
    spmm(rt, ctx.graph.adjacency('gcn').aT, dout, dxw);
    if (ctx.paramGrads !== false) {
      featuresTransposeTimes(rt, x, dxw, this.weight.grad, { accumulate: true });
      columnSum(rt, dout, this.bias.grad, { accumulate: true });
    }
    return dxw;
  }

  backward(
    ctx: StepContext,
    x: Tensor,
    _saved: OpSaved,
    dout: Tensor,
    dx: Tensor,
    accumulate: boolean,
  ): void {
    const dxw = this.backwardParams(ctx, { kind: 'dense', x }, dout);
    matmulTransB(ctx.rt, dxw, this.weight.value, dx, { accumulate });
    ctx.rt.release(dxw);
  }
}
