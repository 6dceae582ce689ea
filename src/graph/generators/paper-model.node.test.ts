// The generator's random streams must not be the trainer's: with the same seed, a training epoch's
// random parts once equalled the generated species, so a part held 5× the edges of a random one.
import { describe, expect, it } from 'vitest';
import { randomPartition } from '../subgraph';
import { Rng, mixSeed } from '../rng';
import { scaledSizes } from './paper-like';
import { PaperModel } from './paper-model';

describe('generated blocks and training partitions', () => {
  it('every random part of the first epochs spans every species (seed 0 for both)', () => {
    const model = new PaperModel(scaledSizes('ogbn-proteins', 0.02), 0);
    const species = Math.max(...model.block) + 1;
    expect(species).toBeGreaterThan(1);
    const parts = 10;
    for (let epoch = 0; epoch < 6; epoch++) {
      const partOf = randomPartition(model.N, parts, new Rng(mixSeed(0, epoch)));
      const seen = Array.from({ length: parts }, () => new Set<number>());
      for (let i = 0; i < model.N; i++) seen[partOf[i]].add(model.block[i]);
      for (const s of seen) expect(s.size, `epoch ${epoch}`).toBe(species);
    }
  });
});
