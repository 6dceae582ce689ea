// Evaluation by parts: each view is a random partition of the loaded nodes into Q parts; each
// part's induced subgraph runs forward (no dropout) and its logits land on the part's rows of one
// N × outputs array, summed over V views and divided by V (the official code's "multi-view"
// inference). Metrics are then computed over every node of each split at once — exactly what
// full-graph evaluation computes when Q = V = 1.
import type { GpuRuntime } from '../gpu/runtime';
import { SPLIT_NONE, SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID, type Subgraph } from '../graph/types';
import { stepContext } from '../nn/context';
import type { Model } from '../models/model';
import { accuracy, meanRocAuc } from './metrics';
import type { ResidentBatch } from './resident-batch';
import type { TrainData } from './train-data';

export interface Scores {
  train: number;
  valid: number;
  test: number;
}

/** Predictions over the evaluation index and the labels and split they are scored against. */
export class Predictions {
  readonly sum: Float32Array;
  readonly split: Uint8Array;
  readonly y: Int32Array | Uint8Array;
  /** Views each row received (a row no view covered stays 0 and is not scored). */
  readonly seen: Uint16Array;

  constructor(
    readonly numNodes: number,
    readonly outputs: number,
    readonly task: 'multiclass' | 'multilabel',
  ) {
    this.sum = new Float32Array(numNodes * outputs);
    this.split = new Uint8Array(numNodes).fill(SPLIT_NONE);
    this.y =
      task === 'multiclass'
        ? new Int32Array(numNodes).fill(-1)
        : new Uint8Array(numNodes * outputs);
    this.seen = new Uint16Array(numNodes);
  }

  /** Adds one part's logits (part rows × outputs) at its rows of the index. */
  add(part: Subgraph, index: Uint32Array, logits: Float32Array): void {
    const O = this.outputs;
    const labels = part.labels;
    for (let k = 0; k < index.length; k++) {
      const r = index[k];
      for (let c = 0; c < O; c++) this.sum[r * O + c] += logits[k * O + c];
      this.seen[r]++;
      this.split[r] = part.split[k];
      if (labels.kind === 'multiclass') this.y[r] = labels.y[k];
      else this.y.set(labels.y.subarray(k * O, (k + 1) * O), r * O);
    }
  }

  /** The mean over views of each row's logits. */
  mean(views: number): Float32Array {
    if (views === 1) return this.sum;
    const out = new Float32Array(this.sum.length);
    for (let i = 0; i < out.length; i++) out[i] = this.sum[i] / views;
    return out;
  }

  scores(views: number): Scores {
    const logits = this.mean(views);
    // Rows no view reached (a dataset loaded in part) are left out of every split.
    const split = this.split.map((s, i) => (this.seen[i] ? s : SPLIT_NONE));
    const score = (code: number) =>
      this.task === 'multiclass'
        ? accuracy(logits, this.outputs, this.y as Int32Array, split, code)
        : meanRocAuc(logits, this.outputs, this.y as Uint8Array, split, code);
    return { train: score(SPLIT_TRAIN), valid: score(SPLIT_VALID), test: score(SPLIT_TEST) };
  }
}

export interface EvaluateHooks {
  onPart?(view: number, part: number, parts: number): void;
}

/** Predictions of the current weights by parts, over every view of the data's plan. */
export async function predictByParts(
  rt: GpuRuntime,
  network: Model,
  data: TrainData,
  resident: ResidentBatch,
  hooks: EvaluateHooks = {},
): Promise<Predictions> {
  const pred = new Predictions(data.numNodes, data.shape.outputDim, data.shape.task);
  for (let v = 0; v < data.plan.evalViews; v++) {
    const schedule = data.evalParts(v);
    const keep = schedule.count === 1;
    for (let i = 0; i < schedule.count; i++) {
      const part = await schedule.get(i);
      const logits = await resident.with(part.graph, keep, async (batch) => {
        const ctx = stepContext(rt, batch.graph, { dropout: 0, seed: 0 });
        const t = await network.forward(ctx);
        try {
          return (await rt.read(t)) as Float32Array;
        } finally {
          rt.release(t);
        }
      });
      pred.add(part.graph, part.index, logits);
      hooks.onPart?.(v, i + 1, schedule.count);
    }
  }
  return pred;
}

export async function evaluateByParts(
  rt: GpuRuntime,
  network: Model,
  data: TrainData,
  resident: ResidentBatch,
  hooks: EvaluateHooks = {},
): Promise<Scores> {
  const pred = await predictByParts(rt, network, data, resident, hooks);
  return pred.scores(data.plan.evalViews);
}
