// The whole network: encoder → L blocks → head (LayerNorm → ReLU → dropout → Linear), with the
// memory policy deciding what survives between forward and backward.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { sub } from '../kernels/elementwise';
import { copy } from '../kernels/copy';
import { sumSquares } from '../kernels/reduce';
import type { StepContext } from '../nn/context';
import { GatOp } from '../nn/ops/gat';
import { GcnOp } from '../nn/ops/gcn';
import { GenOp } from '../nn/ops/gen';
import { LinearOp } from '../nn/ops/linear';
import { SageOp } from '../nn/ops/sage';
import type { Operator } from '../nn/operator';
import { ParamStore } from '../nn/params';
import { PreActBlock } from '../nn/preact-block';
import type { Block, MemoryPolicy, Tape } from './block';
import {
  assertValidConfig,
  defaultPolicy,
  isReversible,
  usesEdgeEmbedding,
  type DataShape,
  type ModelConfig,
} from './config';
import { EdgeEncoder, NodeEncoder } from './encoders';
import { ResBlock } from './res-block';
import type { LossFn, Model, StepResult } from './model';
import { RevBlock } from './rev-block';

export class Network implements Model {
  readonly store: ParamStore;
  readonly encoder: NodeEncoder;
  readonly edgeEncoder: EdgeEncoder | null;
  readonly blocks: Block[] = [];
  readonly head: PreActBlock;
  readonly policy: MemoryPolicy;

  constructor(
    readonly rt: GpuRuntime,
    readonly config: ModelConfig,
    readonly data: DataShape,
    seed: number,
  ) {
    assertValidConfig(config);
    if (config.model === 'deq') throw new Error('DEQ-GNN is built by the deq model, not Network.');
    this.policy = config.policy ?? defaultPolicy(config.model);
    const D = config.channels;
    this.store = new ParamStore(rt, seed);
    this.encoder = new NodeEncoder(this.store, data.inputDim, D);
    this.edgeEncoder =
      usesEdgeEmbedding(config.op) && data.edgeDim > 0
        ? new EdgeEncoder(this.store, data.edgeDim, D)
        : null;
    if (isReversible(config.model)) this.buildRev();
    else this.buildRes();
    this.head = PreActBlock.create(
      this.store,
      'head',
      LinearOp.create(this.store, 'head.linear', D, data.outputDim),
      0,
    );
    this.store.finalize();
  }

  private makeOp(name: string, width: number, group: number): Operator {
    const cfg = this.config;
    switch (cfg.op) {
      case 'gcn':
        return GcnOp.create(this.store, name, width);
      case 'sage':
        return SageOp.create(this.store, name, width);
      case 'gen':
        return GenOp.create(
          this.store,
          name,
          width,
          cfg.aggregation,
          [group * width, (group + 1) * width],
          cfg.learnAggr !== false,
        );
      case 'gat':
        return GatOp.create(
          this.store,
          name,
          width,
          cfg.heads ?? 1,
          this.edgeEncoder ? [group * width, (group + 1) * width] : null,
        );
    }
  }

  private makeFunction(name: string, width: number, group: number): PreActBlock {
    return PreActBlock.create(
      this.store,
      name,
      this.makeOp(`${name}.conv`, width, group),
      group * width,
    );
  }

  private buildRes(): void {
    const D = this.config.channels;
    for (let l = 0; l < this.config.layers; l++)
      this.blocks.push(new ResBlock(this.makeFunction(`layer${l}`, D, 0)));
  }

  private buildRev(): void {
    const { layers, groups, channels, model, tying } = this.config;
    const w = channels / groups;
    const fresh = (name: string) =>
      Array.from({ length: groups }, (_, i) => this.makeFunction(`${name}.group${i}`, w, i));
    let shared: PreActBlock[] | null = null;
    for (let l = 0; l < layers; l++) {
      let fs: PreActBlock[];
      if (model === 'wtrev' && (tying === 'all' || l > 0)) fs = shared ??= fresh('tied');
      else fs = fresh(`layer${l}`);
      this.blocks.push(new RevBlock(fs));
    }
  }

