// ResGNN's "res+" block: y = x + f(x) at full width. It cannot be inverted, so it keeps its input
// (checkpoint) or its input and intermediates (store): O(L·N·D).
import type { StepContext } from '../nn/context';
import type { PreActBlock } from '../nn/preact-block';
import type { Tensor } from '../gpu/tensor';
import { add } from '../kernels/elementwise';
import type { Block, MemoryPolicy, Tape } from './block';

export class ResBlock implements Block {
  readonly invertible = false;
  constructor(readonly f: PreActBlock) {}

  forward(ctx: StepContext, x: Tensor, policy: MemoryPolicy): { y: Tensor; tape: Tape } {
    if (policy === 'reverse') {
      throw new Error('A residual block has no inverse: use the store or checkpoint policy.');
    }
    const y = ctx.rt.tensor(x.rows, x.cols, 'activations', { label: 'res.y' });
    const saved = this.f.forward(ctx, x, y, policy === 'store');
    add(ctx.rt, y, x, y);
    return { y, tape: { input: x, saved: [saved], exchange: null } };
  }

  backward(ctx: StepContext, y: Tensor, dy: Tensor, tape: Tape): { x: Tensor; dx: Tensor } {
    const x = tape.input!;
    // dx = dy + f'(x)ᵀ·dy, accumulated into dy's own buffer: f reads dy before it writes.
    this.f.backward(ctx, x, tape.saved[0], dy, dy, true);
    ctx.rt.release(y);
    return { x, dx: dy };
  }
}
