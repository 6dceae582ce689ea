// DEQ-GNN on the built-in proteins graph (GEN with edge features, multi-label) at the widths
// where its solves used to blow up at initialisation: five epochs of training, every loss finite,
// no solve NaN, and what the solves did reported per epoch. On one of its four shards (500
// proteins), to stay quick on a software adapter; the bench's DEQ section trains the whole graph.
import { describe, expect, it } from 'vitest';
import { builtinSource } from '../graph/catalog';
import { loadDataset } from '../graph/load';
import { expectNoGpuErrors, sharedRuntime } from '../testing/gpu-fixture';
import { DEFAULT_TRAIN, Trainer } from '../train/trainer';
import { trainData } from '../train/train-data';
import { DEFAULT_MODEL, type ModelConfig } from './config';

describe('DEQ on the built-in proteins graph', () => {
  for (const channels of [64, 128]) {
    it(`D = ${channels}, cap 64, one shard: trains 5 epochs without divergence`, async () => {
      const rt = await sharedRuntime();
      const ds = await loadDataset(builtinSource('proteins'), { shards: [0] });
      const model: ModelConfig = {
        ...DEFAULT_MODEL,
        model: 'deq',
        op: 'gen',
        aggregation: 'softmax',
        layers: 64,
        channels,
        dropout: 0.1,
      };
      const epochs = 5;
      const trainer = new Trainer(rt, trainData(ds, { parts: 1, seed: 0 }), model, {
        ...DEFAULT_TRAIN,
        epochs,
        lr: 0.01,
        evalEvery: epochs,
      });
      const result = await trainer.run();
      trainer.release();
      for (const e of result.epochs) {
        const s = e.solver!;
        console.info(
          `proteins deq D=${channels} epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, forward ${s.forwardIterations} it (rel ${s.forwardResidual.toExponential(1)}), backward ${s.backwardIterations} it (rel ${s.backwardResidual.toExponential(1)}), ${e.ms.toFixed(0)} ms`,
        );
      }
      expect(result.epochs).toHaveLength(epochs);
      expect(result.epochs.every((e) => Number.isFinite(e.loss))).toBe(true);
      expect(Number.isFinite(result.epochs.at(-1)!.test)).toBe(true);
      rt.allocator.assertNoLeaks();
      await expectNoGpuErrors(rt);
    });
  }
});
