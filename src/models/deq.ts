// DEQ-GNN (DESIGN §1): encoder → the fixed point Z* = F(Z*, X) of one equilibrium block → head.
// The forward solves for Z* with Broyden's method from Z = 0; the backward never looks at the
// forward's iterations: it solves the adjoint fixed point g = (∂F/∂Z)ᵀ·g + dL/dZ* at Z* with the
// same solver, one vector–Jacobian product of F per iteration, then takes one more product for
// the parameter and input gradients. What survives between forward and backward is Z* and the
// encoded input X (tag 'activations'); each solve's history is its own 'workspace', freed when
// it returns — so memory does not depend on the iteration cap (`layers`).
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import type { MemoryTag } from '../gpu/memory-tags';
import { scale } from '../kernels/elementwise';
import type { StepContext } from '../nn/context';
import { GatOp } from '../nn/ops/gat';
import { GcnOp } from '../nn/ops/gcn';
import { GenOp } from '../nn/ops/gen';
import { LinearOp } from '../nn/ops/linear';
import { SageOp } from '../nn/ops/sage';
import type { Operator } from '../nn/operator';
import { ParamStore, type Param } from '../nn/params';
import { PreActBlock } from '../nn/preact-block';
import {
  assertValidConfig,
  DEQ_DEFAULTS,
  usesEdgeEmbedding,
  type DataShape,
  type ModelConfig,
} from './config';
import { DeqBlock } from './deq-block';
import { EdgeEncoder, NodeEncoder } from './encoders';
import type { LossFn, Model, SolverStats, StepResult } from './model';
import { adjointStep, JACOBIAN_STEP } from './deq-adjoint';
import { solveFixedPoint, type SolveOutcome } from './solvers/fixed-point';

/**
 * Depth of the weight-tied unrolled network used during warm-up (capped by `layers`): the DEQ
 * papers pretrain with a shallow stack of the same block before switching to the solver.
 */
export const WARMUP_DEPTH = 6;

/**
 * Conv1's weights start at this fraction of their Glorot draw. Z enters F only through Conv1, so
 * this bounds ‖∂F/∂Z‖ at initialisation — the usual DEQ practice of a small initial scale for
 * the recurrent weights. Measured at initialisation: with the full Glorot scale plain iteration
 * cycles and both Broyden and a float64 Anderson stall or diverge on small random graphs; on the
 * built-in citation graph (D = 32) plain iteration still stalls near rel 1e-2 at 0.1, while at
 * 0.05 it contracts ≈ 3× per step and Broyden reaches 1e-6 in about 15 iterations.
 */
export const CONV1_INIT_SCALE = 0.05;

export type SolveSummary = Omit<SolveOutcome, 'solution'>;

export class DeqNetwork implements Model {
  readonly store: ParamStore;
  readonly block: DeqBlock;
  readonly encoder: NodeEncoder;
  readonly edgeEncoder: EdgeEncoder | null;
  readonly head: PreActBlock;
  readonly tolerance: number;
  readonly warmupSteps: number;
  /** γ of the Jacobian regularisation (0: none). */
  readonly jacobianPenalty: number;
  /** Training steps taken (the warm-up counts them). */
  steps = 0;
  /** The most recent solves, inference included, with their residual traces. */
  lastSolves: { forward: SolveSummary | null; backward: SolveSummary | null } = {
    forward: null,
    backward: null,
  };

  constructor(
    readonly rt: GpuRuntime,
    readonly config: ModelConfig,
    readonly data: DataShape,
    seed: number,
  ) {
    assertValidConfig(config);
    if (config.model !== 'deq') throw new Error(`DeqNetwork builds deq, not ${config.model}.`);
    this.tolerance = config.tolerance ?? DEQ_DEFAULTS.tolerance;
    this.warmupSteps = config.warmupSteps ?? DEQ_DEFAULTS.warmupSteps;
    this.jacobianPenalty = config.jacobianPenalty ?? DEQ_DEFAULTS.jacobianPenalty;
    const D = config.channels;
    this.store = new ParamStore(rt, seed);
    // Declared first, so the adjoint solve's gradient sink only needs to span the block.
    this.block = DeqBlock.create(this.store, 'deq', (name) => this.makeOp(name), D);
    this.encoder = new NodeEncoder(this.store, data.inputDim, D);
    this.edgeEncoder =
      usesEdgeEmbedding(config.op) && data.edgeDim > 0
        ? new EdgeEncoder(this.store, data.edgeDim, D)
        : null;
    this.head = PreActBlock.create(
      this.store,
      'head',
      LinearOp.create(this.store, 'head.linear', D, data.outputDim),
      0,
    );
    this.store.finalize();
    // Weights only: biases stay 0 and GEN's β / p stay 1.
    for (const p of this.block.conv1.params)
      if (!/\.(bias|t|p)$/.test(p.name)) scale(rt, CONV1_INIT_SCALE, p.value, p.value);
  }

