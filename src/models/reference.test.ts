// The GPU engine against the float64 reference network, and the reference against finite
// differences of its own loss.
import { describe, expect, it } from 'vitest';
import type { Subgraph } from '../graph/types';
import { stepContext } from '../nn/context';
import { referenceStep, type Weights } from '../reference/model';
import { releaseBatch, uploadBatch } from '../train/batch';
import { taskLoss } from '../train/task-loss';
import { expectFiniteDifferences, gradientScales, jitterWeights } from '../testing/finite-diff';
import { expectNoGpuErrors, sharedRuntime } from '../testing/gpu-fixture';
import { randomSubgraph, shapeOf } from '../testing/graphs';
import { DEFAULT_MODEL, type ModelConfig } from './config';
import { Network } from './network';

const CASES: {
  name: string;
  cfg: Partial<ModelConfig>;
  graph: Parameters<typeof randomSubgraph>[0];
}[] = [
  {
    name: 'rev gcn C=2',
    cfg: { model: 'rev', op: 'gcn', groups: 2 },
    graph: { nodes: 11, avgDegree: 3, featureDim: 5, classes: 3, seed: 1 },
  },
  {
    name: 'rev sage C=3',
    cfg: { model: 'rev', op: 'sage', groups: 3 },
    graph: { nodes: 10, avgDegree: 3, featureDim: 4, classes: 3, seed: 2 },
  },
  {
    name: 'rev gen-max C=2, edge features',
    cfg: { model: 'rev', op: 'gen', aggregation: 'max', groups: 2 },
    graph: { nodes: 9, avgDegree: 3, featureDim: 4, classes: 3, seed: 3, edgeDim: 3 },
  },
  {
    name: 'rev gen-softmax C=3, edge features, multi-label',
    cfg: { model: 'rev', op: 'gen', aggregation: 'softmax', groups: 3 },
    graph: { nodes: 9, avgDegree: 3, featureDim: 4, classes: 0, tasks: 4, seed: 4, edgeDim: 2 },
  },
  {
    name: 'rev gen-power C=2 (learned p), edge features',
    cfg: { model: 'rev', op: 'gen', aggregation: 'power', groups: 2 },
    graph: { nodes: 9, avgDegree: 3, featureDim: 4, classes: 3, seed: 9, edgeDim: 2 },
  },
  {
    name: 'res gen-softmax, β fixed at 1',
    cfg: { model: 'res', op: 'gen', aggregation: 'softmax', learnAggr: false },
    graph: { nodes: 9, avgDegree: 3, featureDim: 4, classes: 3, seed: 10 },
  },
  {
    name: 'rev gat C=2, 3 heads, edge features',
    cfg: { model: 'rev', op: 'gat', groups: 2, heads: 3 },
    graph: { nodes: 10, avgDegree: 3, featureDim: 4, classes: 3, seed: 7, edgeDim: 2 },
  },
  {
    name: 'res gat, 2 heads',
    cfg: { model: 'res', op: 'gat', heads: 2 },
    graph: { nodes: 10, avgDegree: 3, featureDim: 5, classes: 3, seed: 8 },
  },
  {
    name: 'res gcn',
    cfg: { model: 'res', op: 'gcn' },
    graph: { nodes: 10, avgDegree: 3, featureDim: 5, classes: 4, seed: 5 },
  },
  {
    name: 'wtrev sage, sparse features',
    cfg: { model: 'wtrev', op: 'sage', groups: 2 },
    graph: { nodes: 12, avgDegree: 3, featureDim: 7, classes: 3, seed: 6, sparseFeatures: true },
  },
];

const BASE: ModelConfig = { ...DEFAULT_MODEL, layers: 3, channels: 6, dropout: 0.3 };
const DROPOUT_SEED = 4242;

async function gpuStep(sub: Subgraph, cfg: ModelConfig) {
  const rt = await sharedRuntime();
  const net = new Network(rt, cfg, shapeOf(sub), 13);
  const batch = uploadBatch(rt, sub);
  const ctx = stepContext(rt, batch.graph, { dropout: cfg.dropout, seed: DROPOUT_SEED });
  net.store.zeroGrads();
  const out = net.trainStep(ctx, taskLoss(rt, batch));
  const loss = await rt.readScalar(out.loss);
  const weights: Weights = new Map();
  const shapes = new Map<string, [number, number]>();
  const grads = new Map<string, Float32Array>();
  for (const p of net.store.params) {
    weights.set(p.name, Float64Array.from((await rt.read(p.value)) as Float32Array));
    shapes.set(p.name, [p.rows, p.cols]);
    grads.set(p.name, (await rt.read(p.grad)) as Float32Array);
  }
  rt.release(out.loss);
  releaseBatch(rt, batch);
  net.release();
  rt.allocator.assertNoLeaks();
  await expectNoGpuErrors(rt);
  return { loss, weights, shapes, grads };
}

describe('GPU network against the float64 reference', () => {
  for (const c of CASES) {
    it(`${c.name}: loss within 1e-5 and every gradient within 1e-3 (max |Δ| / max |g| per tensor, gradientScales)`, async () => {
      const sub = randomSubgraph(c.graph);
      const cfg = { ...BASE, ...c.cfg } as ModelConfig;
      const gpu = await gpuStep(sub, cfg);
      const ref = referenceStep(sub, cfg, gpu.weights, gpu.shapes, {
        dropout: cfg.dropout,
        seed: DROPOUT_SEED,
      });
      expect(Math.abs(gpu.loss - ref.loss) / Math.abs(ref.loss)).toBeLessThanOrEqual(1e-5);
      expect([...ref.grads.keys()].sort()).toEqual([...gpu.grads.keys()].sort());
      const scales = gradientScales(ref.grads);
      for (const [name, g] of ref.grads) {
        const scale = scales.get(name)!;
        const got = gpu.grads.get(name)!;
        let worst = 0;
        for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(got[i] - g[i]));
        expect(worst / Math.max(scale, 1e-12), name).toBeLessThanOrEqual(1e-3);
      }
    });
  }
});

describe('float64 reference against finite differences', () => {
  for (const c of CASES) {
    it(`${c.name}: central differences (h = 1e-6) agree within 1e-5 relative`, async () => {
      const sub = randomSubgraph(c.graph);
      const cfg = { ...BASE, ...c.cfg } as ModelConfig;
      const { weights, shapes } = await gpuStep(sub, cfg);
      jitterWeights(weights);
      const opts = { dropout: cfg.dropout, seed: DROPOUT_SEED };
      const { grads } = referenceStep(sub, cfg, weights, shapes, opts);
      expectFiniteDifferences(
        weights,
        grads,
        () => referenceStep(sub, cfg, weights, shapes, opts).loss,
        {
          h: 1e-6,
          tol: 1e-5,
          perTensor: 3,
        },
      );
    });
  }
});
