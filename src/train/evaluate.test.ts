// Evaluation by parts: one part is exactly full-graph evaluation; Q parts cover every node of
// each split once per view; V views average each node's logits — checked against a float64 CPU
// reference of the averaging and of the metric, fed by independent per-part forwards.
import { describe, expect, it } from 'vitest';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID, type Subgraph } from '../graph/types';
import { DEFAULT_MODEL, type ModelConfig } from '../models/config';
import { buildModel } from '../models/index';
import { stepContext } from '../nn/context';
import { expectNoGpuErrors, sharedRuntime } from '../testing/gpu-fixture';
import { randomSubgraph } from '../testing/graphs';
import { uploadBatch, releaseBatch } from './batch';
import { evaluateByParts, predictByParts } from './evaluate';
import { accuracy } from './metrics';
import { ResidentBatch } from './resident-batch';
import { graphTrainData } from './train-data';
import type { GpuRuntime } from '../gpu/runtime';
import type { Model } from '../models/model';

const SUB = randomSubgraph({ nodes: 90, avgDegree: 5, featureDim: 10, classes: 4, seed: 3 });
const MODEL: ModelConfig = { ...DEFAULT_MODEL, model: 'rev', layers: 3, channels: 8, groups: 2 };

async function forwardOf(rt: GpuRuntime, net: Model, g: Subgraph): Promise<Float32Array> {
  const batch = uploadBatch(rt, g);
  const t = await net.forward(stepContext(rt, batch.graph, { dropout: 0, seed: 0 }));
  const out = (await rt.read(t)) as Float32Array;
  rt.release(t);
  releaseBatch(rt, batch);
  return out;
}

describe('evaluation by parts', () => {
  it('with one part equals full-graph evaluation exactly', async () => {
    const rt = await sharedRuntime();
    const data = graphTrainData(SUB, 3, 7, { evalParts: 1 });
    const net = buildModel(rt, MODEL, data.shape, 1);
    const resident = new ResidentBatch(rt);
    const scores = await evaluateByParts(rt, net, data, resident);
    resident.release();
    const logits = await forwardOf(rt, net, SUB);
    const y = SUB.labels.kind === 'multiclass' ? SUB.labels.y : new Int32Array();
    expect(scores.train).toBe(accuracy(logits, 4, y, SUB.split, SPLIT_TRAIN));
    expect(scores.valid).toBe(accuracy(logits, 4, y, SUB.split, SPLIT_VALID));
    expect(scores.test).toBe(accuracy(logits, 4, y, SUB.split, SPLIT_TEST));
    net.release();
    await expectNoGpuErrors(rt);
  });

  it('with Q parts covers every node once per view, and averages V views like the CPU reference', async () => {
    const rt = await sharedRuntime();
    const Q = 4;
    const V = 3;
    const data = graphTrainData(SUB, 2, 11, { evalParts: Q, evalViews: V });
    const net = buildModel(rt, MODEL, data.shape, 2);
    const resident = new ResidentBatch(rt);
    const pred = await predictByParts(rt, net, data, resident);
    resident.release();
    expect([...pred.seen]).toEqual(new Array(SUB.numNodes).fill(V));
    expect([...pred.split]).toEqual([...SUB.split]);

    // The reference: each view's parts run forward on their own; float64 sums per node.
    const O = 4;
    const sum = new Float64Array(SUB.numNodes * O);
    for (let v = 0; v < V; v++) {
      const schedule = data.evalParts(v);
      expect(schedule.count).toBe(Q);
      const covered = new Uint8Array(SUB.numNodes);
      for (let i = 0; i < Q; i++) {
        const part = await schedule.get(i);
        const logits = await forwardOf(rt, net, part.graph);
        part.index.forEach((r, k) => {
          covered[r]++;
          for (let c = 0; c < O; c++) sum[r * O + c] += logits[k * O + c];
        });
      }
      expect(covered.every((c) => c === 1)).toBe(true);
    }
    const mean = Float32Array.from(sum, (s) => s / V);
    const got = pred.mean(V);
    for (let i = 0; i < mean.length; i++) expect(got[i]).toBeCloseTo(mean[i], 5);
    // Views are different partitions: at least one node's logits differ between views' parts
    // and the whole graph (otherwise averaging would test nothing).
    const whole = await forwardOf(rt, net, SUB);
    expect(whole.some((w, i) => Math.abs(w - mean[i]) > 1e-4)).toBe(true);

    const y = SUB.labels.kind === 'multiclass' ? SUB.labels.y : new Int32Array();
    const scores = pred.scores(V);
    for (const [code, key] of [
      [SPLIT_TRAIN, 'train'],
      [SPLIT_VALID, 'valid'],
      [SPLIT_TEST, 'test'],
    ] as const) {
      expect(scores[key]).toBe(accuracy(mean, O, y, SUB.split, code));
    }
    net.release();
    await expectNoGpuErrors(rt);
  });
});
