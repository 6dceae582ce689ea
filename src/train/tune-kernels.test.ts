// Kernel variants in training: the first run on an adapter times the variants (before the run's
// peaks are measured, so the trials never show in its figures), a later run given the same cache
// takes the choices without timing, and a network trained with every family on its other variant
// follows the same curve as with the portable kernels.
import { describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import { MemoryVariantCache } from '../gpu/variants';
import { FAMILIES, FAMILY_NAMES, variantNames } from '../kernels/variants';
import { DEFAULT_MODEL, type ModelConfig } from '../models/config';
import { expectNoGpuErrors, freshRuntime } from '../testing/gpu-fixture';
import { randomSubgraph } from '../testing/graphs';
import { graphTrainData } from './train-data';
import { DEFAULT_TRAIN, Trainer, type TrainOptions } from './trainer';
import { runWorkload } from './tune-kernels';

const SUB = randomSubgraph({ nodes: 60, avgDegree: 4, featureDim: 8, classes: 3, seed: 31 });
const MODEL: ModelConfig = { ...DEFAULT_MODEL, model: 'rev', op: 'gcn', layers: 3, channels: 16 };
const OPTS: TrainOptions = { ...DEFAULT_TRAIN, epochs: 2, lr: 0.01, seed: 3 };

async function train(rt: GpuRuntime) {
  const trainer = new Trainer(rt, graphTrainData(SUB, 1, OPTS.seed), MODEL, OPTS);
  const result = await trainer.run();
  trainer.release();
  return result;
}

const losses = (r: Awaited<ReturnType<typeof train>>) => r.epochs.map((e) => e.loss);

describe('kernel variants in training', () => {
  it('sizes the tuning from the run: a part, a group of channels, GCN self-loops', () => {
    const w = runWorkload(graphTrainData(SUB, 1, 0), MODEL);
    expect(w).toEqual({ nodes: 60, width: 8, nnz: SUB.adj.colIdx.length + 60 });
  });

  it('times the variants in the first run only, outside its figures, then trains with them', async () => {
    const cache = new MemoryVariantCache();
    const first = await freshRuntime({ kernels: { cache, autotune: 'always' } });
    const second = await freshRuntime({ kernels: { cache, autotune: 'always' } });
    try {
      const a = await train(first);
      for (const f of FAMILY_NAMES) expect(first.variants.choice(f)?.source, f).toBe('tuned');
      const dispatches = second.batcher.stats.dispatches;
      const b = await train(second);
      for (const f of FAMILY_NAMES) {
        expect(second.variants.choice(f)).toMatchObject({
          source: 'cached',
          variant: first.variants.get(f),
        });
      }
      // Same kernels, same bits; the trials left no trace in the first run's peaks.
      expect(losses(b)).toEqual(losses(a));
      expect(b.peakBytes).toBe(a.peakBytes);
      expect(b.peakHeldBytes).toBe(a.peakHeldBytes);
      expect(second.batcher.stats.dispatches - dispatches).toBeGreaterThan(0);

      // Every family on the variant it does not default to, against the portable kernels.
      const pin = (pick: (f: (typeof FAMILY_NAMES)[number]) => string) =>
        FAMILY_NAMES.map((f) => first.variants.pin(f, pick(f)));
      const other = pin((f) => variantNames(f).find((v) => v !== FAMILIES[f].fallback)!);
      const c = await train(first);
      other.forEach((restore) => restore());
      const portable = pin((f) => FAMILIES[f].fallback);
      const d = await train(first);
      portable.forEach((restore) => restore());
      losses(c).forEach((l, i) =>
        expect(Math.abs(l - losses(d)[i]) / losses(d)[i]).toBeLessThan(1e-4),
      );
      await expectNoGpuErrors(first);
      await expectNoGpuErrors(second);
    } finally {
      first.destroy();
      second.destroy();
    }
  });
});