  private makeOp(name: string): Operator {
    const D = this.config.channels;
    switch (this.config.op) {
      case 'gcn':
        return GcnOp.create(this.store, name, D);
      case 'sage':
        return SageOp.create(this.store, name, D);
      case 'gen':
        return GenOp.create(
          this.store,
          name,
          D,
          this.config.aggregation,
          [0, D],
          this.config.learnAggr !== false,
        );
      case 'gat':
        // Built before the edge encoder (see the constructor): the data says whether it will be.
        return GatOp.create(
          this.store,
          name,
          D,
          this.config.heads ?? 1,
          this.data.edgeDim > 0 ? [0, D] : null,
        );
    }
  }

  get paramCount(): number {
    return this.store.count;
  }

  get firstLayer(): readonly Param[] {
    return this.encoder.linear.params;
  }

  /** Restored weights continue the warm-up count where their run left it. */
  setStepsTaken(steps: number): void {
    this.steps = steps;
  }

  /** Whether the current weights come from (and are evaluated by) the unrolled warm-up network. */
  get warmingUp(): boolean {
    return this.warmupSteps > 0 && this.steps <= this.warmupSteps;
  }

  async trainStep(ctx: StepContext, lossFn: LossFn): Promise<StepResult> {
    const { rt } = ctx;
    this.steps++;
    rt.allocator.setPhase('encode');
    this.edgeEncoder?.forward(ctx, true);
    const x = this.encoder.forward(ctx);
    const owned: (Tensor | null)[] = [x];
    let loss: Tensor | null = null;
    try {
      let dx: Tensor;
      let solver: SolverStats | undefined;
      if (this.warmingUp) {
        ({ loss, dx } = this.unrolledStep(ctx, x, lossFn, owned));
      } else {
        const fwd = await this.solveForward(ctx, x);
        const z = fwd.solution;
        owned.push(z);
        rt.allocator.setPhase('head');
        let dz: Tensor;
        ({ loss, dz } = this.headStep(ctx, z, lossFn));
        owned.push(dz);
        const bwd = await adjointStep(
          ctx,
          this.block,
          this.store,
          { z, x, dz },
          {
            solve: this.solveOptions(),
            jacobianPenalty: this.jacobianPenalty,
          },
        );
        this.lastSolves.backward = summary(bwd.solve);
        dx = bwd.dx;
        rt.release(bwd.solve.solution);
        solver = {
          forwardIterations: fwd.iterations,
          forwardResidual: fwd.residual,
          backwardIterations: bwd.solve.iterations,
          backwardResidual: bwd.solve.residual,
          converged: fwd.converged && bwd.solve.converged,
          fallbacks: Number(fwd.fallback) + Number(bwd.solve.fallback),
        };
        if (bwd.probeSq) {
          const sq = await rt.readScalar(bwd.probeSq);
          rt.release(bwd.probeSq);
          solver.jacobian = sq / (z.numel * JACOBIAN_STEP ** 2);
        }
      }
      owned.push(dx);
      rt.allocator.setPhase('encode backward');
      this.encoder.backward(ctx, dx);
      this.edgeEncoder?.backward(ctx);
      const result: StepResult = { loss };
      if (solver) result.solver = solver;
      loss = null;
      return result;
    } finally {
      rt.release(loss, ...owned);
      this.edgeEncoder?.release(ctx);
      rt.allocator.setPhase('');
    }
  }

  /** Inference: logits for every node through the fixed point (or the warm-up network). */
  async forward(ctx: StepContext): Promise<Tensor> {
    const { rt } = ctx;
    rt.allocator.setPhase('evaluate');
    this.edgeEncoder?.forward(ctx, false);
    const x = this.encoder.forward(ctx);
    let z: Tensor | null = null;
    try {
      z = this.warmingUp ? this.unrolled(ctx, x, null) : (await this.solveForward(ctx, x)).solution;
      const logits = rt.tensor(ctx.graph.numNodes, this.data.outputDim, 'activations', {
        label: 'logits',
      });
      rt.allocator.setPhase('evaluate head');
      this.head.forward(ctx, z, logits, false);
      return logits;
    } finally {
      rt.release(x, z);
      this.edgeEncoder?.release(ctx);
      rt.allocator.setPhase('');
    }
  }

