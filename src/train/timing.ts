// Step time of a model: wall time of whole training steps (forward, backward, Adam, loss read
// back) after a warm-up, the CPU time spent recording them, and the dispatches one step issues —
// so a user with a real GPU can see whether encoding, not the GPU, bounds them.
import type { GpuRuntime } from '../gpu/runtime';
import type { ModelConfig } from '../models/config';
import { buildModel } from '../models/index';
import { stepContext } from '../nn/context';
import { Adam, DEFAULT_ADAM } from './adam';
import { releaseBatch, uploadBatch } from './batch';
import { taskLoss } from './task-loss';
import type { TrainData } from './train-data';
import { tuneKernelsFor } from './tune-kernels';

export interface StepTiming {
  /** Median wall time of one step. */
  ms: number;
  /** Each timed step's wall time, in order. */
  all: number[];
  /** Median CPU time to record one step's commands. */
  encodeMs: number;
  dispatches: number;
  params: number;
}

export async function timeSteps(
  rt: GpuRuntime,
  data: TrainData,
  model: ModelConfig,
  opts: { seed: number; steps: number },
): Promise<StepTiming> {
  // The steps run the kernel variants a run would (timed once per adapter and cached).
  await tuneKernelsFor(rt, data, model);
  const net = buildModel(rt, model, data.shape, opts.seed);
  const adam = new Adam(rt, net.store, DEFAULT_ADAM);
  const batch = uploadBatch(rt, (await data.trainParts(1).get(0)).graph);
  const wall: number[] = [];
  const encode: number[] = [];
  let dispatches = 0;
  try {
    for (let i = 0; i <= opts.steps; i++) {
      await rt.sync();
      const d0 = rt.batcher.stats.dispatches;
      const t0 = performance.now();
      const ctx = stepContext(rt, batch.graph, { dropout: model.dropout, seed: opts.seed + i });
      net.store.zeroGrads();
      const out = await net.trainStep(ctx, taskLoss(rt, batch));
      adam.apply();
      const t1 = performance.now();
      await rt.readScalar(out.loss);
      const t2 = performance.now();
      rt.release(out.loss);
      // Step 0 warms up pipelines and the buffer pool.
      if (i > 0) {
        wall.push(t2 - t0);
        encode.push(t1 - t0);
        dispatches = rt.batcher.stats.dispatches - d0;
      }
    }
    return {
      ms: median(wall),
      all: wall,
      encodeMs: median(encode),
      dispatches,
      params: net.paramCount,
    };
  } finally {
    releaseBatch(rt, batch);
    adam.release();
    net.release();
  }
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
