// `npm run cli -- sweep`: one training step per (model, depth), peak memory by tag from the meter.
import { GpuRuntime } from '../gpu/runtime';
import { loadDataset } from '../graph/load';
import type { ModelConfig, ModelKind } from '../models/config';
import { configProblems } from '../models/config';
import { measureStep } from '../train/measure';
import { trainData } from '../train/train-data';
import { datasetSource } from './dataset-ref';
import type { ProgressFn } from './types';

export interface SweepArgs {
  data: string;
  base: ModelConfig;
  models: ModelKind[];
  layers: number[];
  seed: number;
  budgetBytes: number | null;
}

export async function sweepHeadless(args: SweepArgs, progress: ProgressFn) {
  const ds = await loadDataset(datasetSource(args.data));
  const data = trainData(ds, { parts: 1, seed: args.seed });
  const probe = await GpuRuntime.create();
  const adapter = probe.adapterInfo;
  probe.destroy();
  const rows = [];
  const total = args.models.length * args.layers.length;
  for (const model of args.models) {
    for (const layers of args.layers) {
      progress({ label: `${model} L=${layers}`, done: rows.length, total });
      const cfg: ModelConfig = { ...args.base, model, layers };
      const problems = configProblems(cfg);
      if (problems.length) throw new Error(`${model} with ${layers} layers: ${problems.join(' ')}`);
      const m = await measureStep(data, cfg, { seed: args.seed, budgetBytes: args.budgetBytes });
      rows.push({
        model,
        layers,
        status: m.status,
        /** In use (tensors) at the step's peak; peakHeldBytes adds the buffer pool. */
        peakBytes: m.peakBytes,
        peakByTag: m.peakByTag,
        peakHeldBytes: m.peakHeldBytes,
        params: m.params,
        ms: m.ms,
        ...(m.message ? { message: m.message } : {}),
      });
    }
  }
  progress({ label: 'done', done: total, total });
  return { adapter, rows };
}
