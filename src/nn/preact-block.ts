// The block function f(x) = Op(Dropout_shared(ReLU(LayerNorm(x)))) — pre-activation, no norm
// after the operator (DESIGN §1). Its backward uses kept intermediates, or recomputes them from
// the input when the memory policy kept none.
import type { Tensor } from '../gpu/tensor';
import { relu, reluBackward } from '../kernels/elementwise';
import { layerNorm, layerNormBackward } from '../kernels/layernorm';
import { dropout } from '../kernels/dropout';
import type { StepContext } from './context';
import type { Operator, OpSaved } from './operator';
import type { Param, ParamStore } from './params';

export interface BlockSaved {
  /** Dropout(ReLU(LN(x))): the operator's input. Where it is positive, LN(x) was positive. */
  act: Tensor;
  op: OpSaved | null;
}

export class PreActBlock {
  readonly params: readonly Param[];
  constructor(
    readonly gamma: Param,
    readonly beta: Param,
    readonly op: Operator,
    /** Column offset of this block's slice in the N×D shared dropout mask. */
    readonly maskCol: number,
  ) {
    this.params = [gamma, beta, ...op.params];
  }

  static create(store: ParamStore, name: string, op: Operator, maskCol: number): PreActBlock {
    return new PreActBlock(
      store.create(`${name}.norm.gamma`, 1, op.inDim, { kind: 'const', value: 1 }),
      store.create(`${name}.norm.beta`, 1, op.inDim, { kind: 'const', value: 0 }),
      op,
      maskCol,
    );
  }

  get width(): number {
    return this.op.inDim;
  }

  /** out ← f(x); with keep, returns what backward needs. */
  forward(ctx: StepContext, x: Tensor, out: Tensor, keep: boolean): BlockSaved | null {
    const { rt } = ctx;
    const act = rt.tensor(x.rows, this.width, keep ? 'activations' : 'workspace', {
      label: 'block.act',
    });
    layerNorm(rt, x, this.gamma.value, this.beta.value, act);
    relu(rt, act, act);
    this.applyDropout(ctx, act);
    const op = this.op.forward(ctx, act, out, keep);
    if (keep) return { act, op };
    rt.release(act);
    return null;
  }

  /**
   * dx (+)= VJP of f at x for the output gradient dout; parameter gradients accumulate.
   * Consumes saved; when saved is null the intermediates are recomputed from x first.
   */
  backward(
    ctx: StepContext,
    x: Tensor,
    saved: BlockSaved | null,
    dout: Tensor,
    dx: Tensor,
    accumulate: boolean,
  ): void {
    const { rt } = ctx;
    let kept = saved;
    if (!kept) {
      const scratch = rt.tensor(x.rows, this.op.outDim, 'workspace', { label: 'block.recompute' });
      kept = this.forward(ctx, x, scratch, true)!;
      rt.release(scratch);
    }
    const dact = rt.tensor(x.rows, this.width, 'workspace', { label: 'block.dact' });
    this.op.backward(ctx, kept.act, kept.op!, dout, dact, false);
    this.applyDropout(ctx, dact);
    reluBackward(rt, kept.act, dact, dact);
    layerNormBackward(rt, x, this.gamma.value, dact, dx, this.gamma.grad, this.beta.grad, {
      accumulate,
    });
    rt.release(dact, kept.act);
  }

  private applyDropout(ctx: StepContext, t: Tensor): void {
    if (ctx.dropout > 0)
      dropout(ctx.rt, t, t, { seed: ctx.seed, p: ctx.dropout, colOffset: this.maskCol });
  }
}
