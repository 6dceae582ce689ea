// The grouped reversible coupling (DESIGN §1), channels split into C contiguous groups:
//   y_0 = x_0 + f_0(x_1 + … + x_{C-1}),   y_i = x_i + f_i(y_{i-1})  (i ≥ 1)
// Under the reverse policy nothing is kept: backward rebuilds x from y group by group, last first,
// and each f is evaluated once there, serving both the inverse and the local recompute.
// Each group's step labels the allocator's events ("forward 3 · f1", "backward 3 · inverse 1"),
// so a measured step timeline can show which part of the coupling held which bytes.
import type { StepContext } from '../nn/context';
import type { BlockSaved, PreActBlock } from '../nn/preact-block';
import type { Tensor } from '../gpu/tensor';
import { add, sub, sumColumnBlocks } from '../kernels/elementwise';
import type { Block, MemoryPolicy, Tape } from './block';

/** Sets the allocator's phase to `base · what` (base: the layer's phase, e.g. "backward 3"). */
function groupPhase(ctx: StepContext, base: string, what: string): void {
  if (base) ctx.rt.allocator.setPhase(`${base} · ${what}`);
}

export class RevBlock implements Block {
  readonly invertible = true;
  readonly groups: number;
  readonly width: number;

  constructor(readonly fs: readonly PreActBlock[]) {
    if (fs.length < 2) throw new Error('A reversible block needs at least 2 groups.');
    this.groups = fs.length;
    this.width = fs[0].width;
  }

  private group(t: Tensor, i: number): Tensor {
    return t.colSlice(i * this.width, (i + 1) * this.width);
  }

  private exchange(ctx: StepContext, x: Tensor, keep: boolean): Tensor {
    const s = ctx.rt.tensor(x.rows, this.width, keep ? 'activations' : 'workspace', {
      label: 'rev.s',
    });
    sumColumnBlocks(ctx.rt, x, this.width, 1, this.groups - 1, s);
    return s;
  }

  forward(ctx: StepContext, x: Tensor, policy: MemoryPolicy): { y: Tensor; tape: Tape } {
    const { rt } = ctx;
    const base = rt.allocator.phase;
    const keep = policy === 'store';
    const y = rt.tensor(x.rows, x.cols, 'activations', { label: 'rev.y' });
    groupPhase(ctx, base, 'exchange');
    const s = this.exchange(ctx, x, keep);
    const saved: (BlockSaved | null)[] = [];
    groupPhase(ctx, base, 'f0');
    saved.push(this.fs[0].forward(ctx, s, this.group(y, 0), keep));
    add(rt, this.group(y, 0), this.group(x, 0), this.group(y, 0));
    for (let i = 1; i < this.groups; i++) {
      groupPhase(ctx, base, `f${i}`);
      saved.push(this.fs[i].forward(ctx, this.group(y, i - 1), this.group(y, i), keep));
      add(rt, this.group(y, i), this.group(x, i), this.group(y, i));
    }
    if (!keep) rt.release(s);
    if (base) rt.allocator.setPhase(base);
    return {
      y,
      tape: { input: policy === 'reverse' ? null : x, saved, exchange: keep ? s : null },
    };
  }

  backward(ctx: StepContext, y: Tensor, dy: Tensor, tape: Tape): { x: Tensor; dx: Tensor } {
    const { rt } = ctx;
    const base = rt.allocator.phase;
    const rebuild = tape.input === null;
    const out = rebuild ? rt.tensor(y.rows, this.width, 'workspace', { label: 'rev.f' }) : null;
    // ĝ_{i-1} = g_{i-1} + f_i'(y_{i-1})ᵀ·ĝ_i, accumulated into dy's group slots, last group first.
    for (let i = this.groups - 1; i >= 1; i--) {
      const f = this.fs[i];
      const input = this.group(y, i - 1);
      let saved = tape.saved[i];
      if (rebuild) {
        groupPhase(ctx, base, `inverse ${i}`);
        saved = f.forward(ctx, input, out!, true);
        sub(rt, this.group(y, i), out!, this.group(y, i)); // x_i = y_i − f_i(y_{i-1})
      }
      groupPhase(ctx, base, `grad ${i}`);
      f.backward(ctx, input, saved, this.group(dy, i), this.group(dy, i - 1), true);
    }
    // Group 0 sees the exchange term s = Σ_{i≥1} x_i, rebuilt from the x groups now in hand.
    const x = rebuild ? y : tape.input!;
    groupPhase(ctx, base, 'exchange');
    const s = tape.exchange ?? this.exchange(ctx, x, false);
    let saved0 = tape.saved[0];
    if (rebuild) {
      groupPhase(ctx, base, 'inverse 0');
      saved0 = this.fs[0].forward(ctx, s, out!, true);
      sub(rt, this.group(y, 0), out!, this.group(y, 0)); // x_0 = y_0 − f_0(s)
    }
    groupPhase(ctx, base, 'grad 0');
    const ds = rt.tensor(y.rows, this.width, 'workspace', { label: 'rev.ds' });
    this.fs[0].backward(ctx, s, saved0, this.group(dy, 0), ds, false);
    for (let i = 1; i < this.groups; i++) add(rt, this.group(dy, i), ds, this.group(dy, i));
    rt.release(ds, s, out);
    if (!rebuild) rt.release(y);
    if (base) rt.allocator.setPhase(base);
    return { x, dx: dy };
  }

  inverse(ctx: StepContext, y: Tensor): void {
    const { rt } = ctx;
    const out = rt.tensor(y.rows, this.width, 'workspace', { label: 'rev.f' });
    for (let i = this.groups - 1; i >= 1; i--) {
      this.fs[i].forward(ctx, this.group(y, i - 1), out, false);
      sub(rt, this.group(y, i), out, this.group(y, i));
    }
    const s = this.exchange(ctx, y, false);
    this.fs[0].forward(ctx, s, out, false);
    sub(rt, this.group(y, 0), out, this.group(y, 0));
    rt.release(out, s);
  }
}
