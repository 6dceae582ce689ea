// The shallow baselines of the paper's tables (DESIGN §1 "plain"): L operator layers with ReLU
// and dropout between them — no encoder, no residual, no normalisation, no head. The first layer
// reads the node features themselves (sparse or dense), the last writes the logits; with L = 2,
// 16 channels and GCN it is Kipf & Welling's network. Each layer's dropout is ordinary dropout:
// a fresh mask per layer (its seed mixes the step's seed with the layer), not the shared mask of
// the reversible blocks. Activations are stored, as autograd stores them (policy store).
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { dropout } from '../kernels/dropout';
import { relu, reluBackward } from '../kernels/elementwise';
import type { StepContext } from '../nn/context';
import { GcnOp } from '../nn/ops/gcn';
import { SageOp } from '../nn/ops/sage';
import { readsFeatures, releaseSaved, type Operator, type OpSaved } from '../nn/operator';
import { ParamStore, type Param } from '../nn/params';
import { assertValidConfig, type DataShape, type ModelConfig } from './config';
import type { LossFn, Model, StepResult } from './model';

/** The dropout seed of layer l's output in a step: distinct per layer, stable per step. */
export function layerDropoutSeed(stepSeed: number, layer: number): number {
  return (Math.imul(layer + 1, 0x9e3779b1) ^ stepSeed) >>> 0;
}

export class PlainNetwork implements Model {
  readonly store: ParamStore;
  readonly layers: Operator[] = [];

  constructor(
    readonly rt: GpuRuntime,
    readonly config: ModelConfig,
    readonly data: DataShape,
    seed: number,
  ) {
    assertValidConfig(config);
    if (config.model !== 'plain')
      throw new Error(`PlainNetwork builds plain, not ${config.model}.`);
    const L = config.layers;
    const widths = [data.inputDim, ...Array<number>(L - 1).fill(config.channels), data.outputDim];
    this.store = new ParamStore(rt, seed);
    for (let l = 0; l < L; l++)
      this.layers.push(this.makeOp(`layer${l}`, widths[l], widths[l + 1]));
    if (!readsFeatures(this.layers[0]) && data.inputKind === 'sparse') {
      throw new Error(
        `A plain ${config.op.toUpperCase()} network cannot read sparse node features: its ` +
          'operator has no sparse-input path. Use GCN or GraphSAGE, or a dataset with dense features.',
      );
    }
    this.store.finalize();
  }

  private makeOp(name: string, inDim: number, outDim: number): Operator {
    switch (this.config.op) {
      case 'gcn':
        return GcnOp.create(this.store, name, inDim, outDim);
      case 'sage':
        return SageOp.create(this.store, name, inDim, outDim);
      default:
        throw new Error(`A plain network has no ${this.config.op} layer.`);
    }
  }

  get paramCount(): number {
    return this.store.count;
  }

  /** The first layer's parameters (Kipf's GCN decays only these). */
  get firstLayer(): readonly Param[] {
    return this.layers[0].params;
  }

  trainStep(ctx: StepContext, lossFn: LossFn): StepResult {
    const { rt } = ctx;
    const N = ctx.graph.numNodes;
    const L = this.layers.length;
    // inputs[l] is layer l's input for l ≥ 1: ReLU then dropout of layer l − 1's output.
    const inputs: Tensor[] = [];
    const saved: (OpSaved | null)[] = [];
    let logits: Tensor | null = null;
    try {
      for (let l = 0; l < L; l++) {
        rt.allocator.setPhase(`forward ${l + 1}`);
        const out = this.layerForward(ctx, l, inputs[l - 1] ?? null, true, saved);
        if (l === L - 1) logits = out;
        else {
          relu(rt, out, out);
          this.applyDropout(ctx, l, out);
          inputs.push(out);
        }
      }
      rt.allocator.setPhase('loss');
      const dlogits = rt.tensor(N, this.data.outputDim, 'activations', { label: 'dlogits' });
      const loss = lossFn(logits!, dlogits);
      rt.release(logits);
      logits = null;
      let dout = dlogits;
      for (let l = L - 1; l >= 0; l--) {
        rt.allocator.setPhase(`backward ${l + 1}`);
        const op = this.layers[l];
        const s = saved[l]!;
        saved[l] = null;
        if (l === 0) {
          this.firstBackward(ctx, s, dout);
          rt.release(dout);
          break;
        }
        const x = inputs[l - 1];
        const dx = rt.tensor(N, op.inDim, 'activations', { label: `layer${l - 1}.dout` });
        op.backward(ctx, x, s, dout, dx, false);
        rt.release(dout);
        this.applyDropout(ctx, l - 1, dx);
        reluBackward(rt, x, dx, dx);
        dout = dx;
      }
      return { loss };
    } finally {
      for (let l = 0; l < saved.length; l++) releaseSaved(ctx, saved[l]);
      rt.release(logits, ...inputs);
      rt.allocator.setPhase('');
    }
  }

  forward(ctx: StepContext): Tensor {
    const { rt } = ctx;
    rt.allocator.setPhase('evaluate');
    let h: Tensor | null = null;
    for (let l = 0; l < this.layers.length; l++) {
      const out = this.layerForward(ctx, l, h, false, null);
      rt.release(h);
      h = out;
      if (l < this.layers.length - 1) {
        relu(rt, h, h);
        this.applyDropout(ctx, l, h);
      }
    }
    rt.allocator.setPhase('');
    return h!;
  }

  /** Layer l on its input (the node features for l = 0); returns its output. */
  private layerForward(
    ctx: StepContext,
    l: number,
    x: Tensor | null,
    keep: boolean,
    saved: (OpSaved | null)[] | null,
  ): Tensor {
    const { rt } = ctx;
    const op = this.layers[l];
    const last = l === this.layers.length - 1;
    const out = rt.tensor(
      ctx.graph.numNodes,
      op.outDim,
      keep || last ? 'activations' : 'workspace',
      {
        label: last ? 'logits' : `layer${l}.out`,
      },
    );
    let s: OpSaved | null;
    if (x) s = op.forward(ctx, x, out, keep);
    else {
      const f = ctx.graph.features;
      if (readsFeatures(op)) s = op.forwardFeatures(ctx, f, out, keep);
      else if (f.kind === 'dense') s = op.forward(ctx, f.x, out, keep);
      else throw new Error('A plain network cannot read sparse features with this operator.');
    }
    saved?.push(s);
    return out;
  }

  private firstBackward(ctx: StepContext, saved: OpSaved, dout: Tensor): void {
    const op = this.layers[0];
    const f = ctx.graph.features;
    if (readsFeatures(op)) {
      op.backwardFeatures(ctx, f, saved, dout);
      return;
    }
    if (f.kind !== 'dense') throw new Error('unreachable: sparse input refused at construction');
    // An operator without a features path computes the input gradient too; nothing uses it.
    const scratch = ctx.rt.tensor(f.x.rows, f.x.cols, 'workspace', { label: 'unused d(features)' });
    op.backward(ctx, f.x, saved, dout, scratch, false);
    ctx.rt.release(scratch);
  }

  private applyDropout(ctx: StepContext, layer: number, t: Tensor): void {
    if (ctx.dropout > 0)
      dropout(ctx.rt, t, t, { seed: layerDropoutSeed(ctx.seed, layer), p: ctx.dropout });
  }

  release(): void {
    this.store.release();
  }
}
