// The memory policies must not change the mathematics: the reverse policy (inverse +
// recompute) and checkpointing give the gradients that storing everything gives.
import { describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Subgraph } from '../graph/types';
import { stepContext } from '../nn/context';
import { uploadBatch, releaseBatch } from '../train/batch';
import { taskLoss } from '../train/task-loss';
import { expectNoGpuErrors, maxRelError, sharedRuntime } from '../testing/gpu-fixture';
import { randomSubgraph, shapeOf } from '../testing/graphs';
import type { MemoryPolicy } from './block';
import { DEFAULT_MODEL, type ModelConfig } from './config';
import { Network } from './network';

async function gradients(
  rt: GpuRuntime,
  sub: Subgraph,
  cfg: ModelConfig,
  policy: MemoryPolicy,
): Promise<{ loss: number; grads: Map<string, Float32Array> }> {
  const net = new Network(rt, { ...cfg, policy }, shapeOf(sub), 7);
  const batch = uploadBatch(rt, sub);
  const ctx = stepContext(rt, batch.graph, { dropout: cfg.dropout, seed: 99 });
  net.store.zeroGrads();
  const out = net.trainStep(ctx, taskLoss(rt, batch));
  const loss = await rt.readScalar(out.loss);
  rt.release(out.loss);
  const grads = new Map<string, Float32Array>();
  for (const p of net.store.params) grads.set(p.name, (await rt.read(p.grad)) as Float32Array);
  releaseBatch(rt, batch);
  net.release();
  rt.allocator.assertNoLeaks();
  return { loss, grads };
}

/**
 * Relative error of each parameter's gradient, max |a − b| / max |b| over the tensor (so an entry
 * near zero is judged against the tensor's scale, as float32 rounding of the rebuilt inputs is);
 * the worst over all parameters.
 */
function worstGradError(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [name, gb] of b) {
    const scale = gb.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    worst = Math.max(worst, maxRelError(a.get(name)!, gb, Math.max(scale, 1e-12)));
  }
  return worst;
}

const OPS = [
  { op: 'gcn', edgeDim: 0 },
  { op: 'sage', edgeDim: 0 },
  { op: 'gen', edgeDim: 4, aggregation: 'max' },
  { op: 'gen', edgeDim: 4, aggregation: 'softmax' },
  { op: 'gen', edgeDim: 0, aggregation: 'power' },
  { op: 'gat', edgeDim: 0, heads: 2 },
  { op: 'gat', edgeDim: 4, heads: 3 },
] as const;

describe('memory policies give the same gradients', () => {
  for (const o of OPS) {
    for (const groups of [2, 3, 4]) {
      // GAT's heads must divide each group's width (12 / C channels).
      if ('heads' in o && (12 / groups) % o.heads !== 0) continue;
      const name = `${o.op}${'aggregation' in o ? `-${o.aggregation}` : ''}${'heads' in o ? `-${o.heads}h${o.edgeDim ? '-edges' : ''}` : ''}`;
      it(`rev ${name}, C = ${groups}: reverse and checkpoint equal store (max rel err ≤ 1e-4)`, async () => {
        const rt = await sharedRuntime();
        const sub = randomSubgraph({
          nodes: 23,
          avgDegree: 3,
          featureDim: 5,
          classes: 3,
          seed: groups,
          edgeDim: o.edgeDim,
        });
        const cfg: ModelConfig = {
          ...DEFAULT_MODEL,
          model: 'rev',
          op: o.op,
          aggregation: 'aggregation' in o ? o.aggregation : 'softmax',
          heads: 'heads' in o ? o.heads : 1,
          layers: 3,
          channels: 12,
          groups,
          dropout: 0.25,
        };
        const stored = await gradients(rt, sub, cfg, 'store');
        const reversed = await gradients(rt, sub, cfg, 'reverse');
        const checkpointed = await gradients(rt, sub, cfg, 'checkpoint');
        expect(Number.isFinite(stored.loss)).toBe(true);
        expect(reversed.loss).toBe(stored.loss);
        expect(worstGradError(reversed.grads, stored.grads)).toBeLessThanOrEqual(1e-4);
        expect(worstGradError(checkpointed.grads, stored.grads)).toBeLessThanOrEqual(1e-4);
        await expectNoGpuErrors(rt);
      });
    }
  }

  for (const o of OPS) {
    it(`res ${o.op}${'heads' in o ? ` ${o.heads} heads` : ''}: checkpoint equals store (max rel err ≤ 1e-4)`, async () => {
      const rt = await sharedRuntime();
      const sub = randomSubgraph({
        nodes: 19,
        avgDegree: 3,
        featureDim: 6,
        classes: 4,
        seed: 11,
        edgeDim: o.edgeDim,
      });
      const cfg: ModelConfig = {
        ...DEFAULT_MODEL,
        model: 'res',
        op: o.op,
        heads: 'heads' in o ? Math.min(o.heads, 2) : 1,
        layers: 3,
        channels: 8,
        dropout: 0.3,
      };
      const stored = await gradients(rt, sub, cfg, 'store');
      const checkpointed = await gradients(rt, sub, cfg, 'checkpoint');
      expect(worstGradError(checkpointed.grads, stored.grads)).toBeLessThanOrEqual(1e-4);
      await expectNoGpuErrors(rt);
    });
  }
});

describe("GEN's aggregation parameter", () => {
  it('is one learned 1×1 parameter per operator (t for softmax, p for power), none when fixed or max', async () => {
    const rt = await sharedRuntime();
    const shape = shapeOf(
      randomSubgraph({ nodes: 5, avgDegree: 2, featureDim: 3, classes: 2, seed: 1 }),
    );
    const names = (cfg: Partial<ModelConfig>) => {
      const net = new Network(
        rt,
        { ...DEFAULT_MODEL, model: 'rev', op: 'gen', layers: 2, channels: 8, ...cfg },
        shape,
        1,
      );
      const out = net.store.params.filter((p) => p.rows * p.cols === 1).map((p) => p.name);
      net.release();
      return out;
    };
    expect(names({ aggregation: 'softmax' })).toEqual([
      'layer0.group0.conv.t',
      'layer0.group1.conv.t',
      'layer1.group0.conv.t',
      'layer1.group1.conv.t',
    ]);
    expect(names({ aggregation: 'power', layers: 1 })).toEqual([
      'layer0.group0.conv.p',
      'layer0.group1.conv.p',
    ]);
    expect(names({ aggregation: 'softmax', learnAggr: false })).toEqual([]);
    expect(names({ aggregation: 'max' })).toEqual([]);
    rt.allocator.assertNoLeaks();
  });
});
