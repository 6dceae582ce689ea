// Training end to end on the GPU: the loss falls on every built-in dataset, and a reversible GCN
// learns CiteSeer's public Planetoid split.
import { describe, expect, it } from 'vitest';
import { builtinSource } from '../graph/catalog';
import { loadDataset } from '../graph/load';
import type { ModelConfig } from '../models/config';
import { DEFAULT_MODEL } from '../models/config';
import { expectNoGpuErrors, sharedRuntime } from '../testing/gpu-fixture';
import { missingMessage, sharedCiteseer } from '../testing/shared-data';
import { DEFAULT_TRAIN, Trainer, type TrainOptions } from './trainer';
import { trainData } from './train-data';

const BUILTINS: { name: string; model: Partial<ModelConfig>; epochs: number; lr: number }[] = [
  { name: 'citation', model: { op: 'gcn', layers: 4, channels: 32 }, epochs: 6, lr: 0.01 },
  {
    name: 'proteins',
    model: { op: 'gen', aggregation: 'softmax', layers: 2, channels: 16 },
    epochs: 6,
    lr: 0.01,
  },
  { name: 'long-range', model: { op: 'gcn', layers: 8, channels: 32 }, epochs: 6, lr: 0.01 },
];

describe('training lowers the loss', () => {
  for (const b of BUILTINS) {
    it(`rev on the built-in ${b.name}: last epoch's loss below 90 % of the first's`, async () => {
      const rt = await sharedRuntime();
      const ds = await loadDataset(builtinSource(b.name));
      const opts: TrainOptions = {
        ...DEFAULT_TRAIN,
        epochs: b.epochs,
        lr: b.lr,
        seed: 1,
        evalEvery: b.epochs,
      };
      const trainer = new Trainer(
        rt,
        trainData(ds, { parts: 1, seed: 1 }),
        { ...DEFAULT_MODEL, ...b.model },
        opts,
      );
      const result = await trainer.run();
      trainer.release();
      const losses = result.epochs.map((e) => e.loss);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses.at(-1)!).toBeLessThan(0.9 * losses[0]);
      expect(Number.isFinite(result.epochs.at(-1)!.test)).toBe(true);
      rt.allocator.assertNoLeaks();
      await expectNoGpuErrors(rt);
    });
  }
});

describe('CiteSeer, public Planetoid split', async () => {
  const ds = await sharedCiteseer();
  it.skipIf(!ds)(
    `rev GCN reaches ≥ 65 % test accuracy (best-valid epoch) ${ds ? '' : missingMessage('citeseer-planetoid')}`,
    async () => {
      const rt = await sharedRuntime();
      const model: ModelConfig = {
        ...DEFAULT_MODEL,
        model: 'rev',
        op: 'gcn',
        layers: 2,
        channels: 128,
        groups: 2,
        dropout: 0.7,
      };
      const opts: TrainOptions = {
        ...DEFAULT_TRAIN,
        epochs: 25,
        lr: 0.01,
        weightDecay: 5e-4,
        seed: 0,
        evalEvery: 1,
      };
      const trainer = new Trainer(rt, trainData(ds!, { parts: 1, seed: 0 }), model, opts);
      const result = await trainer.run();
      trainer.release();
      console.info(
        `CiteSeer rev GCN: best valid ${result.best.valid.toFixed(4)} at epoch ${result.best.epoch}, test ${result.best.test.toFixed(4)}`,
      );
      expect(result.best.test).toBeGreaterThanOrEqual(0.65);
      await expectNoGpuErrors(rt);
    },
  );
});
