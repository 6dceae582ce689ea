// A layer of the deep stack, under one of the memory policies of DESIGN §2. The policy decides
// what a block keeps between its forward and its backward; the block API is the same for all.
import type { Tensor } from '../gpu/tensor';
import type { StepContext } from '../nn/context';
import type { BlockSaved } from '../nn/preact-block';

/** store: keep intermediates; checkpoint: keep the input; reverse: keep nothing. */
export type MemoryPolicy = 'store' | 'checkpoint' | 'reverse';

export interface Tape {
  /** The block's input, kept under store and checkpoint. */
  input: Tensor | null;
  /** Per block function, its intermediates under store. */
  saved: (BlockSaved | null)[];
  /** The rev coupling's exchange term under store. */
  exchange: Tensor | null;
}

export interface Block {
  readonly invertible: boolean;
  /** y ← block(x). Does not release x: under reverse the caller does. */
  forward(ctx: StepContext, x: Tensor, policy: MemoryPolicy): { y: Tensor; tape: Tape };
  /**
   * Takes the output y and its gradient dy (both owned by the block from here) and returns the
   * input x and its gradient. Under reverse both are rewritten in place: y becomes x, dy becomes dx.
   */
  backward(ctx: StepContext, y: Tensor, dy: Tensor, tape: Tape): { x: Tensor; dx: Tensor };
  /** x ← inverse(y) in place (reversible blocks only), for reconstruction checks. */
  inverse?(ctx: StepContext, y: Tensor): void;
}
