// The training loop of the paper's protocol: each epoch the loaded nodes are split into random
// parts, each part's induced subgraph is one Adam step; evaluation by parts too (the whole loaded
// graph when it is one part), with best-valid selection. Only the current part is on the GPU.
// The same seed on the same adapter gives the same curve.
import type { GpuRuntime } from '../gpu/runtime';
import type { ByTag } from '../gpu/memory-tags';
import { SPLIT_TRAIN } from '../graph/types';
import { stepContext } from '../nn/context';
import { withInputDropout } from '../nn/input-dropout';
import type { ModelConfig } from '../models/config';
import { buildModel, type Model, type SolverStats } from '../models/index';
import { Adam, DEFAULT_ADAM } from './adam';
import type { Batch } from './batch';
import { stepsTaken, type Checkpoint } from './checkpoint';
import { evaluateByParts, type EvaluateHooks, type Scores } from './evaluate';
import { withFeaturePrep } from './feature-prep';
import { checkPartsFit } from './memory-plan';
import { ResidentBatch } from './resident-batch';
import { taskLoss } from './task-loss';
import type { TrainData } from './train-data';
import type { TrainOptions } from './options';
import { tuneKernelsFor } from './tune-kernels';
import type { KernelChoices } from '../kernels/autotune';

export { DEFAULT_TRAIN, type TrainOptions } from './options';
export type { TrainData } from './train-data';
export type { Scores } from './evaluate';

export interface EpochRecord extends Scores {
  epoch: number;
  loss: number;
  ms: number;
  steps: number;
  /** Relative reconstruction error ‖x̂ − x‖/‖x‖ of the last measured step (rev only). */
  reconstruction: number | null;
  /** DEQ: the epoch's fixed-point solves. */
  solver: EpochSolverStats | null;
}

export interface EpochSolverStats {
  /** Mean iterations per step. */
  forwardIterations: number;
  backwardIterations: number;
  /** Worst final relative residual of the epoch. */
  forwardResidual: number;
  backwardResidual: number;
  /** Steps whose solves did not reach the tolerance within the cap. */
  unconverged: number;
  /** Solves that fell back to damped fixed-point iteration. */
  fallbacks: number;
  /** With the Jacobian penalty: the mean estimate of ‖∂F/∂Z‖²_F / (N·D). */
  jacobian?: number;
}

function summarizeSolves(solves: SolverStats[]): EpochSolverStats | null {
  if (!solves.length) return null;
  const mean = (f: (s: SolverStats) => number) =>
    solves.reduce((t, s) => t + f(s), 0) / solves.length;
  const worst = (f: (s: SolverStats) => number) => Math.max(...solves.map(f));
  return {
    forwardIterations: mean((s) => s.forwardIterations),
    backwardIterations: mean((s) => s.backwardIterations),
    forwardResidual: worst((s) => s.forwardResidual),
    backwardResidual: worst((s) => s.backwardResidual),
    unconverged: solves.filter((s) => !s.converged).length,
    fallbacks: solves.reduce((t, s) => t + s.fallbacks, 0),
    ...(solves[0].jacobian !== undefined ? { jacobian: mean((s) => s.jacobian ?? NaN) } : {}),
  };
}

export interface StepInfo {
  epoch: number;
  step: number;
  steps: number;
  loss: number;
}

export interface TrainHooks {
  onStep?(info: StepInfo): void;
  onEpoch?(record: EpochRecord): void;
  /** Each evaluation part done (view and part count from 1). */
  onEvalPart?: EvaluateHooks['onPart'];
  /** Awaited before each step: resolve late to pause, resolve 'stop' to end the run cleanly. */
  control?(): Promise<'continue' | 'stop'>;
}

export interface TrainResult {
  epochs: EpochRecord[];
  best: { epoch: number; valid: number; test: number };
  /** Peak bytes in use (handed out to tensors). */
  peakBytes: number;
  peakByTag: ByTag;
  /** Peak bytes the GPU held for the run: in use + pooled. What "fits on a GPU" means. */
  peakHeldBytes: number;
  peakHeldByTag: ByTag;
  params: number;
  /** The run was told to stop (a person pressed stop). */
  stoppedEarly: boolean;
  /** The run ended before its last epoch because validation stopped improving (patience). */
  earlyStopped: boolean;
  /** The kernel variant each family ran, and how it was chosen. */
  kernels: KernelChoices;
}

