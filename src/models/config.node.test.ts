import { describe, expect, it } from 'vitest';
import { assertValidConfig, ConfigError, configProblems, DEFAULT_MODEL } from './config';

describe('model configuration checks', () => {
  it('accepts the default', () => {
    expect(configProblems(DEFAULT_MODEL)).toEqual([]);
  });

  it('explains C = 1 and groups that do not divide the channels', () => {
    expect(configProblems({ ...DEFAULT_MODEL, model: 'rev', groups: 1 })[0]).toMatch(
      /at least 2 groups \(got 1\).*no partner/,
    );
    expect(
      configProblems({ ...DEFAULT_MODEL, model: 'wtrev', channels: 30, groups: 4 })[0],
    ).toMatch(/30 channels do not split into 4 equal groups.*divisible by 4 \(e\.g\. 32\)/);
    // Groups do not matter for a residual network.
    expect(configProblems({ ...DEFAULT_MODEL, model: 'res', groups: 1 })).toEqual([]);
  });

  it('rejects depths, widths and dropout out of range, and reverse on a residual model', () => {
    const p = configProblems({
      ...DEFAULT_MODEL,
      model: 'res',
      layers: 0,
      channels: 2.5,
      dropout: 1,
      policy: 'reverse',
    });
    expect(p).toHaveLength(4);
    expect(() => assertValidConfig({ ...DEFAULT_MODEL, layers: -1 })).toThrow(ConfigError);
  });

  it("explains GAT heads that do not divide an operator's width", () => {
    const gat = { ...DEFAULT_MODEL, op: 'gat' as const, channels: 64 };
    expect(configProblems({ ...gat, model: 'rev', groups: 2, heads: 3 })[0]).toMatch(
      /GAT's 3 heads do not split the 32 channels of each of the 2 groups evenly/,
    );
    expect(configProblems({ ...gat, model: 'res', heads: 6 })[0]).toMatch(
      /6 heads do not split the 64 channels of each layer/,
    );
    expect(configProblems({ ...gat, model: 'res', heads: 0 })[0]).toMatch(/whole number ≥ 1/);
    expect(configProblems({ ...gat, model: 'rev', groups: 2, heads: 4 })).toEqual([]);
    // Heads only matter to GAT.
    expect(configProblems({ ...DEFAULT_MODEL, heads: 7 })).toEqual([]);
  });
});
