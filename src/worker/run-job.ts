// One training run in the worker: epoch by epoch, a CPU checkpoint after each, so that when the
// device is lost the run continues on a new device from the last finished epoch. Out-of-memory
// and divergence end the run cleanly with a status and a message in plain words.
import { GpuOutOfMemoryError } from '../gpu/errors';
import { zeroByTag, type ByTag } from '../gpu/memory-tags';
import type { GpuRuntime } from '../gpu/runtime';
import { refKey } from '../graph/catalog';
import { DatasetError } from '../graph/errors';
import { configProblems, type ModelConfig } from '../models/config';
import type { Checkpoint } from '../train/checkpoint';
import {
  Trainer,
  TrainingDivergedError,
  type EpochRecord,
  type TrainData,
  type TrainHooks,
} from '../train/trainer';
import { dataFor, loadFor, summarize } from './datasets';
import type { JobControl } from './job';
import type { DatasetSummary, RunListener, RunResult, RunSpec, RunStatus } from './protocol';
import { tell, type RuntimeHolder } from './runtime-holder';
import { reduceTimeline } from './timeline';

/** More losses than this in one run is a device that cannot hold the work: give up. */
const MAX_RECOVERIES = 3;
const STEP_EVENT_MS = 100;

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

class DeviceLostSignal extends Error {
  constructor() {
    super('The GPU device was lost.');
  }
}

/** One per runtime (a listener per call would pile up over a long run). */
const lostPromises = new WeakMap<GpuRuntime, Promise<never>>();

function lostPromise(rt: GpuRuntime): Promise<never> {
  let p = lostPromises.get(rt);
  if (!p) {
    p = new Promise<never>((_, reject) => rt.onLost(() => reject(new DeviceLostSignal())));
    p.catch(() => undefined);
    lostPromises.set(rt, p);
  }
  return p;
}

/** Rejects as soon as the device is lost: a lost device may never settle what was pending. */
function untilLost<T>(rt: GpuRuntime, p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return Promise.race([p, lostPromise(rt)]);
}

