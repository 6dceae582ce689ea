// The plain network (Kipf-style shallow baselines) on the GPU against its float64 reference —
// sparse and dense inputs, input dropout, per-layer dropout — the reference against finite
// differences, and Adam's first-layer-only weight decay.
import { describe, expect, it } from 'vitest';
import type { Subgraph } from '../graph/types';
import { stepContext } from '../nn/context';
import { withInputDropout } from '../nn/input-dropout';
import { plainReferenceStep, type PlainRefOptions } from '../reference/plain';
import { Adam, DEFAULT_ADAM } from '../train/adam';
import { releaseBatch, uploadBatch } from '../train/batch';
import { taskLoss } from '../train/task-loss';
import { expectFiniteDifferences, jitterWeights } from '../testing/finite-diff';
import { expectNoGpuErrors, sharedRuntime } from '../testing/gpu-fixture';
import { randomSubgraph, shapeOf } from '../testing/graphs';
import { readParams } from '../testing/params';
import { configProblems, DEFAULT_MODEL, type ModelConfig } from './config';
import { PlainNetwork } from './plain';

const CASES: {
  name: string;
  cfg: Partial<ModelConfig>;
  graph: Parameters<typeof randomSubgraph>[0];
  inputDropout: number;
}[] = [
  {
    name: 'gcn, 2 layers, dense features',
    cfg: { op: 'gcn', layers: 2 },
    graph: { nodes: 11, avgDegree: 3, featureDim: 5, classes: 3, seed: 1 },
    inputDropout: 0,
  },
  {
    name: 'gcn, 3 layers, sparse features, input dropout',
    cfg: { op: 'gcn', layers: 3 },
    graph: { nodes: 12, avgDegree: 3, featureDim: 9, classes: 3, seed: 2, sparseFeatures: true },
    inputDropout: 0.4,
  },
  {
    name: 'sage, 2 layers, sparse features, input dropout',
    cfg: { op: 'sage', layers: 2 },
    graph: { nodes: 10, avgDegree: 3, featureDim: 8, classes: 4, seed: 3, sparseFeatures: true },
    inputDropout: 0.3,
  },
  {
    name: 'sage, 1 layer, dense features, input dropout, multi-label',
    cfg: { op: 'sage', layers: 1 },
    graph: { nodes: 9, avgDegree: 3, featureDim: 4, classes: 0, tasks: 3, seed: 4 },
    inputDropout: 0.5,
  },
];

const BASE: ModelConfig = { ...DEFAULT_MODEL, model: 'plain', channels: 6, dropout: 0.3 };
const SEED = 515;
const INPUT_SEED = 9191;

async function gpuStep(sub: Subgraph, cfg: ModelConfig, inputDropout: number) {
  const rt = await sharedRuntime();
  const net = new PlainNetwork(rt, cfg, shapeOf(sub), 21);
  const batch = uploadBatch(rt, sub);
  const input =
    inputDropout > 0
      ? withInputDropout(rt, batch.graph, { p: inputDropout, seed: INPUT_SEED })
      : null;
  const ctx = stepContext(rt, input?.graph ?? batch.graph, { dropout: cfg.dropout, seed: SEED });
  net.store.zeroGrads();
  const out = net.trainStep(ctx, taskLoss(rt, batch));
  const loss = await rt.readScalar(out.loss);
  const read = await readParams(rt, net.store);
  rt.release(out.loss);
  input?.release();
  releaseBatch(rt, batch);
  net.release();
  rt.allocator.assertNoLeaks();
  await expectNoGpuErrors(rt);
  return { loss, ...read };
}

function refOptions(cfg: ModelConfig, inputDropout: number): PlainRefOptions {
  return {
    dropout: cfg.dropout,
    seed: SEED,
    ...(inputDropout > 0 ? { inputDropout: { p: inputDropout, seed: INPUT_SEED } } : {}),
  };
}

describe('plain network on the GPU against the float64 reference', () => {
  for (const c of CASES) {
    it(`${c.name}: loss within 1e-5, every gradient within 1e-3 (max |Δ| / max |g|)`, async () => {
      const sub = randomSubgraph(c.graph);
      const cfg = { ...BASE, ...c.cfg } as ModelConfig;
      const gpu = await gpuStep(sub, cfg, c.inputDropout);
      const ref = plainReferenceStep(
        sub,
        cfg,
        gpu.weights,
        gpu.shapes,
        refOptions(cfg, c.inputDropout),
      );
      expect(Math.abs(gpu.loss - ref.loss) / Math.abs(ref.loss)).toBeLessThanOrEqual(1e-5);
      expect([...ref.grads.keys()].sort()).toEqual([...gpu.grads.keys()].sort());
      for (const [name, g] of ref.grads) {
        const scale = g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const got = gpu.grads.get(name)!;
        let worst = 0;
        for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(got[i] - g[i]));
        expect(worst / Math.max(scale, 1e-12), name).toBeLessThanOrEqual(1e-3);
      }
    });
  }

  for (const c of CASES.slice(1, 3)) {
    it(`${c.name}: the reference agrees with central differences (h = 1e-6) within 1e-5`, async () => {
      const sub = randomSubgraph(c.graph);
      const cfg = { ...BASE, ...c.cfg } as ModelConfig;
      const { weights, shapes } = await gpuStep(sub, cfg, c.inputDropout);
      jitterWeights(weights);
      const opts = refOptions(cfg, c.inputDropout);
      const { grads } = plainReferenceStep(sub, cfg, weights, shapes, opts);
      expectFiniteDifferences(
        weights,
        grads,
        () => plainReferenceStep(sub, cfg, weights, shapes, opts).loss,
        { h: 1e-6, tol: 1e-5, perTensor: 3 },
      );
    });
  }
});

describe('plain network configuration', () => {
  it('refuses GEN and a memory policy other than store, in words', () => {
    expect(configProblems({ ...BASE, op: 'gen' })[0]).toMatch(/plain network stacks gcn, sage/);
    expect(configProblems({ ...BASE, policy: 'checkpoint' })[0]).toMatch(/keeps what its layers/);
    expect(configProblems({ ...BASE, inputDropout: 1 })[0]).toMatch(/Input dropout must be in/);
  });
});

describe('first-layer weight decay', () => {
  it('with zero gradients, Adam moves exactly the first layer’s parameters', async () => {
    const rt = await sharedRuntime();
    const sub = randomSubgraph({ nodes: 8, avgDegree: 2, featureDim: 5, classes: 3, seed: 9 });
    const net = new PlainNetwork(rt, { ...BASE, layers: 3 }, shapeOf(sub), 3);
    const opts = { ...DEFAULT_ADAM, lr: 0.01, weightDecay: 0.5 };
    const adam = new Adam(rt, net.store, opts, net.firstLayer);
    const before = await net.store.toHost();
    net.store.zeroGrads();
    adam.apply();
    const after = await net.store.toHost();
    const first = new Set(net.firstLayer.map((p) => p.name));
    for (const p of net.store.params) {
      const moved = after[p.name].value.some((v, i) => v !== before[p.name].value[i]);
      const nonzero = before[p.name].value.some((v) => v !== 0);
      expect(moved, p.name).toBe(first.has(p.name) && nonzero);
    }
    adam.release();
    net.release();
    rt.allocator.assertNoLeaks();
    await expectNoGpuErrors(rt);
  });
});
