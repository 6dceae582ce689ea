// The DEQ-GNN equilibrium block (DESIGN §1), with input injection X:
//   Z' = Conv1(Z);  Z'' = Norm1(Z' + X);  Z''' = Conv2(Dropout(ReLU(Z'')));
//   F(Z, X) = Norm2(ReLU(Z''' + Z'))
// Full-width convolutions (GCN, SAGE or GEN) and LayerNorms with their own affine parameters.
// The dropout mask is the step's shared one (ctx.seed), so F is the same function at every
// solver iteration and in the backward.
import type { Tensor } from '../gpu/tensor';
import { add, axpy, relu, reluBackward } from '../kernels/elementwise';
import { copy } from '../kernels/copy';
import { dropout } from '../kernels/dropout';
import { layerNorm, layerNormBackward } from '../kernels/layernorm';
import type { StepContext } from '../nn/context';
import { releaseSaved, type Operator, type OpSaved } from '../nn/operator';
import type { Param, ParamStore } from '../nn/params';

/** F's intermediates at one Z, for its vector–Jacobian products. */
export interface DeqSaved {
  /** Z' + X: Norm1's input. */
  a: Tensor;
  /** Dropout(ReLU(Z'')): Conv2's input; positive exactly where Z'' was positive and kept. */
  act: Tensor;
  /** ReLU(Z''' + Z'): Norm2's input; positive exactly where its argument was. */
  c: Tensor;
  op1: OpSaved;
  op2: OpSaved;
}

export class DeqBlock {
  readonly params: readonly Param[];
  constructor(
    readonly conv1: Operator,
    readonly conv2: Operator,
    readonly norm1: { gamma: Param; beta: Param },
    readonly norm2: { gamma: Param; beta: Param },
  ) {
    this.params = [
      ...conv1.params,
      norm1.gamma,
      norm1.beta,
      ...conv2.params,
      norm2.gamma,
      norm2.beta,
    ];
  }

  static create(
    store: ParamStore,
    name: string,
    makeOp: (name: string) => Operator,
    width: number,
  ): DeqBlock {
    const norm = (n: string) => ({
      gamma: store.create(`${name}.${n}.gamma`, 1, width, { kind: 'const', value: 1 }),
      beta: store.create(`${name}.${n}.beta`, 1, width, { kind: 'const', value: 0 }),
    });
    const conv1 = makeOp(`${name}.conv1`);
    const norm1 = norm('norm1');
    const conv2 = makeOp(`${name}.conv2`);
    return new DeqBlock(conv1, conv2, norm1, norm('norm2'));
  }

  get width(): number {
    return this.conv1.inDim;
  }

  /** out ← F(z, x); with keep, returns what vjp needs (tag 'activations'). */
  forward(ctx: StepContext, z: Tensor, x: Tensor, out: Tensor, keep: boolean): DeqSaved | null {
    const { rt } = ctx;
    const n = z.rows;
    const D = this.width;
    const tag = keep ? 'activations' : 'workspace';
    const zp = rt.tensor(n, D, 'workspace', { label: 'deq.conv1' });
    const op1 = this.conv1.forward(ctx, z, zp, keep);
    const a = rt.tensor(n, D, tag, { label: 'deq.a' });
    add(rt, zp, x, a);
    const act = rt.tensor(n, D, tag, { label: 'deq.act' });
    layerNorm(rt, a, this.norm1.gamma.value, this.norm1.beta.value, act);
    relu(rt, act, act);
    this.applyDropout(ctx, act);
    const c = rt.tensor(n, D, tag, { label: 'deq.c' });
    const op2 = this.conv2.forward(ctx, act, c, keep);
    add(rt, c, zp, c);
    relu(rt, c, c);
    layerNorm(rt, c, this.norm2.gamma.value, this.norm2.beta.value, out);
    rt.release(zp);
    if (keep) return { a, act, c, op1: op1!, op2: op2! };
    rt.release(a, act, c);
    return null;
  }

  /**
   * dz ← (∂F/∂Z)ᵀ·dout at the z `saved` was taken at; dx (+)= (∂F/∂X)ᵀ·dout when given;
   * parameter gradients accumulate into whatever the params' grad views point at. With
   * consume the operators' saved tensors are used up (the last product); otherwise they are
   * copied first, so the adjoint solve can take one product per iteration from one forward.
   */
  vjp(
    ctx: StepContext,
    z: Tensor,
    saved: DeqSaved,
    dout: Tensor,
    dz: Tensor,
    dx: { t: Tensor; accumulate: boolean } | null,
    consume: boolean,
  ): void {
    const { rt } = ctx;
    const n = z.rows;
    const D = this.width;
    const op1 = consume ? saved.op1 : cloneSaved(ctx, saved.op1);
    const op2 = consume ? saved.op2 : cloneSaved(ctx, saved.op2);
    const db = rt.tensor(n, D, 'workspace', { label: 'deq.db' });
    const g2 = this.norm2;
    layerNormBackward(rt, saved.c, g2.gamma.value, dout, db, g2.gamma.grad, g2.beta.grad);
    reluBackward(rt, saved.c, db, db);
    const da = rt.tensor(n, D, 'workspace', { label: 'deq.da' });
    this.conv2.backward(ctx, saved.act, op2, db, da, false);
    this.applyDropout(ctx, da);
    reluBackward(rt, saved.act, da, da);
    const g1 = this.norm1;
    layerNormBackward(rt, saved.a, g1.gamma.value, da, da, g1.gamma.grad, g1.beta.grad);
    if (dx) {
      if (dx.accumulate) axpy(rt, 1, da, dx.t);
      else copy(rt, da, dx.t);
    }
    // Z' feeds both Norm1 (through a) and the skip into Norm2 (through c).
    add(rt, db, da, db);
    this.conv1.backward(ctx, z, op1, db, dz, false);
    rt.release(db, da);
  }

  release(ctx: StepContext, saved: DeqSaved | null): void {
    if (!saved) return;
    releaseSaved(ctx, saved.op1);
    releaseSaved(ctx, saved.op2);
    ctx.rt.release(saved.a, saved.act, saved.c);
  }

  private applyDropout(ctx: StepContext, t: Tensor): void {
    if (ctx.dropout > 0) dropout(ctx.rt, t, t, { seed: ctx.seed, p: ctx.dropout, colOffset: 0 });
  }
}

/** A bit-exact copy (buffer to buffer: u32 argmax indices must not pass through f32 math). */
function cloneSaved(ctx: StepContext, saved: OpSaved): OpSaved {
  const { rt } = ctx;
  return {
    tensors: saved.tensors.map((t) => {
      if (!t.isContiguous || t.isView)
        throw new Error(`DeqBlock: cannot copy the strided operator state ${t.owner}.`);
      const c = rt.tensor(t.rows, t.cols, 'workspace', {
        label: `${t.owner} copy`,
        dtype: t.dtype,
      });
      rt.batcher.copy(t.buffer, t.offset * 4, c.buffer, 0, t.numel * 4);
      return c;
    }),
  };
}