export class TrainingDivergedError extends Error {
  constructor(
    readonly epoch: number,
    readonly step: number,
    value: number,
  ) {
    super(
      `Training stopped: the loss became ${value} at epoch ${epoch}, step ${step}. ` +
        'The weights blew up — lower the learning rate, keep gradient clipping on, or use fewer layers.',
    );
    this.name = 'TrainingDivergedError';
  }
}

/** A step's dropout seed: distinct per (run seed, epoch, step), stable across reruns. */
export function stepSeed(seed: number, epoch: number, step: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const v of [epoch, step]) {
    h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A step's input-dropout seed: apart from its shared-dropout seed. */
function inputDropoutSeed(seed: number): number {
  return (seed ^ 0x1b873593) >>> 0;
}

export class Trainer {
  readonly network: Model;
  readonly adam: Adam;
  readonly history: EpochRecord[] = [];
  /** The data as the model sees it (its feature preprocessing applied). */
  readonly data: TrainData;
  epoch = 0;
  private readonly resident: ResidentBatch;

  constructor(
    readonly rt: GpuRuntime,
    data: TrainData,
    readonly model: ModelConfig,
    readonly opts: TrainOptions,
  ) {
    // Before anything is allocated: a part past the adapter's buffer limit can only fail later.
    const limit = Math.min(rt.limits.maxBufferSize, rt.limits.maxStorageBufferBindingSize);
    checkPartsFit(data, data.trainParts(1).count, model, limit);
    this.data = withFeaturePrep(data, model.features);
    this.resident = new ResidentBatch(rt);
    this.network = buildModel(rt, model, data.shape, opts.seed);
    const adam = { ...DEFAULT_ADAM, lr: opts.lr, weightDecay: opts.weightDecay, clip: opts.clip };
    const firstOnly = opts.weightDecayScope === 'first-layer';
    this.adam = new Adam(rt, this.network.store, adam, firstOnly ? this.network.firstLayer : null);
  }

  /** One optimizer step on one part; returns its loss and, when measured, the reconstruction error. */
  async step(
    batch: Batch,
    epoch: number,
    step: number,
    measure: boolean,
  ): Promise<{ loss: number; reconstruction: number | null; solver?: SolverStats }> {
    const { rt } = this;
    const count = batch.counts[SPLIT_TRAIN] ?? 0;
    if (count === 0) return { loss: NaN, reconstruction: null };
    const seed = stepSeed(this.opts.seed, epoch, step);
    const p = this.model.inputDropout ?? 0;
    const input =
      p > 0 ? withInputDropout(rt, batch.graph, { p, seed: inputDropoutSeed(seed) }) : null;
    const ctx = stepContext(rt, input?.graph ?? batch.graph, { dropout: this.model.dropout, seed });
    this.network.store.zeroGrads();
    let out: Awaited<ReturnType<Model['trainStep']>>;
    try {
      out = await this.network.trainStep(ctx, taskLoss(rt, batch), {
        measureReconstruction: measure,
      });
    } finally {
      input?.release();
    }
    this.adam.apply();
    const loss = await rt.readScalar(out.loss);
    let reconstruction: number | null = null;
    if (out.reconstruction) {
      const err = await rt.readScalar(out.reconstruction.errSq);
      const ref = await rt.readScalar(out.reconstruction.refSq);
      reconstruction = Math.sqrt(err) / Math.max(Math.sqrt(ref), 1e-30);
      rt.release(out.reconstruction.errSq, out.reconstruction.refSq);
    }
    rt.release(out.loss);
    await rt.allocator.checkDeviceErrors();
    if (!Number.isFinite(loss)) throw new TrainingDivergedError(epoch, step, loss);
    return { loss, reconstruction, solver: out.solver };
  }

  async trainEpoch(hooks: TrainHooks = {}): Promise<EpochRecord | null> {
    const epoch = this.epoch + 1;
    const t0 = performance.now();
    const parts = this.data.trainParts(epoch);
    let lossSum = 0;
    let lossSteps = 0;
    let reconstruction: number | null = null;
    const solves: SolverStats[] = [];
    // Time held at a pause is not the epoch's: it is measured and left out of `ms`.
    let pausedMs = 0;
    for (let s = 0; s < parts.count; s++) {
      if (hooks.control) {
        const c0 = performance.now();
        const go = await hooks.control();
        pausedMs += performance.now() - c0;
        if (go === 'stop') return null;
      }
      const part = await parts.get(s);
      const every = this.opts.reconstructionEvery;
      const globalStep = this.adam.step + 1;
      const measure = every > 0 && globalStep % every === 0;
      const r = await this.resident.with(part.graph, parts.count === 1, (batch) =>
        this.step(batch, epoch, s, measure),
      );
      if (!Number.isNaN(r.loss)) {
        lossSum += r.loss;
        lossSteps++;
      }
      if (r.reconstruction !== null) reconstruction = r.reconstruction;
      if (r.solver) solves.push(r.solver);
      hooks.onStep?.({ epoch, step: s + 1, steps: parts.count, loss: r.loss });
    }
    this.epoch = epoch;
    const evaluate = epoch % this.opts.evalEvery === 0 || epoch === this.opts.epochs;
    const scores = evaluate
      ? await this.evaluate({ onPart: hooks.onEvalPart })
      : { train: NaN, valid: NaN, test: NaN };
    // Buffers pooled for this epoch's part sizes are not what the next epoch's parts ask for —
    // unless every phase is the one whole graph, whose buffers the next epoch asks for again.
    if (parts.count > 1 || this.data.plan.evalParts > 1) this.rt.allocator.trim();
    const record: EpochRecord = {
      epoch,
      loss: lossSteps ? lossSum / lossSteps : NaN,
      ...scores,
      ms: performance.now() - t0 - pausedMs,
      steps: parts.count,
      reconstruction,
      solver: summarizeSolves(solves),
    };
    this.history.push(record);
    hooks.onEpoch?.(record);
    return record;
  }

  async run(hooks: TrainHooks = {}): Promise<TrainResult> {
    const kernels = await tuneKernelsFor(this.rt, this.data, this.model);
    this.rt.allocator.resetPeaks();
    let stoppedEarly = false;
    let earlyStopped = false;
    while (this.epoch < this.opts.epochs) {
      const rec = await this.trainEpoch(hooks);
      if (!rec) {
        stoppedEarly = true;
        break;
      }
      if (this.patienceRunOut()) {
        earlyStopped = true;
        break;
      }
    }
    const snap = this.rt.allocator.snapshot();
    return {
      epochs: this.history,
      best: this.best(),
      peakBytes: snap.peakInUseBytes,
      peakByTag: snap.atPeakByTag,
      peakHeldBytes: snap.peakHeldBytes,
      peakHeldByTag: snap.atPeakHeldByTag,
      params: this.network.paramCount,
      stoppedEarly,
      earlyStopped,
      kernels,
    };
  }

  /** Whether `patience` epochs have passed since the best validation score. */
  patienceRunOut(): boolean {
    const patience = this.opts.patience ?? 0;
    if (patience <= 0) return false;
    const best = this.best();
    return best.epoch > 0 && this.epoch - best.epoch >= patience;
  }

  best(): { epoch: number; valid: number; test: number } {
    let best = { epoch: 0, valid: -Infinity, test: NaN };
    for (const r of this.history)
      if (r.valid > best.valid) best = { epoch: r.epoch, valid: r.valid, test: r.test };
    return best.epoch ? best : { epoch: 0, valid: NaN, test: NaN };
  }

  /** Metrics of the current weights on every split of the loaded graph, by parts (no dropout). */
  evaluate(hooks: EvaluateHooks = {}): Promise<Scores> {
    return evaluateByParts(this.rt, this.network, this.data, this.resident, hooks);
  }

  async checkpoint(extra?: Record<string, unknown>): Promise<Checkpoint> {
    return {
      model: this.model,
      adamStep: this.adam.step,
      epoch: this.epoch,
      params: await this.network.store.toHost(),
      extra: { history: this.history, ...extra },
    };
  }

  restore(c: Checkpoint): void {
    this.network.store.fromHost(c.params);
    this.network.setStepsTaken?.(stepsTaken(c));
    this.adam.step = c.adamStep;
    this.epoch = c.epoch;
    const history = c.extra?.history;
    if (Array.isArray(history))
      this.history.splice(0, this.history.length, ...(history as EpochRecord[]));
  }

  /**
   * Starts from another run's weights (an .rgnn or a safetensors from the PyTorch export): values
   * only, with a fresh optimizer and epochs counted from 1.
   */
  initFrom(c: Checkpoint): void {
    const values = Object.fromEntries(
      Object.entries(c.params).map(([name, p]) => [name, { ...p, m: undefined, v: undefined }]),
    );
    this.network.store.fromHost(values);
    this.network.setStepsTaken?.(stepsTaken(c));
  }

  release(): void {
    this.resident.release();
    this.adam.release();
    this.network.release();
  }
}
