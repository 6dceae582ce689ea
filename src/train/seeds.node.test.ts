import { describe, expect, it } from 'vitest';
import { meanStd, parseSeeds, summarizeSeeds } from './seeds';

describe('results over seeds', () => {
  it('parses lists and ranges, and explains bad ones', () => {
    expect(parseSeeds('0-4')).toEqual([0, 1, 2, 3, 4]);
    expect(parseSeeds('1,3, 7')).toEqual([1, 3, 7]);
    expect(parseSeeds('0-2,9,1')).toEqual([0, 1, 2, 9]);
    expect(() => parseSeeds('a')).toThrow(/whole numbers or ranges like 0-4.*found "a"/);
    expect(() => parseSeeds('4-2')).toThrow(/runs backwards \(write 2-4\)/);
    expect(() => parseSeeds('0-5000')).toThrow(/5001 runs; 1000 at most/);
  });

  it('summarises test and valid at the best epoch as mean ± sample std', () => {
    const s = summarizeSeeds([
      { seed: 0, best: { valid: 0.7, test: 0.69 } },
      { seed: 1, best: { valid: 0.72, test: 0.71 } },
      { seed: 2, best: { valid: 0.74, test: 0.7 } },
    ]);
    expect(s.seeds).toEqual([0, 1, 2]);
    expect(s.test.mean).toBeCloseTo(0.7, 12);
    expect(s.test.std).toBeCloseTo(0.01, 12);
    expect(s.valid.mean).toBeCloseTo(0.72, 12);
    expect(s.valid.std).toBeCloseTo(0.02, 12);
    expect(meanStd([0.5])).toEqual({ mean: 0.5, std: 0 });
    expect(Number.isNaN(meanStd([]).mean)).toBe(true);
  });
});
