// The training loop of the paper's protocol: each epoch the loaded nodes are split into random
// parts, each part's induced subgraph is one Adam step; evaluation on the whole loaded graph with
// best-valid selection. The same seed on the same adapter gives the same curve.
import type { GpuRuntime } from '../gpu/runtime';
import type { ByTag } from '../gpu/memory-tags';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID, type Subgraph } from '../graph/types';
import { stepContext } from '../nn/context';
import type { DataShape, ModelConfig } from '../models/config';
import { buildModel, type Model, type SolverStats } from '../models/index';
import { Adam, DEFAULT_ADAM } from './adam';
import { releaseBatch, uploadBatch, type Batch } from './batch';
import type { Checkpoint } from './checkpoint';
import { accuracy, meanRocAuc } from './metrics';
import { taskLoss } from './task-loss';
import type { TrainOptions } from './options';

export { DEFAULT_TRAIN, type TrainOptions } from './options';

export interface TrainData {
  shape: DataShape;
  /** Every loaded node: evaluation runs here. */
  full: Subgraph;
  /** The subgraphs of one epoch's steps (seeded by epoch); [full] for full-graph training. */
  parts(epoch: number): Subgraph[];
}

export interface Scores {
  train: number;
  valid: number;
  test: number;
}

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
  /** Awaited before each step: resolve late to pause, resolve 'stop' to end the run cleanly. */
  control?(): Promise<'continue' | 'stop'>;
}

export interface TrainResult {
  epochs: EpochRecord[];
  best: { epoch: number; valid: number; test: number };
  peakBytes: number;
  peakByTag: ByTag;
  params: number;
  stoppedEarly: boolean;
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

export class Trainer {
  readonly network: Model;
  readonly adam: Adam;
  readonly history: EpochRecord[] = [];
  epoch = 0;
  private fullBatch: Batch | null = null;

  constructor(
    readonly rt: GpuRuntime,
    readonly data: TrainData,
    readonly model: ModelConfig,
    readonly opts: TrainOptions,
  ) {
    this.network = buildModel(rt, model, data.shape, opts.seed);
    this.adam = new Adam(rt, this.network.store, {
      ...DEFAULT_ADAM,
      lr: opts.lr,
      weightDecay: opts.weightDecay,
      clip: opts.clip,
    });
  }

  private full(): Batch {
    return (this.fullBatch ??= uploadBatch(this.rt, this.data.full));
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
    const ctx = stepContext(rt, batch.graph, {
      dropout: this.model.dropout,
      seed: stepSeed(this.opts.seed, epoch, step),
    });
    this.network.store.zeroGrads();
    const out = await this.network.trainStep(ctx, taskLoss(rt, batch), {
      measureReconstruction: measure,
    });
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
    const parts = this.data.parts(epoch);
    let lossSum = 0;
    let lossSteps = 0;
    let reconstruction: number | null = null;
    const solves: SolverStats[] = [];
    for (let s = 0; s < parts.length; s++) {
      if (hooks.control && (await hooks.control()) === 'stop') return null;
      const isFull = parts[s] === this.data.full;
      const batch = isFull ? this.full() : uploadBatch(this.rt, parts[s]);
      const every = this.opts.reconstructionEvery;
      const globalStep = this.adam.step + 1;
      const measure = every > 0 && globalStep % every === 0;
      try {
        const r = await this.step(batch, epoch, s, measure);
        if (!Number.isNaN(r.loss)) {
          lossSum += r.loss;
          lossSteps++;
        }
        if (r.reconstruction !== null) reconstruction = r.reconstruction;
        if (r.solver) solves.push(r.solver);
        hooks.onStep?.({ epoch, step: s + 1, steps: parts.length, loss: r.loss });
      } finally {
        if (!isFull) releaseBatch(this.rt, batch);
      }
    }
    this.epoch = epoch;
    const evaluate = epoch % this.opts.evalEvery === 0 || epoch === this.opts.epochs;
    const scores = evaluate ? await this.evaluate() : { train: NaN, valid: NaN, test: NaN };
    const record: EpochRecord = {
      epoch,
      loss: lossSteps ? lossSum / lossSteps : NaN,
      ...scores,
      ms: performance.now() - t0,
      steps: parts.length,
      reconstruction,
      solver: summarizeSolves(solves),
    };
    this.history.push(record);
    hooks.onEpoch?.(record);
    return record;
  }

  async run(hooks: TrainHooks = {}): Promise<TrainResult> {
    this.rt.allocator.resetPeaks();
    let stoppedEarly = false;
    while (this.epoch < this.opts.epochs) {
      const rec = await this.trainEpoch(hooks);
      if (!rec) {
        stoppedEarly = true;
        break;
      }
    }
    const snap = this.rt.allocator.snapshot();
    return {
      epochs: this.history,
      best: this.best(),
      peakBytes: snap.peakInUseBytes,
      peakByTag: snap.atPeakByTag,
      params: this.network.paramCount,
      stoppedEarly,
    };
  }

  best(): { epoch: number; valid: number; test: number } {
    let best = { epoch: 0, valid: -Infinity, test: NaN };
    for (const r of this.history)
      if (r.valid > best.valid) best = { epoch: r.epoch, valid: r.valid, test: r.test };
    return best.epoch ? best : { epoch: 0, valid: NaN, test: NaN };
  }

  /** Metrics of the current weights on every split of the loaded graph (no dropout). */
  async evaluate(): Promise<Scores> {
    const { rt } = this;
    const batch = this.full();
    const ctx = stepContext(rt, batch.graph, { dropout: 0, seed: 0 });
    const logitsT = await this.network.forward(ctx);
    const logits = (await rt.read(logitsT)) as Float32Array;
    rt.release(logitsT);
    const sub = batch.subgraph;
    const score = (code: number) =>
      sub.labels.kind === 'multiclass'
        ? accuracy(logits, sub.labels.numClasses, sub.labels.y, sub.split, code)
        : meanRocAuc(logits, sub.labels.numTasks, sub.labels.y, sub.split, code);
    return { train: score(SPLIT_TRAIN), valid: score(SPLIT_VALID), test: score(SPLIT_TEST) };
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
    this.adam.step = c.adamStep;
    this.epoch = c.epoch;
    const history = c.extra?.history;
    if (Array.isArray(history))
      this.history.splice(0, this.history.length, ...(history as EpochRecord[]));
  }

  release(): void {
    if (this.fullBatch) releaseBatch(this.rt, this.fullBatch);
    this.fullBatch = null;
    this.adam.release();
    this.network.release();
  }
}
