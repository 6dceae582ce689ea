// One training run in the worker, as named phases: check the request, load (or open for
// streaming) the data, plan memory and build the trainer, train and evaluate by parts epoch by
// epoch with a CPU checkpoint after each, and clean up. When the device is lost the run continues
// on a new device from the last checkpoint; out-of-memory, divergence and refused plans end it
// cleanly with a status and a message in plain words.
import { GpuOutOfMemoryError } from '../gpu/errors';
import { zeroByTag, type ByTag } from '../gpu/memory-tags';
import type { GpuRuntime } from '../gpu/runtime';
import { refKey } from '../graph/catalog';
import { DatasetError } from '../graph/errors';
import { configProblems, weightsConfigMismatch } from '../models/config';
import type { Checkpoint } from '../train/checkpoint';
import { PartTooLargeError } from '../train/memory-plan';
import type { OpenedData } from '../train/open-data';
import { Trainer, TrainingDivergedError, type EpochRecord } from '../train/trainer';
import { tuneKernelsFor } from '../train/tune-kernels';
import { openFor, summarize } from './datasets';
import { causedByLoss, untilLost } from './device-loss';
import type { JobControl } from './job';
import type { DatasetSummary, RunListener, RunResult, RunSpec, RunStatus } from './protocol';
import { tell, type RuntimeHolder } from './runtime-holder';
import { StepObserver } from './step-observer';

/** More losses than this in one run is a device that cannot hold the work: give up. */
const MAX_RECOVERIES = 3;

export interface RunContext {
  holder: RuntimeHolder;
  control: JobControl;
  /** Weights from loadWeights(), for spec.fromLoadedWeights. */
  loaded: Checkpoint | null;
}

export interface RunOutcome {
  result: RunResult;
  /** The latest weights (after the last finished epoch), for exportWeights(). */
  checkpoint: Checkpoint | null;
}

function classify(
  e: unknown,
  checkpoint: Checkpoint | null,
): { status: RunStatus; message: string } {
  const kept = checkpoint ? ` The weights of epoch ${checkpoint.epoch} are kept.` : '';
  if (e instanceof GpuOutOfMemoryError) {
    return {
      status: 'oom',
      message:
        `${e.message} The run stopped cleanly.${kept} Use fewer layers or channels, a ` +
        'reversible model, more parts per epoch, or a larger budget.',
    };
  }
  if (e instanceof TrainingDivergedError) return { status: 'diverged', message: e.message + kept };
  if (e instanceof DatasetError)
    return { status: 'error', message: `The dataset could not be used: ${e.message}` };
  if (e instanceof PartTooLargeError || e instanceof RangeError)
    return { status: 'error', message: e.message };
  return { status: 'error', message: e instanceof Error ? e.message : String(e) };
}

export function bestOf(records: readonly EpochRecord[]): RunResult['best'] {
  let best = { epoch: 0, valid: -Infinity, test: NaN };
  for (const r of records)
    if (r.valid > best.valid) best = { epoch: r.epoch, valid: r.valid, test: r.test };
  return best.epoch ? best : { epoch: 0, valid: NaN, test: NaN };
}

/** What a run has produced so far: enough to answer at any moment, whatever ended it. */
class RunRecord {
  checkpoint: Checkpoint | null;
  records: EpochRecord[] = [];
  params = 0;
  recoveries = 0;
  summary: DatasetSummary | null = null;
  began = false;
  startEpoch = 0;
  private readonly peak = { bytes: 0, byTag: zeroByTag() as ByTag };
  private readonly held = { bytes: 0, byTag: zeroByTag() as ByTag };

  constructor(checkpoint: Checkpoint | null) {
    this.checkpoint = checkpoint;
  }

  notePeak(rt: GpuRuntime): void {
    const s = rt.allocator.snapshot();
    if (s.peakInUseBytes > this.peak.bytes) {
      this.peak.bytes = s.peakInUseBytes;
      this.peak.byTag = s.atPeakByTag;
    }
    if (s.peakHeldBytes > this.held.bytes) {
      this.held.bytes = s.peakHeldBytes;
      this.held.byTag = s.atPeakHeldByTag;
    }
  }

  end(status: RunStatus, message?: string): RunOutcome {
    return {
      result: {
        status,
        dataset: this.summary,
        began: this.began,
        startEpoch: this.startEpoch,
        message,
        epochs: this.records,
        best: bestOf(this.records),
        params: this.params,
        peakBytes: this.peak.bytes,
        peakByTag: this.peak.byTag,
        peakHeldBytes: this.held.bytes,
        peakHeldByTag: this.held.byTag,
        recoveries: this.recoveries,
        weightsEpoch: this.checkpoint?.epoch ?? null,
      },
      checkpoint: this.checkpoint,
    };
  }
}

/** Phase 1: a request that cannot run is answered before any data is read. */
function refusal(spec: RunSpec, loaded: Checkpoint | null): string | null {
  const problems = configProblems(spec.model);
  if (problems.length) return problems.join(' ');
  if (spec.fromLoadedWeights) {
    if (!loaded) return 'No weights are loaded: load a weights file first.';
    return weightsConfigMismatch(loaded.model, spec.model);
  }
  return null;
}

