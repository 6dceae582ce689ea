// DESIGN §2's claim, measured by the meter: reversible activation memory does not grow with
// depth; the residual baseline's grows linearly; tied weights do not grow at all.
import { describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import { stepContext } from '../nn/context';
import { releaseBatch, uploadBatch } from '../train/batch';
import { taskLoss } from '../train/task-loss';
import { expectNoGpuErrors, sharedRuntime } from '../testing/gpu-fixture';
import { randomSubgraph, shapeOf } from '../testing/graphs';
import { DEFAULT_MODEL, type ModelConfig } from './config';
import { Network } from './network';

const SUB = randomSubgraph({ nodes: 64, avgDegree: 4, featureDim: 8, classes: 3, seed: 5 });

async function stepPeak(rt: GpuRuntime, cfg: ModelConfig) {
  const net = new Network(rt, cfg, shapeOf(SUB), 1);
  const batch = uploadBatch(rt, SUB);
  const ctx = stepContext(rt, batch.graph, { dropout: cfg.dropout, seed: 3 });
  const paramBytes = rt.allocator.snapshot().inUseByTag.params;
  rt.allocator.trim();
  rt.allocator.resetPeaks();
  const out = net.trainStep(ctx, taskLoss(rt, batch));
  const snap = rt.allocator.snapshot();
  const loss = await rt.readScalar(out.loss);
  rt.release(out.loss);
  releaseBatch(rt, batch);
  net.release();
  rt.allocator.assertNoLeaks();
  rt.allocator.trim();
  expect(Number.isFinite(loss)).toBe(true);
  return { actWs: snap.atPeakByTag.activations + snap.atPeakByTag.workspace, paramBytes };
}

describe('peak memory against depth', () => {
  for (const model of ['rev', 'wtrev'] as const) {
    it(`${model}: activation + workspace peak at L = 256 within 5 % of L = 4`, async () => {
      const rt = await sharedRuntime();
      const cfg = { ...DEFAULT_MODEL, model, channels: 16, groups: 2, dropout: 0.1 };
      const shallow = await stepPeak(rt, { ...cfg, layers: 4 });
      const deep = await stepPeak(rt, { ...cfg, layers: 256 });
      expect(Math.abs(deep.actWs - shallow.actWs) / shallow.actWs).toBeLessThanOrEqual(0.05);
      if (model === 'wtrev') expect(deep.paramBytes).toBe(shallow.paramBytes);
      else expect(deep.paramBytes).toBeGreaterThan(shallow.paramBytes * 10);
      await expectNoGpuErrors(rt);
    });
  }

  it('res: activation + workspace peak grows linearly, 2·N·D floats per layer (input + activation)', async () => {
    const rt = await sharedRuntime();
    const D = 16;
    const depths = [4, 8, 16, 32];
    const peaks: number[] = [];
    for (const layers of depths) {
      peaks.push(
        (await stepPeak(rt, { ...DEFAULT_MODEL, model: 'res', channels: D, layers, dropout: 0.1 }))
          .actWs,
      );
    }
    // Least-squares line through (L, peak).
    const n = depths.length;
    const mx = depths.reduce((a, b) => a + b) / n;
    const my = peaks.reduce((a, b) => a + b) / n;
    const slope =
      depths.reduce((s, x, i) => s + (x - mx) * (peaks[i] - my), 0) /
      depths.reduce((s, x) => s + (x - mx) ** 2, 0);
    const expected = 2 * SUB.numNodes * D * 4;
    expect(Math.abs(slope - expected) / expected).toBeLessThanOrEqual(0.01);
    for (let i = 0; i < n; i++) {
      const fit = my + slope * (depths[i] - mx);
      expect(Math.abs(peaks[i] - fit) / peaks[i]).toBeLessThanOrEqual(0.01);
    }
    await expectNoGpuErrors(rt);
  });
});
