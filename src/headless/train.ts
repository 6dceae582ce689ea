// `npm run cli -- train`: the trainer on a dataset, in headless Chromium, results as JSON.
import { GpuRuntime } from '../gpu/runtime';
import { loadDataset } from '../graph/load';
import type { ModelConfig } from '../models/config';
import { assertValidConfig } from '../models/config';
import { trainData } from '../train/train-data';
import { Trainer, type TrainOptions } from '../train/trainer';
import { datasetSource } from './dataset-ref';
import type { ProgressFn } from './main';

export interface TrainArgs {
  data: string;
  model: ModelConfig;
  train: TrainOptions;
  /** Random parts per epoch (1 = whole graph); 0 = one step per shard. */
  parts: number;
  budgetBytes: number | null;
}

export async function trainHeadless(args: TrainArgs, progress: ProgressFn) {
  assertValidConfig(args.model);
  progress({ label: 'loading data', done: 0, total: 1 });
  const ds = await loadDataset(datasetSource(args.data), {
    onProgress: (p) =>
      progress({ label: 'loading data', done: p.loadedBytes, total: Math.max(p.totalBytes, 1) }),
  });
  const rt = await GpuRuntime.create({ budgetBytes: args.budgetBytes });
  try {
    const plan =
      args.parts === 0
        ? ({ kind: 'shards' } as const)
        : ({ kind: 'random', parts: args.parts, seed: args.train.seed } as const);
    const trainer = new Trainer(rt, trainData(ds, plan), args.model, args.train);
    const total = args.train.epochs;
    const result = await trainer.run({
      onStep: (s) =>
        progress({
          label: `epoch ${s.epoch}/${total} step ${s.step}/${s.steps}`,
          done: s.epoch - 1 + s.step / s.steps,
          total,
        }),
      onEpoch: (r) =>
        progress({
          label: `epoch ${r.epoch}/${total} loss ${r.loss.toFixed(4)} valid ${fmt(r.valid)} test ${fmt(r.test)}`,
          done: r.epoch,
          total,
        }),
    });
    trainer.release();
    return {
      config: {
        data: args.data,
        dataset: ds.manifest.name,
        ...args.model,
        ...args.train,
        parts: args.parts,
      },
      adapter: rt.adapterInfo,
      params: result.params,
      epochs: result.epochs.map(
        ({ epoch, loss, train, valid, test, ms, reconstruction, solver }) => ({
          epoch,
          loss,
          train,
          valid,
          test,
          ms,
          ...(reconstruction !== null ? { reconstruction } : {}),
          ...(solver !== null ? { solver } : {}),
        }),
      ),
      best: result.best,
      peakBytes: result.peakBytes,
      peakByTag: result.peakByTag,
    };
  } finally {
    rt.destroy();
  }
}

function fmt(v: number): string {
  return Number.isNaN(v) ? '–' : v.toFixed(4);
}
