// `npm run cli -- train`: the trainer on a dataset, in headless Chromium, results as JSON.
// Training and evaluation both run by parts; a dataset past the in-memory threshold (or with
// stream: 'stream') is read part by part from its shards. With `seeds` the run is repeated once
// per seed and the result is { runs, summary } (mean ± std of the best-valid scores).
import { readWeightsFile } from '../export/weights';
import { GpuRuntime } from '../gpu/runtime';
import type { ModelConfig } from '../models/config';
import { assertValidConfig, weightsConfigMismatch } from '../models/config';
import { encodeCheckpoint } from '../train/checkpoint';
import { openTrainData, type StreamMode } from '../train/open-data';
import { summarizeSeeds } from '../train/seeds';
import { fromBase64, toBase64 } from '../util/base64';
import { Trainer, type TrainOptions } from '../train/trainer';
import { datasetSource } from './dataset-ref';
import type { ProgressFn } from './types';

export interface TrainArgs {
  data: string;
  model: ModelConfig;
  train: TrainOptions;
  /** Random parts per epoch (1 = whole graph); 0 = one step per shard. */
  parts: number;
  /** Random parts of each evaluation view (1 = whole graph) and views averaged. */
  evalParts?: number;
  evalViews?: number;
  stream?: StreamMode;
  budgetBytes: number | null;
  /** Repeat the run once per seed (each overriding train.seed). */
  seeds?: number[];
  /** Start from these weights (an .rgnn or a safetensors, base64), with a fresh optimizer. */
  initFrom?: { file: string; base64: string };
  /** Return the trained weights as an .rgnn file (base64, `weights` in the result). */
  saveWeights?: boolean;
}

export async function trainHeadless(args: TrainArgs, progress: ProgressFn) {
  if (!args.seeds) return trainOnce(args, progress);
  const runs = [];
  for (const [i, seed] of args.seeds.entries()) {
    const label = `seed ${seed} (${i + 1}/${args.seeds.length})`;
    runs.push(
      await trainOnce({ ...args, seeds: undefined, train: { ...args.train, seed } }, (p) =>
        progress({ ...p, label: `${label}: ${p.label}` }),
      ),
    );
  }
  return {
    runs,
    summary: summarizeSeeds(runs.map((r) => ({ seed: r.config.seed, best: r.best }))),
  };
}

async function trainOnce(args: TrainArgs, progress: ProgressFn) {
  assertValidConfig(args.model);
  progress({ label: 'loading data', done: 0, total: 1 });
  const evalParts = args.evalParts ?? 1;
  const evalViews = args.evalViews ?? 1;
  const opened = await openTrainData(datasetSource(args.data), {
    plan: { parts: args.parts, evalParts, evalViews, seed: args.train.seed },
    stream: args.stream,
    onProgress: (p) =>
      progress({ label: 'loading data', done: p.loadedBytes, total: Math.max(p.totalBytes, 1) }),
  });
  const rt = await GpuRuntime.create({ budgetBytes: args.budgetBytes });
  try {
    const trainer = new Trainer(rt, opened.data, args.model, args.train);
    if (args.initFrom) {
      const c = readWeightsFile(fromBase64(args.initFrom.base64), args.initFrom.file, args.model);
      const mismatch = weightsConfigMismatch(c.model, args.model);
      if (mismatch) throw new Error(`${args.initFrom.file}: ${mismatch}`);
      trainer.initFrom(c);
    }
    const total = args.train.epochs;
    let epoch = 0;
    const result = await trainer.run({
      onStep: (s) => {
        epoch = s.epoch;
        progress({
          label: `epoch ${s.epoch}/${total} step ${s.step}/${s.steps}`,
          done: s.epoch - 1 + s.step / s.steps,
          total,
        });
      },
      onEvalPart: (view, part, parts) =>
        progress({
          label: `epoch ${epoch}/${total} evaluating view ${view + 1}/${evalViews} part ${part}/${parts}`,
          done: epoch,
          total,
        }),
      onEpoch: (r) =>
        progress({
          label: `epoch ${r.epoch}/${total} loss ${r.loss.toFixed(4)} valid ${fmt(r.valid)} test ${fmt(r.test)}`,
          done: r.epoch,
          total,
        }),
    });
    const weights = args.saveWeights
      ? toBase64(
          encodeCheckpoint(
            await trainer.checkpoint({ datasetName: opened.manifest.name, data: args.data }),
          ),
        )
      : undefined;
    trainer.release();
    return {
      ...(weights ? { weights } : {}),
      config: {
        data: args.data,
        dataset: opened.manifest.name,
        ...args.model,
        ...args.train,
        parts: args.parts,
        evalParts,
        evalViews,
        streamed: opened.streamed,
      },
      adapter: rt.adapterInfo,
      kernels: result.kernels,
      limits: {
        maxBufferSize: rt.limits.maxBufferSize,
        maxStorageBufferBindingSize: rt.limits.maxStorageBufferBindingSize,
      },
      graph: { nodes: opened.nodes, edges: opened.edges },
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
      earlyStopped: result.earlyStopped,
      /** In use (handed out to tensors), at its peak, by tag. */
      peakBytes: result.peakBytes,
      peakByTag: result.peakByTag,
      /** Held by the GPU (in use + pooled), at its peak, by tag. */
      peakHeldBytes: result.peakHeldBytes,
      peakHeldByTag: result.peakHeldByTag,
    };
  } finally {
    rt.destroy();
  }
}

function fmt(v: number): string {
  return Number.isNaN(v) ? '–' : v.toFixed(4);
}
