// DEQ-GNN on the GPU: the fixed point it finds, its implicit gradients against the float64
// reference (itself checked by finite differences of the converged loss), memory that does not
// depend on the iteration cap, the warm-up network, reported and diverging solves, and training.
import { describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Subgraph } from '../graph/types';
import { builtinSource } from '../graph/catalog';
import { loadDataset } from '../graph/load';
import { stepContext } from '../nn/context';
import {
  deqBlockRef,
  deqReferenceLoss,
  deqReferenceStep,
  deqUnrolledReferenceStep,
} from '../reference/deq';
import type { Weights } from '../reference/model';
import { releaseBatch, uploadBatch } from '../train/batch';
import { taskLoss } from '../train/task-loss';
import { DEFAULT_TRAIN, Trainer } from '../train/trainer';
import { graphTrainData, trainData } from '../train/train-data';
import { expectFiniteDifferences, jitterWeights } from '../testing/finite-diff';
import { expectNoGpuErrors, sharedRuntime } from '../testing/gpu-fixture';
import { randomSubgraph, shapeOf } from '../testing/graphs';
import { configProblems, DEFAULT_MODEL, type ModelConfig } from './config';
import { DeqNetwork, WARMUP_DEPTH } from './deq';
import { SolverDivergedError } from './solvers/broyden';

const CASES: {
  name: string;
  cfg: Partial<ModelConfig>;
  graph: Parameters<typeof randomSubgraph>[0];
}[] = [
  {
    name: 'gcn',
    cfg: { op: 'gcn' },
    graph: { nodes: 12, avgDegree: 3, featureDim: 5, classes: 3, seed: 1 },
  },
  {
    // Enough words that no node's bag is empty: a featureless node has X = 0, where Norm1 undoes
    // Conv1's small scale and the block stops contracting (then fixed points need not be unique).
    name: 'sage, sparse features',
    cfg: { op: 'sage' },
    graph: { nodes: 10, avgDegree: 3, featureDim: 16, classes: 3, seed: 2, sparseFeatures: true },
  },
  {
    name: 'gen-softmax, edge features, multi-label',
    cfg: { op: 'gen', aggregation: 'softmax' },
    graph: { nodes: 9, avgDegree: 3, featureDim: 4, classes: 0, tasks: 3, seed: 4, edgeDim: 2 },
  },
  {
    name: 'gat, 2 heads, edge features',
    cfg: { op: 'gat', heads: 2 },
    graph: { nodes: 9, avgDegree: 3, featureDim: 4, classes: 3, seed: 5, edgeDim: 2 },
  },
];

const BASE: ModelConfig = {
  ...DEFAULT_MODEL,
  model: 'deq',
  layers: 100,
  channels: 6,
  dropout: 0.2,
  tolerance: 1e-6,
};
const DROPOUT_SEED = 777;

async function readWeights(rt: GpuRuntime, net: DeqNetwork) {
  const weights: Weights = new Map();
  const shapes = new Map<string, [number, number]>();
  const grads = new Map<string, Float32Array>();
  for (const p of net.store.params) {
    weights.set(p.name, Float64Array.from((await rt.read(p.value)) as Float32Array));
    shapes.set(p.name, [p.rows, p.cols]);
    grads.set(p.name, (await rt.read(p.grad)) as Float32Array);
  }
  return { weights, shapes, grads };
}

async function gpuStep(sub: Subgraph, cfg: ModelConfig) {
  const rt = await sharedRuntime();
  const net = new DeqNetwork(rt, cfg, shapeOf(sub), 13);
  const batch = uploadBatch(rt, sub);
  const ctx = stepContext(rt, batch.graph, { dropout: cfg.dropout, seed: DROPOUT_SEED });
  net.store.zeroGrads();
  const out = await net.trainStep(ctx, taskLoss(rt, batch));
  const loss = await rt.readScalar(out.loss);
  const read = await readWeights(rt, net);
  rt.release(out.loss);
  releaseBatch(rt, batch);
  net.release();
  rt.allocator.assertNoLeaks();
  await expectNoGpuErrors(rt);
  return { loss, solver: out.solver, solves: net.lastSolves, ...read };
}

