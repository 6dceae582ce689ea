import { describe, expect, it } from 'vitest';
import { stepContext } from '../nn/context';
import { copy } from '../kernels/copy';
import { releaseBatch, uploadBatch } from '../train/batch';
import { expectNoGpuErrors, sharedRuntime } from '../testing/gpu-fixture';
import { randomSubgraph, shapeOf } from '../testing/graphs';
import { DEFAULT_MODEL, type ModelConfig } from './config';
import { Network } from './network';

const CASES: { name: string; cfg: Partial<ModelConfig>; edgeDim: number }[] = [
  { name: 'GCN', cfg: { op: 'gcn' }, edgeDim: 0 },
  { name: 'GAT, 2 heads, edge features', cfg: { op: 'gat', heads: 2 }, edgeDim: 3 },
];

describe('reversible reconstruction', () => {
  for (const c of CASES) {
    it(`${c.name}: rebuilds the input of 64 stacked blocks from their output: relative error ≤ 1e-4`, async () => {
      const rt = await sharedRuntime();
      const sub = randomSubgraph({
        nodes: 40,
        avgDegree: 4,
        featureDim: 6,
        classes: 3,
        seed: 8,
        edgeDim: c.edgeDim,
      });
      const net = new Network(
        rt,
        {
          ...DEFAULT_MODEL,
          ...c.cfg,
          model: 'rev',
          layers: 64,
          channels: 16,
          groups: 4,
          dropout: 0.2,
        },
        shapeOf(sub),
        2,
      );
      const batch = uploadBatch(rt, sub);
      const ctx = stepContext(rt, batch.graph, { dropout: 0.2, seed: 17 });
      net.edgeEncoder?.forward(ctx, false);
      let h = net.encoder.forward(ctx);
      const x0 = rt.tensor(h.rows, h.cols, 'workspace');
      copy(rt, h, x0);
      for (const block of net.blocks) {
        const { y } = block.forward(ctx, h, 'reverse');
        rt.release(h);
        h = y;
      }
      for (let l = net.blocks.length - 1; l >= 0; l--) net.blocks[l].inverse!(ctx, h);
      const [rebuilt, truth] = [
        (await rt.read(h)) as Float32Array,
        (await rt.read(x0)) as Float32Array,
      ];
      let err = 0;
      let ref = 0;
      for (let i = 0; i < truth.length; i++) {
        err += (rebuilt[i] - truth[i]) ** 2;
        ref += truth[i] ** 2;
      }
      const rel = Math.sqrt(err / ref);
      expect(rel).toBeLessThanOrEqual(1e-4);
      rt.release(h, x0);
      net.edgeEncoder?.release(ctx);
      releaseBatch(rt, batch);
      net.release();
      rt.allocator.assertNoLeaks();
      await expectNoGpuErrors(rt);
    });
  }
});