/** Phase 3: memory planned (a part that cannot fit is refused here) and the trainer built. */
function buildTrainer(rt: GpuRuntime, spec: RunSpec, opened: OpenedData, run: RunRecord): Trainer {
  rt.allocator.setBudget(spec.budgetBytes);
  // Pooled buffers of earlier jobs would count against the budget: start from a clean device.
  rt.allocator.trim();
  rt.allocator.resetPeaks();
  const t = new Trainer(rt, opened.data, spec.model, spec.train);
  if (run.checkpoint) t.restore(run.checkpoint);
  run.params = t.network.paramCount;
  run.records = t.history.slice();
  return t;
}

export async function runTraining(
  ctx: RunContext,
  spec: RunSpec,
  listener: RunListener,
): Promise<RunOutcome> {
  const run = new RunRecord(spec.fromLoadedWeights ? ctx.loaded : null);
  const refused = refusal(spec, ctx.loaded);
  if (refused) return run.end('error', refused);

  // Phase 2: the data, whole or opened for streaming.
  let opened: OpenedData;
  try {
    opened = await openFor(spec, spec.train.seed, (p) => tell(() => listener.loading(p)));
    run.summary = summarize(opened);
  } catch (e) {
    return run.end('error', classify(e, null).message);
  }
  if (ctx.control.stopRequested) return run.end('stopped');

  let rt = await ctx.holder.ready();
  let trainer: Trainer | null = null;
  try {
    await tuneKernelsFor(rt, opened.data, spec.model);
    trainer = buildTrainer(rt, spec, opened, run);
  } catch (e) {
    const c = classify(e, run.checkpoint);
    await cleanUp(ctx, rt, null, c.status);
    return run.end(c.status, c.message);
  }
  run.began = true;
  run.startEpoch = trainer.epoch;
  const dataset = run.summary;
  tell(() =>
    listener.started({
      dataset,
      params: run.params,
      startEpoch: trainer!.epoch,
      history: run.records,
      epochs: spec.train.epochs,
    }),
  );

  // Phase 4: epochs of training and evaluation by parts, each followed by a checkpoint.
  const remainingSteps = (spec.train.epochs - trainer.epoch) * opened.data.trainParts(1).count;
  const observer = new StepObserver(spec, ctx.control, listener, remainingSteps);
  let status: RunStatus = 'done';
  let message: string | undefined;
  while (trainer.epoch < spec.train.epochs) {
    try {
      const rec = await untilLost(rt, trainer.trainEpoch(observer.hooks(trainer)));
      if (!rec) {
        status = 'stopped';
        break;
      }
      run.checkpoint = await untilLost(
        rt,
        trainer.checkpoint({ dataset: refKey(spec.dataset), datasetName: dataset.name }),
      );
      run.records = trainer.history.slice();
      run.notePeak(rt);
      const snap = rt.allocator.snapshot();
      tell(() => listener.epoch(rec, snap));
    } catch (e) {
      observer.abandon(rt);
      if (!(await causedByLoss(rt, e))) {
        ({ status, message } = classify(e, run.checkpoint));
        break;
      }
      // Phase 4b: recovery from a lost device, from the last checkpoint.
      run.notePeak(rt);
      observer.invalidate();
      trainer = null;
      if (ctx.control.stopRequested) {
        status = 'stopped';
        break;
      }
      if (++run.recoveries > MAX_RECOVERIES) {
        status = 'error';
        message = `The GPU device was lost ${run.recoveries} times in this run; giving up. Reload the page.`;
        break;
      }
      const from = run.checkpoint ? `the checkpoint of epoch ${run.checkpoint.epoch}` : 'the start';
      tell(() => listener.recovering(`The GPU device was lost. Rebuilding the run from ${from}…`));
      try {
        rt = await ctx.holder.ready();
        await tuneKernelsFor(rt, opened.data, spec.model);
        trainer = buildTrainer(rt, spec, opened, run);
      } catch (e2) {
        ({ status, message } = classify(e2, run.checkpoint));
        break;
      }
      const epoch = trainer.epoch;
      tell(() =>
        listener.recovered(
          epoch,
          `The GPU device was lost; training resumed on a new device from ${from}.`,
        ),
      );
    }
  }
  // Phase 5: clean up.
  if (trainer) run.records = trainer.history.slice();
  run.notePeak(rt);
  await cleanUp(ctx, rt, trainer, status);
  return run.end(status, message);
}

/** Frees the run's buffers; a device left holding stray buffers (or poisoned by OOM) is renewed. */
async function cleanUp(
  ctx: RunContext,
  rt: GpuRuntime,
  trainer: Trainer | null,
  status: RunStatus,
): Promise<void> {
  if (rt.isLost) return;
  // Without a trainer to release (its construction failed), whatever it allocated is stranded.
  let dirty = status === 'oom' || trainer === null;
  try {
    trainer?.release();
  } catch {
    dirty = true;
  }
  rt.allocator.setBudget(null);
  rt.allocator.trim();
  if (rt.allocator.inUseBuffers().some((b) => !b.persistent)) dirty = true;
  if (dirty) await ctx.holder.replace().catch(() => undefined);
}
