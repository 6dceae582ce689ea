// One network's numbers, for comparing the engine with another implementation of it (the PyTorch
// export's tests): train a few epochs on the whole graph, then at those weights the full-graph
// logits (dropout off) and one training step's loss and parameter gradients (dropout on, a
// given seed). Everything is returned as base64 float32, weights as an .rgnn file.
import { GpuRuntime } from '../gpu/runtime';
import type { ModelConfig } from '../models/config';
import { stepContext } from '../nn/context';
import { releaseBatch, uploadBatch } from '../train/batch';
import { encodeCheckpoint } from '../train/checkpoint';
import { predictByParts } from '../train/evaluate';
import { openTrainData } from '../train/open-data';
import { ResidentBatch } from '../train/resident-batch';
import { taskLoss } from '../train/task-loss';
import { Trainer } from '../train/trainer';
import { floatsToBase64, toBase64 } from '../util/base64';
import { datasetSource } from './dataset-ref';
import type { ProgressFn } from './types';

export interface InspectCase {
  data: string;
  model: ModelConfig;
  seed: number;
  /** Whole-graph epochs before the weights are inspected. */
  epochs: number;
  lr: number;
  /** The inspected step's shared dropout. */
  step: { seed: number; dropout: number };
}

export interface InspectArgs {
  cases: InspectCase[];
}

/** Each case in turn, on one device. */
export async function inspectHeadless(args: InspectArgs, progress: ProgressFn) {
  const rt = await GpuRuntime.create();
  try {
    const out = [];
    for (const [i, c] of args.cases.entries()) {
      progress({ label: `case ${i + 1}/${args.cases.length}`, done: i, total: args.cases.length });
      out.push(await inspectCase(rt, c));
    }
    return out;
  } finally {
    rt.destroy();
  }
}

async function inspectCase(rt: GpuRuntime, args: InspectCase) {
  const opened = await openTrainData(datasetSource(args.data), {
    plan: { parts: 1, evalParts: 1, evalViews: 1, seed: args.seed },
  });
  const trainer = new Trainer(rt, opened.data, args.model, {
    epochs: args.epochs,
    lr: args.lr,
    weightDecay: 0,
    clip: 1,
    seed: args.seed,
    evalEvery: args.epochs,
    reconstructionEvery: 0,
  });
  const resident = new ResidentBatch(rt);
  try {
    for (let e = 1; e <= args.epochs; e++) await trainer.trainEpoch();
    const network = trainer.network;
    const weights = toBase64(encodeCheckpoint(await trainer.checkpoint()));
    const logits = (await predictByParts(rt, network, opened.data, resident)).mean(1);
    resident.release();

    const part = await opened.data.trainParts(1).get(0);
    const batch = uploadBatch(rt, part.graph);
    const ctx = stepContext(rt, batch.graph, args.step);
    network.store.zeroGrads();
    const out = await network.trainStep(ctx, taskLoss(rt, batch));
    const loss = await rt.readScalar(out.loss);
    rt.release(out.loss);
    const flat = (await rt.read(network.store.flat.grad)) as Float32Array;
    releaseBatch(rt, batch);
    const grads: Record<string, string> = {};
    for (const p of network.store.params)
      grads[p.name] = floatsToBase64(flat.slice(p.offset, p.offset + p.numel));
    return {
      weights,
      rows: opened.data.numNodes,
      cols: opened.data.shape.outputDim,
      logits: floatsToBase64(logits),
      loss,
      grads,
      solver: out.solver ?? null,
    };
  } finally {
    resident.release();
    trainer.release();
  }
}
