// `npm run cli -- predict`: the engine's full-graph logits for a weights file (.rgnn or the PyTorch
// export's safetensors) on a dataset — float32, N × outputs, dropout off, rows in the dataset's
// node order — and the metric of every split. Evaluation runs by parts as training does; one part
// (the default) is the whole graph.
import { readWeightsFile } from '../export/weights';
import { GpuRuntime } from '../gpu/runtime';
import { buildModel } from '../models/index';
import { assertValidConfig } from '../models/config';
import { stepsTaken } from '../train/checkpoint';
import { predictByParts } from '../train/evaluate';
import { openTrainData, type StreamMode } from '../train/open-data';
import { ResidentBatch } from '../train/resident-batch';
import { floatsToBase64, fromBase64 } from '../util/base64';
import { datasetSource } from './dataset-ref';
import type { ProgressFn } from './types';

export interface PredictArgs {
  data: string;
  weights: { file: string; base64: string };
  evalParts?: number;
  evalViews?: number;
  stream?: StreamMode;
}

export async function predictHeadless(args: PredictArgs, progress: ProgressFn) {
  const c = readWeightsFile(fromBase64(args.weights.base64), args.weights.file);
  assertValidConfig(c.model);
  progress({ label: 'loading data', done: 0, total: 1 });
  const opened = await openTrainData(datasetSource(args.data), {
    plan: { parts: 1, evalParts: args.evalParts ?? 1, evalViews: args.evalViews ?? 1, seed: 0 },
    stream: args.stream,
  });
  const rt = await GpuRuntime.create();
  const network = buildModel(rt, c.model, opened.data.shape, 0);
  const resident = new ResidentBatch(rt);
  try {
    network.store.fromHost(c.params);
    network.setStepsTaken?.(stepsTaken(c));
    const views = opened.data.plan.evalViews;
    const pred = await predictByParts(rt, network, opened.data, resident, {
      onPart: (view, part, parts) =>
        progress({
          label: `view ${view + 1}/${views} part ${part}/${parts}`,
          done: part,
          total: parts,
        }),
    });
    const logits = pred.mean(views);
    return {
      config: c.model,
      dataset: opened.manifest.name,
      metric: opened.manifest.metric,
      rows: opened.data.numNodes,
      cols: opened.data.shape.outputDim,
      logits: floatsToBase64(logits),
      scores: pred.scores(views),
      adapter: rt.adapterInfo,
    };
  } finally {
    resident.release();
    network.release();
    rt.destroy();
  }
}