/** Whether an error came from a lost device (its 'lost' can arrive just after the error). */
async function causedByLoss(rt: GpuRuntime, e: unknown): Promise<boolean> {
  if (e instanceof DeviceLostSignal || rt.isLost) return true;
  if (e instanceof GpuOutOfMemoryError || e instanceof TrainingDivergedError) return false;
  await Promise.race([lostPromise(rt).catch(() => undefined), sleep(500)]);
  return rt.isLost;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Parameter shapes must match; dropout may differ between the saved run and this one. */
function modelMismatch(saved: ModelConfig, wanted: ModelConfig): string | null {
  const keys = new Set([...Object.keys(saved), ...Object.keys(wanted)]);
  keys.delete('dropout');
  keys.delete('policy');
  const diff: string[] = [];
  for (const k of keys) {
    const a = (saved as unknown as Record<string, unknown>)[k];
    const b = (wanted as unknown as Record<string, unknown>)[k];
    if (a !== b) diff.push(`${k} ${String(a)} (weights) vs ${String(b)} (configuration)`);
  }
  return diff.length
    ? `The loaded weights do not fit this configuration: ${diff.join(', ')}.`
    : null;
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
  return { status: 'error', message: e instanceof Error ? e.message : String(e) };
}

export function bestOf(records: readonly EpochRecord[]): RunResult['best'] {
  let best = { epoch: 0, valid: -Infinity, test: NaN };
  for (const r of records)
    if (r.valid > best.valid) best = { epoch: r.epoch, valid: r.valid, test: r.test };
  return best.epoch ? best : { epoch: 0, valid: NaN, test: NaN };
}

export async function runTraining(
  ctx: RunContext,
  spec: RunSpec,
  listener: RunListener,
): Promise<RunOutcome> {
  const peak = { bytes: 0, byTag: zeroByTag() as ByTag };
  let checkpoint: Checkpoint | null = spec.fromLoadedWeights ? ctx.loaded : null;
  let records: EpochRecord[] = [];
  let params = 0;
  let recoveries = 0;
  let summary: DatasetSummary | null = null;
  let began = false;
  let startEpoch = 0;
  const end = (status: RunStatus, message?: string): RunOutcome => ({
    result: {
      status,
      dataset: summary,
      began,
      startEpoch,
      message,
      epochs: records,
      best: bestOf(records),
      params,
      peakBytes: peak.bytes,
      peakByTag: peak.byTag,
      recoveries,
      weightsEpoch: checkpoint?.epoch ?? null,
    },
    checkpoint,
  });

  const problems = configProblems(spec.model);
  if (problems.length) return end('error', problems.join(' '));
  if (spec.fromLoadedWeights) {
    if (!checkpoint) return end('error', 'No weights are loaded: load a weights file first.');
    const mismatch = modelMismatch(checkpoint.model, spec.model);
    if (mismatch) return end('error', mismatch);
  }

  let data: TrainData;
  try {
    const ds = await loadFor(spec, (p) => tell(() => listener.loading(p)));
    data = dataFor(ds, spec.parts, spec.train.seed);
    summary = summarize(ds);
  } catch (e) {
    return end('error', classify(e, null).message);
  }
  if (ctx.control.stopRequested) return end('stopped');

  const notePeak = (r: GpuRuntime) => {
    const s = r.allocator.snapshot();
    if (s.peakInUseBytes > peak.bytes) {
      peak.bytes = s.peakInUseBytes;
      peak.byTag = s.atPeakByTag;
    }
  };
  const build = (r: GpuRuntime): Trainer => {
    r.allocator.setBudget(spec.budgetBytes);
    // Pooled buffers of earlier jobs would count against the budget: start from a clean device.
    r.allocator.trim();
    r.allocator.resetPeaks();
    const t = new Trainer(r, data, spec.model, spec.train);
    if (checkpoint) t.restore(checkpoint);
    params = t.network.paramCount;
    records = t.history.slice();
    return t;
  };

  let rt = await ctx.holder.ready();
  let trainer: Trainer | null = null;
  try {
    trainer = build(rt);
  } catch (e) {
    const c = classify(e, checkpoint);
    await cleanUp(ctx, rt, null, c.status);
    return end(c.status, c.message);
  }
  began = true;
  startEpoch = trainer.epoch;
  const dataset = summary;
  tell(() =>
    listener.started({
      dataset,
      params,
      startEpoch: trainer!.epoch,
      history: records,
      epochs: spec.train.epochs,
    }),
  );

  // The timeline shows a step in the steady state: the second one, once the graph is resident.
  const remainingSteps = (spec.train.epochs - trainer.epoch) * Math.max(1, spec.parts);
  const captureAt = remainingSteps >= 2 ? 2 : 1;
  let steps = 0;
  let capturing = false;
  let captured = false;
  let lastStepEvent = 0;
  const t0 = performance.now();
  let generation = 0;

  const hooks = (gen: number, t: Trainer): TrainHooks => ({
    control: async () => {
      if (gen !== generation) return 'stop';
      const c = await ctx.control.control();
      if (gen !== generation) return 'stop';
      if (c === 'continue' && !captured && steps + 1 === captureAt) {
        t.rt.allocator.beginTimeline();
        capturing = true;
      }
      return c;
    },
    onStep: (s) => {
      if (gen !== generation) return;
      steps++;
      if (capturing) {
        capturing = false;
        captured = true;
        const events = t.rt.allocator.endTimeline();
        const label = `${spec.model.model} · ${spec.model.layers} layers · run`;
        const series = reduceTimeline(events, {
          label,
          model: spec.model.model,
          layers: spec.model.layers,
          source: 'run',
        });
        tell(() => listener.timeline(series));
      }
      const now = performance.now();
      if (s.step === 1 || s.step === s.steps || now - lastStepEvent >= STEP_EVENT_MS) {
        lastStepEvent = now;
        tell(() => listener.step({ ...s, elapsedMs: now - t0 }));
      }
    },
  });

  let status: RunStatus = 'done';
  let message: string | undefined;
  while (trainer.epoch < spec.train.epochs) {
    const gen = generation;
    try {
      const rec = await untilLost(rt, trainer.trainEpoch(hooks(gen, trainer)));
      if (!rec) {
        status = 'stopped';
        break;
      }
      checkpoint = await untilLost(
        rt,
        trainer.checkpoint({ dataset: refKey(spec.dataset), datasetName: dataset.name }),
      );
      records = trainer.history.slice();
      notePeak(rt);
      const snap = rt.allocator.snapshot();
      tell(() => listener.epoch(rec, snap));
    } catch (e) {
      if (capturing) {
        capturing = false;
        if (!rt.isLost) rt.allocator.endTimeline();
      }
      if (!(await causedByLoss(rt, e))) {
        ({ status, message } = classify(e, checkpoint));
        break;
      }
      notePeak(rt);
      generation++;
      trainer = null;
      if (ctx.control.stopRequested) {
        status = 'stopped';
        break;
      }
      if (++recoveries > MAX_RECOVERIES) {
        status = 'error';
        message = `The GPU device was lost ${recoveries} times in this run; giving up. Reload the page.`;
        break;
      }
      const from = checkpoint ? `the checkpoint of epoch ${checkpoint.epoch}` : 'the start';
      tell(() => listener.recovering(`The GPU device was lost. Rebuilding the run from ${from}…`));
      try {
        rt = await ctx.holder.ready();
        trainer = build(rt);
      } catch (e2) {
        ({ status, message } = classify(e2, checkpoint));
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
  if (trainer) records = trainer.history.slice();
  notePeak(rt);
  await cleanUp(ctx, rt, trainer, status);
  return end(status, message);
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
