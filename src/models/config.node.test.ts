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

  it('explains an unknown solver or features, a negative Jacobian penalty and GEN in a plain network', () => {
    const p = configProblems({
      ...DEFAULT_MODEL,
      model: 'plain',
      op: 'gen',
      solver: 'newton' as never,
      jacobianPenalty: -1,
      features: 'scaled' as never,
    });
    expect(p).toEqual([
      'Unknown solver "newton" (use broyden or anderson).',
      'The Jacobian penalty must be a number ≥ 0 (got -1).',
      'Unknown feature preprocessing "scaled" (use raw or row-normalized).',
      'A plain network stacks gcn, sage layers; the gen operator is only used inside the residual, reversible and equilibrium blocks.',
    ]);
    expect(configProblems({ ...DEFAULT_MODEL, model: 'plain', groups: 1, layers: 2 })).toEqual([]);
  });
});
