// The trainer's promises: the same seed gives the same curve, a checkpoint file resumes a run
// exactly where it stopped, and a run that blows up stops with an explanation.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, type ModelConfig } from '../models/config';
import { expectNoGpuErrors, sharedRuntime } from '../testing/gpu-fixture';
import { randomSubgraph } from '../testing/graphs';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import { graphTrainData } from './train-data';
import { DEFAULT_TRAIN, Trainer, TrainingDivergedError, type TrainOptions } from './trainer';

const SUB = randomSubgraph({ nodes: 60, avgDegree: 4, featureDim: 8, classes: 3, seed: 21 });
const MODEL: ModelConfig = {
  ...DEFAULT_MODEL,
  model: 'rev',
  layers: 4,
  channels: 12,
  groups: 3,
  dropout: 0.2,
};
const OPTS: TrainOptions = {
  ...DEFAULT_TRAIN,
  epochs: 3,
  lr: 0.01,
  seed: 5,
  evalEvery: 1,
  reconstructionEvery: 2,
};

async function run(opts: TrainOptions) {
  const rt = await sharedRuntime();
  const trainer = new Trainer(rt, graphTrainData(SUB, 3, opts.seed), MODEL, opts);
  const result = await trainer.run();
  trainer.release();
  return result;
}

describe('trainer', () => {
  it('gives the same curve for the same seed (3 random parts per epoch), another for another seed', async () => {
    const a = await run(OPTS);
    const b = await run(OPTS);
    const c = await run({ ...OPTS, seed: 6 });
    const curve = (r: typeof a) => r.epochs.map((e) => [e.loss, e.train, e.valid, e.test]);
    expect(curve(a)).toEqual(curve(b));
    expect(curve(a)).not.toEqual(curve(c));
    expect(a.epochs.every((e) => e.steps === 3)).toBe(true);
    // Measured every 2nd step: the rebuilt input of the first block is within float32 noise.
    const rec = a.epochs.map((e) => e.reconstruction).filter((r) => r !== null) as number[];
    expect(rec.length).toBeGreaterThan(0);
    expect(Math.max(...rec)).toBeLessThan(1e-4);
    await expectNoGpuErrors(await sharedRuntime());
  });

  it('resumes from a checkpoint file exactly where the uninterrupted run would be', async () => {
    const rt = await sharedRuntime();
    const whole = await run(OPTS);
    const first = new Trainer(rt, graphTrainData(SUB, 3, OPTS.seed), MODEL, { ...OPTS, epochs: 2 });
    await first.run();
    const file = encodeCheckpoint(await first.checkpoint({ dataset: 'random' }));
    first.release();
    const second = new Trainer(rt, graphTrainData(SUB, 3, OPTS.seed), MODEL, OPTS);
    const ckpt = decodeCheckpoint(file);
    expect(ckpt.extra?.dataset).toBe('random');
    second.restore(ckpt);
    const resumed = await second.run();
    second.release();
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(resumed.epochs[2].loss).toBe(whole.epochs[2].loss);
    expect(resumed.epochs[2].test).toBe(whole.epochs[2].test);
    rt.allocator.assertNoLeaks();
  });

  it('stops with an explanation when the loss stops being finite', async () => {
    const rt = await sharedRuntime();
    const trainer = new Trainer(rt, graphTrainData(SUB), MODEL, {
      ...OPTS,
      lr: 1e38,
      clip: 0,
      epochs: 10,
    });
    const err = await trainer.run().catch((e) => e);
    trainer.release();
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect(err.message).toMatch(
      /loss became (NaN|Infinity|-Infinity) at epoch \d+, step \d+.*lower the learning rate/,
    );
  });
});
