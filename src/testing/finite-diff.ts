// Checks a float64 reference's gradients against central differences of its own loss, on a few
// entries of every weight tensor.
import { expect } from 'vitest';
import { rng } from './gpu-fixture';

/**
 * Moves every weight by a small random amount: zero-initialised biases put featureless rows
 * exactly on LayerNorm's and ReLU's kinks, where finite differences see half a slope.
 */
export function jitterWeights(weights: Map<string, Float64Array>, seed = 7, amount = 0.1): void {
  const r = rng(seed);
  for (const w of weights.values()) for (let i = 0; i < w.length; i++) w[i] += amount * (r() - 0.5);
}

/**
 * The scale each tensor's gradient errors are judged against: its largest |g|, except that a
 * scalar parameter (1×1, e.g. GEN's t or p) takes the largest over all scalars of its name (the
 * last segment): its true gradient can be exactly 0 (the power mean's p where every row has one
 * in-edge), leaving only float rounding — which is small against the kind, not against 0.
 */
export function gradientScales(grads: Map<string, ArrayLike<number>>): Map<string, number> {
  const maxAbs = (g: ArrayLike<number>) =>
    Array.from(g).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const kind = (name: string) => name.slice(name.lastIndexOf('.') + 1);
  const kinds = new Map<string, number>();
  for (const [name, g] of grads)
    if (g.length === 1) kinds.set(kind(name), Math.max(kinds.get(kind(name)) ?? 0, maxAbs(g)));
  return new Map(
    [...grads].map(([name, g]) => [name, g.length === 1 ? kinds.get(kind(name))! : maxAbs(g)]),
  );
}

/**
 * For `perTensor` random entries of each tensor: |fd − g| / max(|g|, the tensor's scale
 * (gradientScales)) ≤ tol, with fd the central difference (h) of `loss()` in that entry.
 */
export function expectFiniteDifferences(
  weights: Map<string, Float64Array>,
  grads: Map<string, Float64Array>,
  loss: () => number,
  opts: { h: number; tol: number; perTensor: number; seed?: number },
): void {
  const pick = rng(opts.seed ?? 99);
  const scales = gradientScales(grads);
  for (const [name, w] of weights) {
    const g = grads.get(name)!;
    const scale = scales.get(name)!;
    for (let t = 0; t < opts.perTensor; t++) {
      const i = Math.floor(pick() * w.length);
      const keep = w[i];
      w[i] = keep + opts.h;
      const up = loss();
      w[i] = keep - opts.h;
      const down = loss();
      w[i] = keep;
      const fd = (up - down) / (2 * opts.h);
      expect(
        Math.abs(fd - g[i]) / Math.max(Math.abs(g[i]), scale, 1e-8),
        `${name}[${i}]`,
      ).toBeLessThanOrEqual(opts.tol);
    }
  }
}
