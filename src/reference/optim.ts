// Float64 references of gradient clipping and Adam (torch.optim.Adam semantics).

/** min(1, maxNorm/(sqrt(sumSq) + 1e-6)); maxNorm ≤ 0 or ∞ → 1. */
export function clipScaleRef(sumSq: number, maxNorm: number): number {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) return 1;
  return Math.min(1, maxNorm / (Math.sqrt(sumSq) + 1e-6));
}

export interface AdamRefOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
}

/** One step, in place on param, m and v (float64 arrays). */
export function adamRef(
  param: Float64Array,
  grad: ArrayLike<number>,
  m: Float64Array,
  v: Float64Array,
  scale: number,
  o: AdamRefOptions,
): void {
  const bc1 = 1 - o.beta1 ** o.step;
  const bc2 = 1 - o.beta2 ** o.step;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] * scale + o.weightDecay * param[i];
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
    const denom = Math.sqrt(v[i]) / Math.sqrt(bc2) + o.eps;
    param[i] -= (o.lr / bc1) * (m[i] / denom);
  }
}
