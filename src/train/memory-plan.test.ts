// The pool stays bounded over a long run of random parts, and a part that cannot fit on the
// adapter is refused before anything is allocated, with the number of parts that fits.
import { describe, expect, it } from 'vitest';
import { builtinSource } from '../graph/catalog';
import { loadDataset } from '../graph/load';
import { DEFAULT_MODEL, type ModelConfig } from '../models/config';
import { expectNoGpuErrors, freshRuntime } from '../testing/gpu-fixture';
import { PartTooLargeError } from './memory-plan';
import { graphTrainData, trainData } from './train-data';
import { DEFAULT_TRAIN, Trainer } from './trainer';

describe('memory by parts', () => {
  it('soak: 100 epochs × 10 random parts hold no more at epoch 100 than 1.1 × at epoch 2', async () => {
    const rt = await freshRuntime();
    const ds = await loadDataset(builtinSource('proteins'));
    const model: ModelConfig = {
      ...DEFAULT_MODEL,
      model: 'rev',
      op: 'gen',
      aggregation: 'max',
      layers: 2,
      channels: 8,
      dropout: 0.1,
    };
    const epochs = 100;
    const trainer = new Trainer(rt, trainData(ds, { parts: 10, evalParts: 10, seed: 4 }), model, {
      ...DEFAULT_TRAIN,
      epochs,
      lr: 0.01,
      evalEvery: 2,
    });
    // Within each epoch: the held peak (in use + pooled) and what is held at its end.
    const peakHeld: number[] = [];
    const heldAfter: number[] = [];
    let lastInUsePeak = 0;
    for (let e = 1; e <= epochs; e++) {
      rt.allocator.resetPeaks();
      await trainer.trainEpoch();
      const s = rt.allocator.snapshot();
      peakHeld.push(s.peakHeldBytes);
      heldAfter.push(s.heldBytes);
      lastInUsePeak = s.peakInUseBytes;
      expect(s.pooledBytes).toBeLessThanOrEqual(rt.allocator.poolCapBytes);
    }
    expect(trainer.history.at(-1)!.loss).toBeLessThan(trainer.history[0].loss);
    expect(heldAfter[99]).toBeLessThanOrEqual(1.1 * heldAfter[1]);
    expect(peakHeld[99]).toBeLessThanOrEqual(1.1 * Math.max(...peakHeld.slice(0, 2)));
    // What is held at a peak is never less than what is in use.
    expect(peakHeld[99]).toBeGreaterThanOrEqual(lastInUsePeak);
    trainer.release();
    await expectNoGpuErrors(rt);
    rt.destroy();
  });

  it("evaluation's peak is at most a training step's on parts of the same size", async () => {
    const rt = await freshRuntime();
    const ds = await loadDataset(builtinSource('citation'));
    const model: ModelConfig = { ...DEFAULT_MODEL, model: 'res', layers: 6, channels: 16 };
    const trainer = new Trainer(rt, trainData(ds, { parts: 4, evalParts: 4, seed: 1 }), model, {
      ...DEFAULT_TRAIN,
      epochs: 1,
      evalEvery: 100,
    });
    rt.allocator.resetPeaks();
    const base = rt.allocator.snapshot().inUseBytes;
    await trainer.trainEpoch();
    const trainPeak = rt.allocator.snapshot().peakInUseBytes - base;
    rt.allocator.resetPeaks();
    const scores = await trainer.evaluate();
    const evalPeak = rt.allocator.snapshot().peakInUseBytes - base;
    expect(Number.isFinite(scores.test)).toBe(true);
    expect(evalPeak).toBeGreaterThan(0);
    expect(evalPeak).toBeLessThanOrEqual(trainPeak);
    trainer.release();
    await expectNoGpuErrors(rt);
    rt.destroy();
  });

  it('refuses a part past the buffer limit before allocating, naming the buffer and the parts that fit', async () => {
    const rt = await freshRuntime();
    const ds = await loadDataset(builtinSource('citation'));
    const limit = Math.min(rt.limits.maxBufferSize, rt.limits.maxStorageBufferBindingSize);
    // Channels such that one node × channels activation of the whole graph passes the limit.
    const channels = 2 * Math.ceil(limit / 4 / ds.graph.numNodes);
    const model: ModelConfig = { ...DEFAULT_MODEL, model: 'rev', layers: 2, channels, groups: 2 };
    const before = rt.allocator.snapshot();
    let caught: unknown;
    try {
      new Trainer(rt, trainData(ds, { parts: 1 }), model, DEFAULT_TRAIN);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PartTooLargeError);
    const err = caught as PartTooLargeError;
    expect(err.phase).toBe('training');
    expect(err.buffer.name).toMatch(/activations/);
    expect(err.limit).toBe(limit);
    expect(err.partsThatFit).toBe(3);
    expect(err.message).toMatch(/activations \(nodes × channels\) would take [\d.]+ MiB/);
    expect(err.message).toContain(`limit of ${(limit / 2 ** 20).toFixed(1)} MiB`);
    expect(err.message).toContain('Use at least 3 training parts (--parts)');
    expect(rt.allocator.snapshot().liveBytes).toBe(before.liveBytes);

    // Training parts that fit, evaluation on the whole graph that does not: the evaluation is named.
    let evalErr: unknown;
    try {
      new Trainer(rt, graphTrainData(ds.graph, 3, 0, { evalParts: 1 }), model, DEFAULT_TRAIN);
    } catch (e) {
      evalErr = e;
    }
    expect((evalErr as PartTooLargeError).phase).toBe('evaluation');
    expect((evalErr as Error).message).toContain('--eval-parts');
    expect(rt.allocator.snapshot().liveBytes).toBe(before.liveBytes);
    await expectNoGpuErrors(rt);
    rt.destroy();
  });
});