function relNorm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += a[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** max |got − want| / max |want| for each tensor, the worst over all. */
function worstGradError(want: Map<string, Float64Array>, got: Map<string, ArrayLike<number>>) {
  let worst = { name: '', err: 0 };
  for (const [name, g] of want) {
    const scale = g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const o = got.get(name)!;
    let e = 0;
    for (let i = 0; i < g.length; i++) e = Math.max(e, Math.abs(o[i] - g[i]));
    const rel = e / Math.max(scale, 1e-12);
    if (rel > worst.err || Number.isNaN(rel)) worst = { name, err: rel };
  }
  return worst;
}

describe('DEQ configuration', () => {
  it('explains a tolerance outside (0, 1), negative warm-up, a zero cap and a memory policy', () => {
    expect(configProblems(BASE)).toEqual([]);
    const p = configProblems({
      ...BASE,
      tolerance: 0,
      warmupSteps: -1,
      layers: 0,
      policy: 'store',
    });
    expect(p).toEqual([
      'The iteration cap (layers) must be a whole number ≥ 1 (got 0).',
      'The solver tolerance must be a number between 0 and 1 (got 0).',
      'Warm-up steps must be a whole number ≥ 0 (got -1).',
      'DEQ-GNN has no memory policy to choose: it keeps only the fixed point and the solver history.',
    ]);
  });
});

describe('DEQ forward: the fixed point', () => {
  for (const c of CASES) {
    it(`${c.name}: ‖Z − F(Z)‖ / ‖Z‖ < 1e-4 (the tolerance) with F in float64, Z within 1e-3 of the reference Z*`, async () => {
      const rt = await sharedRuntime();
      const sub = randomSubgraph(c.graph);
      const cfg = { ...BASE, ...c.cfg, tolerance: 1e-4 } as ModelConfig;
      const net = new DeqNetwork(rt, cfg, shapeOf(sub), 21);
      const batch = uploadBatch(rt, sub);
      const ctx = stepContext(rt, batch.graph, { dropout: cfg.dropout, seed: DROPOUT_SEED });
      const { x, z, solve } = await net.fixedPoint(ctx);
      const zGpu = Float64Array.from((await rt.read(z)) as Float32Array);
      const { weights, shapes } = await readWeights(rt, net);
      rt.release(x, z);
      releaseBatch(rt, batch);
      net.release();
      rt.allocator.assertNoLeaks();

      expect(solve.converged).toBe(true);
      expect(solve.residual).toBeLessThan(1e-4);
      const opts = { dropout: cfg.dropout, seed: DROPOUT_SEED };
      const fz = deqBlockRef(sub, cfg, weights, shapes, opts, zGpu);
      expect(relNorm(zGpu, fz)).toBeLessThan(1e-4);
      const ref = deqReferenceStep(sub, cfg, weights, shapes, opts);
      expect(relNorm(ref.forward.z, zGpu)).toBeLessThan(1e-3);
      await expectNoGpuErrors(rt);
    });
  }
});

describe('DEQ implicit gradients', () => {
  for (const c of CASES) {
    it(`${c.name}: float64 reference within 1e-6 of central differences (h = 1e-6) of the converged loss`, async () => {
      const sub = randomSubgraph(c.graph);
      const cfg = { ...BASE, ...c.cfg } as ModelConfig;
      const { weights, shapes } = await gpuStep(sub, cfg);
      jitterWeights(weights);
      const opts = { dropout: cfg.dropout, seed: DROPOUT_SEED, tolerance: 1e-14 };
      const { grads } = deqReferenceStep(sub, cfg, weights, shapes, opts);
      expectFiniteDifferences(
        weights,
        grads,
        () => deqReferenceLoss(sub, cfg, weights, shapes, opts),
        {
          h: 1e-6,
          tol: 1e-6,
          perTensor: 2,
        },
      );
    });

    it(`${c.name}: GPU loss within 1e-5 and every gradient within 1e-4 (max |Δ| / max |g|) of the reference`, async () => {
      const sub = randomSubgraph(c.graph);
      const cfg = { ...BASE, ...c.cfg } as ModelConfig;
      const gpu = await gpuStep(sub, cfg);
      expect(gpu.solver?.converged).toBe(true);
      const ref = deqReferenceStep(sub, cfg, gpu.weights, gpu.shapes, {
        dropout: cfg.dropout,
        seed: DROPOUT_SEED,
      });
      expect(Math.abs(gpu.loss - ref.loss) / Math.abs(ref.loss)).toBeLessThanOrEqual(1e-5);
      expect([...ref.grads.keys()].sort()).toEqual([...gpu.grads.keys()].sort());
      const worst = worstGradError(ref.grads, gpu.grads);
      expect(worst.err, worst.name).toBeLessThanOrEqual(1e-4);
    });
  }
});

describe('DEQ memory', () => {
  it('peak in-use bytes of a training step are the same (within 5 %) for iteration caps 8 and 128', async () => {
    const rt = await sharedRuntime();
    const sub = randomSubgraph({ nodes: 40, avgDegree: 4, featureDim: 8, classes: 3, seed: 5 });
    const peaks: number[] = [];
    const iterations: number[] = [];
    for (const layers of [8, 128]) {
      // A tolerance float32 cannot reach: both solves run to their caps.
      const cfg: ModelConfig = { ...BASE, channels: 16, layers, tolerance: 1e-9 };
      const net = new DeqNetwork(rt, cfg, shapeOf(sub), 3);
      const batch = uploadBatch(rt, sub);
      const ctx = stepContext(rt, batch.graph, { dropout: cfg.dropout, seed: 3 });
      rt.allocator.trim();
      rt.allocator.resetPeaks();
      const out = await net.trainStep(ctx, taskLoss(rt, batch));
      peaks.push(rt.allocator.snapshot().peakInUseBytes);
      iterations.push(out.solver!.forwardIterations, out.solver!.backwardIterations);
      expect(Number.isFinite(await rt.readScalar(out.loss))).toBe(true);
      rt.release(out.loss);
      releaseBatch(rt, batch);
      net.release();
      rt.allocator.assertNoLeaks();
    }
    expect(iterations).toEqual([8, 8, 128, 128]);
    expect(Math.abs(peaks[1] - peaks[0]) / peaks[0]).toBeLessThanOrEqual(0.05);
    await expectNoGpuErrors(rt);
  });
});

describe('DEQ warm-up and solve reporting', () => {
  it(`warm-up steps train the weight-tied unrolled network (depth ${WARMUP_DEPTH}) and match its float64 gradients`, async () => {
    const rt = await sharedRuntime();
    const sub = randomSubgraph(CASES[0].graph);
    const cfg: ModelConfig = { ...BASE, warmupSteps: 1 };
    const net = new DeqNetwork(rt, cfg, shapeOf(sub), 13);
    const batch = uploadBatch(rt, sub);
    const ctx = stepContext(rt, batch.graph, { dropout: cfg.dropout, seed: DROPOUT_SEED });
    const results = [];
    for (let s = 0; s < 2; s++) {
      net.store.zeroGrads();
      const out = await net.trainStep(ctx, taskLoss(rt, batch));
      const read = await readWeights(rt, net);
      results.push({ loss: await rt.readScalar(out.loss), solver: out.solver, ...read });
      rt.release(out.loss);
    }
    releaseBatch(rt, batch);
    net.release();
    rt.allocator.assertNoLeaks();
    const [warm, solved] = results;
    expect(warm.solver).toBeUndefined();
    expect(solved.solver?.converged).toBe(true);
    const ref = deqUnrolledReferenceStep(
      sub,
      cfg,
      warm.weights,
      warm.shapes,
      { dropout: cfg.dropout, seed: DROPOUT_SEED },
      WARMUP_DEPTH,
    );
    expect(Math.abs(warm.loss - ref.loss) / Math.abs(ref.loss)).toBeLessThanOrEqual(1e-5);
    const worst = worstGradError(ref.grads, warm.grads);
    expect(worst.err, worst.name).toBeLessThanOrEqual(1e-4);
    await expectNoGpuErrors(rt);
  });

  it('a cap reached before the tolerance is counted per epoch, not hidden', async () => {
    const rt = await sharedRuntime();
    const sub = randomSubgraph({ nodes: 30, avgDegree: 3, featureDim: 6, classes: 3, seed: 8 });
    const trainer = new Trainer(
      rt,
      graphTrainData(sub, 2, 1),
      { ...BASE, layers: 2, tolerance: 1e-6 },
      { ...DEFAULT_TRAIN, epochs: 2, lr: 0.01, evalEvery: 2 },
    );
    const result = await trainer.run();
    trainer.release();
    for (const e of result.epochs) {
      expect(e.solver).not.toBeNull();
      expect(e.solver!.unconverged).toBe(e.steps);
      expect(e.solver!.forwardIterations).toBe(2);
      expect(e.solver!.forwardResidual).toBeGreaterThan(1e-6);
    }
    rt.allocator.assertNoLeaks();
    await expectNoGpuErrors(rt);
  });

  it('a diverging solve stops the step with an explanation and leaks nothing', async () => {
    const rt = await sharedRuntime();
    const sub = randomSubgraph(CASES[0].graph);
    const net = new DeqNetwork(rt, BASE, shapeOf(sub), 13);
    // NaN in Norm2's shift reaches F(Z) whatever Z is (NaN before a ReLU may be clamped to 0).
    const beta = net.store.params.find((p) => p.name === 'deq.norm2.beta')!;
    rt.write(beta.value, new Float32Array(beta.numel).fill(NaN));
    const batch = uploadBatch(rt, sub);
    const ctx = stepContext(rt, batch.graph, { dropout: BASE.dropout, seed: 1 });
    await expect(net.trainStep(ctx, taskLoss(rt, batch))).rejects.toThrow(SolverDivergedError);
    await expect(net.trainStep(ctx, taskLoss(rt, batch))).rejects.toThrow(
      /DEQ forward fixed-point solve diverged at iteration 1.*lower the learning rate/,
    );
    releaseBatch(rt, batch);
    net.release();
    rt.allocator.assertNoLeaks();
    await expectNoGpuErrors(rt);
  });
});

describe('DEQ training', () => {
  it('lowers the loss on the built-in citation dataset (GCN, 32 channels, cap 30): last epoch below 90 % of the first', async () => {
    const rt = await sharedRuntime();
    const ds = await loadDataset(builtinSource('citation'));
    const model: ModelConfig = {
      ...DEFAULT_MODEL,
      model: 'deq',
      op: 'gcn',
      layers: 30,
      channels: 32,
      dropout: 0.1,
    };
    const epochs = 5;
    const trainer = new Trainer(rt, trainData(ds, { parts: 1, seed: 1 }), model, {
      ...DEFAULT_TRAIN,
      epochs,
      lr: 0.01,
      seed: 1,
      evalEvery: epochs,
    });
    const result = await trainer.run();
    trainer.release();
    const losses = result.epochs.map((e) => e.loss);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(0.9 * losses[0]);
    expect(result.epochs.every((e) => e.solver !== null)).toBe(true);
    expect(Number.isFinite(result.epochs.at(-1)!.test)).toBe(true);
    rt.allocator.assertNoLeaks();
    await expectNoGpuErrors(rt);
  });
});
