// Helpers shared by the synthetic generators.
import { Rng } from '../rng';

/** Samples indices proportionally to non-negative weights (cumulative sums + binary search). */
export class WeightedSampler {
  private readonly cum: Float64Array;
  constructor(
    readonly items: ArrayLike<number>,
    weights: ArrayLike<number>,
  ) {
    this.cum = new Float64Array(weights.length);
    let s = 0;
    for (let i = 0; i < weights.length; i++) this.cum[i] = s += weights[i];
  }
  get size(): number {
    return this.cum.length;
  }
  sample(rng: Rng): number {
    const total = this.cum[this.cum.length - 1];
    const x = rng.float() * total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

/** A heavy-tailed positive weight (Pareto with the given exponent, minimum 1). */
export function pareto(rng: Rng, alpha: number): number {
  return Math.pow(1 - rng.float(), -1 / alpha);
}