  get paramCount(): number {
    return this.store.count;
  }

  /**
   * One forward and backward pass; parameter gradients accumulate into the store's grads.
   * Returns GPU tensors (the caller reads them when it wants, and releases them).
   */
  trainStep(
    ctx: StepContext,
    lossFn: LossFn,
    opts: { measureReconstruction?: boolean } = {},
  ): StepResult {
    const { rt } = ctx;
    const N = ctx.graph.numNodes;
    rt.allocator.setPhase('encode');
    this.edgeEncoder?.forward(ctx, true);
    let h = this.encoder.forward(ctx);
    const reference =
      opts.measureReconstruction && this.policy === 'reverse' ? this.copyOf(ctx, h) : null;

    const tapes: Tape[] = [];
    for (let l = 0; l < this.blocks.length; l++) {
      rt.allocator.setPhase(`forward ${l + 1}`);
      const { y, tape } = this.blocks[l].forward(ctx, h, this.policy);
      if (this.policy === 'reverse') rt.release(h);
      tapes.push(tape);
      h = y;
    }

    rt.allocator.setPhase('head');
    const logits = rt.tensor(N, this.data.outputDim, 'activations', { label: 'logits' });
    const headSaved = this.head.forward(ctx, h, logits, true);
    const dlogits = rt.tensor(N, this.data.outputDim, 'activations', { label: 'dlogits' });
    const loss = lossFn(logits, dlogits);
    let dh = rt.tensor(N, this.config.channels, 'activations', { label: 'dh' });
    this.head.backward(ctx, h, headSaved, dlogits, dh, false);
    rt.release(logits, dlogits);

    for (let l = this.blocks.length - 1; l >= 0; l--) {
      rt.allocator.setPhase(`backward ${l + 1}`);
      const { x, dx } = this.blocks[l].backward(ctx, h, dh, tapes[l]);
      h = x;
      dh = dx;
    }

    rt.allocator.setPhase('encode backward');
    this.encoder.backward(ctx, dh);
    this.edgeEncoder?.backward(ctx);
    const result: StepResult = { loss };
    if (reference) result.reconstruction = this.compare(ctx, h, reference);
    rt.release(h, dh, reference);
    this.edgeEncoder?.release(ctx);
    rt.allocator.setPhase('');
    return result;
  }

  /** Inference: logits for every node, keeping nothing between blocks. */
  forward(ctx: StepContext): Tensor {
    const { rt } = ctx;
    rt.allocator.setPhase('evaluate');
    this.edgeEncoder?.forward(ctx, false);
    let h = this.encoder.forward(ctx);
    for (const block of this.blocks) {
      const { y } = block.forward(ctx, h, 'checkpoint');
      rt.release(h);
      h = y;
    }
    const logits = rt.tensor(ctx.graph.numNodes, this.data.outputDim, 'activations', {
      label: 'logits',
    });
    this.head.forward(ctx, h, logits, false);
    rt.release(h);
    this.edgeEncoder?.release(ctx);
    rt.allocator.setPhase('');
    return logits;
  }

  private copyOf(ctx: StepContext, t: Tensor): Tensor {
    const c = ctx.rt.tensor(t.rows, t.cols, 'workspace', { label: 'reconstruction reference' });
    copy(ctx.rt, t, c);
    return c;
  }

  private compare(
    ctx: StepContext,
    rebuilt: Tensor,
    reference: Tensor,
  ): { errSq: Tensor; refSq: Tensor } {
    const { rt } = ctx;
    const diff = rt.tensor(rebuilt.rows, rebuilt.cols, 'workspace', {
      label: 'reconstruction diff',
    });
    sub(rt, rebuilt, reference, diff);
    const errSq = rt.tensor(1, 1, 'io', { label: 'reconstruction err²' });
    const refSq = rt.tensor(1, 1, 'io', { label: 'reconstruction ref²' });
    sumSquares(rt, diff, errSq);
    sumSquares(rt, reference, refSq);
    rt.release(diff);
    return { errSq, refSq };
  }

  release(): void {
    this.store.release();
  }
}
