// One training step measured by the meter: the unit of the depth sweep. Each point runs on a
// fresh device, so an out-of-memory (simulated or real) cannot leave the next point short.
import { GpuOutOfMemoryError } from '../gpu/errors';
import { GpuRuntime } from '../gpu/runtime';
import { zeroByTag, type ByTag } from '../gpu/memory-tags';
import type { MemoryEvent } from '../gpu/tracked-allocator';
import type { ModelConfig } from '../models/config';
import { buildModel } from '../models/index';
import { stepContext } from '../nn/context';
import { Adam, DEFAULT_ADAM } from './adam';
import { releaseBatch, uploadBatch } from './batch';
import { taskLoss } from './task-loss';
import type { TrainData } from './train-data';
import { tuneKernelsFor } from './tune-kernels';

export interface StepMeasurement {
  model: ModelConfig['model'];
  layers: number;
  /** error: the step failed another way (e.g. a DEQ solve diverged); message says how. */
  status: 'ok' | 'oom' | 'error';
  /** Peak bytes in use during the step (everything: params, grads, optimizer, graph…). */
  peakBytes: number;
  /** In-use bytes by tag at that peak. */
  peakByTag: ByTag;
  /** Peak bytes the GPU held during the step: in use + pooled. */
  peakHeldBytes: number;
  params: number;
  ms: number;
  /** The step's allocation timeline, when asked for. */
  timeline?: MemoryEvent[];
  /** Why it failed, in words (out-of-memory). */
  message?: string;
}

export interface MeasureOptions {
  seed: number;
  budgetBytes: number | null;
  withTimeline?: boolean;
}

export async function measureStep(
  data: TrainData,
  model: ModelConfig,
  opts: MeasureOptions,
): Promise<StepMeasurement> {
  const rt = await GpuRuntime.create({ budgetBytes: opts.budgetBytes });
  const base = { model: model.model, layers: model.layers };
  try {
    await tuneKernelsFor(rt, data, model);
    rt.allocator.resetPeaks();
    if (opts.withTimeline) rt.allocator.beginTimeline();
    const t0 = performance.now();
    const net = buildModel(rt, model, data.shape, opts.seed);
    const adam = new Adam(rt, net.store, DEFAULT_ADAM);
    const batch = uploadBatch(rt, (await data.trainParts(1).get(0)).graph);
    const ctx = stepContext(rt, batch.graph, { dropout: model.dropout, seed: opts.seed });
    const out = await net.trainStep(ctx, taskLoss(rt, batch));
    adam.apply();
    await rt.readScalar(out.loss);
    await rt.allocator.checkDeviceErrors();
    const ms = performance.now() - t0;
    const snap = rt.allocator.snapshot();
    const timeline = opts.withTimeline ? rt.allocator.endTimeline() : undefined;
    rt.release(out.loss);
    releaseBatch(rt, batch);
    return {
      ...base,
      status: 'ok',
      peakBytes: snap.peakInUseBytes,
      peakByTag: snap.atPeakByTag,
      peakHeldBytes: snap.peakHeldBytes,
      params: net.paramCount,
      ms,
      timeline,
    };
  } catch (e) {
    // The point runs on its own device, so a failure leaves nothing behind for the next one.
    const snap = rt.allocator.snapshot();
    return {
      ...base,
      status: e instanceof GpuOutOfMemoryError ? 'oom' : 'error',
      peakBytes: snap.peakInUseBytes,
      peakByTag: zeroByTag(),
      peakHeldBytes: snap.peakHeldBytes,
      params: 0,
      ms: 0,
      message: e instanceof Error ? e.message : String(e),
    };
  } finally {
    rt.destroy();
  }
}