  /** Encodes and solves for Z* (for tests and inspection); the caller releases x and z. */
  async fixedPoint(ctx: StepContext): Promise<{ x: Tensor; z: Tensor; solve: SolveSummary }> {
    this.edgeEncoder?.forward(ctx, false);
    const x = this.encoder.forward(ctx);
    try {
      const out = await this.solveForward(ctx, x);
      return { x, z: out.solution, solve: summary(out) };
    } catch (e) {
      ctx.rt.release(x);
      throw e;
    } finally {
      this.edgeEncoder?.release(ctx);
    }
  }

  private async solveForward(ctx: StepContext, x: Tensor): Promise<SolveOutcome> {
    const out = await solveFixedPoint(
      ctx.rt,
      ctx.graph.numNodes,
      this.config.channels,
      (z, o) => this.block.forward(ctx, z, x, o, false),
      { ...this.solveOptions(), name: 'forward', resultTag: 'activations' },
    );
    this.lastSolves.forward = summary(out);
    return out;
  }

  private solveOptions() {
    return {
      maxIterations: this.config.layers,
      tolerance: this.tolerance,
      method: this.config.solver ?? DEQ_DEFAULTS.solver,
    };
  }

  /** Logits, loss and dL/dZ from the head at z. */
  private headStep(ctx: StepContext, z: Tensor, lossFn: LossFn): { loss: Tensor; dz: Tensor } {
    const { rt } = ctx;
    const N = ctx.graph.numNodes;
    const logits = rt.tensor(N, this.data.outputDim, 'activations', { label: 'logits' });
    const saved = this.head.forward(ctx, z, logits, true);
    const dlogits = rt.tensor(N, this.data.outputDim, 'activations', { label: 'dlogits' });
    const loss = lossFn(logits, dlogits);
    const dz = rt.tensor(N, this.config.channels, 'activations', { label: 'dL/dZ' });
    this.head.backward(ctx, z, saved, dlogits, dz, false);
    rt.release(logits, dlogits);
    return { loss, dz };
  }

  /**
   * The weight-tied unrolled network Z_{k+1} = F(Z_k, X) from Z_0 = 0. With `kept`, every Z_k is
   * pushed there (the backward recomputes each block from its input); returns the last Z.
   */
  private unrolled(ctx: StepContext, x: Tensor, kept: Tensor[] | null): Tensor {
    const { rt } = ctx;
    const N = ctx.graph.numNodes;
    const D = this.config.channels;
    const tag: MemoryTag = kept ? 'activations' : 'workspace';
    let z = rt.tensor(N, D, tag, { label: 'warm-up Z0', zero: true });
    const depth = Math.min(this.config.layers, WARMUP_DEPTH);
    for (let k = 0; k < depth; k++) {
      rt.allocator.setPhase(`warm-up forward ${k + 1}`);
      const next = rt.tensor(N, D, tag, { label: `warm-up Z${k + 1}` });
      this.block.forward(ctx, z, x, next, false);
      if (kept) kept.push(z);
      else rt.release(z);
      z = next;
    }
    return z;
  }

  /** A training step through the unrolled network; returns the loss and dL/dX. */
  private unrolledStep(
    ctx: StepContext,
    x: Tensor,
    lossFn: LossFn,
    owned: (Tensor | null)[],
  ): { loss: Tensor; dx: Tensor } {
    const { rt } = ctx;
    const N = ctx.graph.numNodes;
    const D = this.config.channels;
    const inputs: Tensor[] = [];
    const zLast = this.unrolled(ctx, x, inputs);
    owned.push(zLast);
    rt.allocator.setPhase('head');
    const head = this.headStep(ctx, zLast, lossFn);
    let dz = head.dz;
    const dx = rt.tensor(N, D, 'activations', { label: 'dL/dX', zero: true });
    try {
      const scratch = rt.tensor(N, D, 'workspace', { label: 'warm-up recompute' });
      for (let k = inputs.length - 1; k >= 0; k--) {
        rt.allocator.setPhase(`warm-up backward ${k + 1}`);
        const saved = this.block.forward(ctx, inputs[k], x, scratch, true)!;
        const dPrev = rt.tensor(N, D, 'activations', { label: `warm-up dZ${k}` });
        this.block.vjp(ctx, inputs[k], saved, dz, dPrev, { t: dx, accumulate: true }, true);
        rt.release(saved.a, saved.act, saved.c, dz);
        dz = dPrev;
      }
      rt.release(scratch);
    } catch (e) {
      rt.release(head.loss, dx);
      throw e;
    } finally {
      rt.release(dz, ...inputs);
    }
    return { loss: head.loss, dx };
  }

  release(): void {
    this.store.release();
  }
}

function summary(o: SolveOutcome): SolveSummary {
  return {
    iterations: o.iterations,
    residual: o.residual,
    converged: o.converged,
    trace: o.trace,
    restarts: o.restarts,
    fallback: o.fallback,
  };
}
