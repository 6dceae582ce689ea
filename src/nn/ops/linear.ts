// Linear: out = x·W + b. The head's operator, the input and edge encoders' too.
import type { Tensor } from '../../gpu/tensor';
import { columnSum, matmul, matmulTransA, matmulTransB } from '../../kernels/gemm';
import type { StepContext } from '../context';
import type { Operator, OpSaved } from '../operator';
import type { Param, ParamStore } from '../params';

/** A Glorot-initialised inDim × outDim weight and a zero bias: `${name}.weight`, `${name}.bias`. */
export function weightAndBias(
  store: ParamStore,
  name: string,
  inDim: number,
  outDim: number,
): { weight: Param; bias: Param } {
  return {
    weight: store.create(`${name}.weight`, inDim, outDim, {
      kind: 'glorot',
      fanIn: inDim,
      fanOut: outDim,
    }),
    bias: store.create(`${name}.bias`, 1, outDim, { kind: 'const', value: 0 }),
  };
}

export class LinearOp implements Operator {
  readonly kind = 'linear';
  readonly params: readonly Param[];
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    readonly weight: Param,
    readonly bias: Param,
  ) {
    this.params = [weight, bias];
  }

  static create(store: ParamStore, name: string, inDim: number, outDim: number): LinearOp {
    const { weight, bias } = weightAndBias(store, name, inDim, outDim);
    return new LinearOp(inDim, outDim, weight, bias);
  }

  forward(ctx: StepContext, x: Tensor, out: Tensor, keep: boolean): OpSaved | null {
    matmul(ctx.rt, x, this.weight.value, out, { bias: this.bias.value });
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
    this.backwardParams(ctx, x, dout);
    matmulTransB(ctx.rt, dout, this.weight.value, dx, { accumulate });
  }

  /** Parameter gradients only: the encoders have no input gradient to pass on. */
  backwardParams(ctx: StepContext, x: Tensor, dout: Tensor): void {
    if (ctx.paramGrads === false) return;
    matmulTransA(ctx.rt, x, dout, this.weight.grad, { accumulate: true });
    columnSum(ctx.rt, dout, this.bias.grad, { accumulate: true });
  }
}
