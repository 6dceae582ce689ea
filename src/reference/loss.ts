// Float64 references of the masked losses and their gradients (see src/kernels/loss.ts).

export interface LossResult {
  loss: number;
  grad: Float64Array;
}

/**
 * Mean over rows with mask = select and 0 ≤ label < K of −log softmax(z)[label], divided by
 * `count`; grad = (softmax − onehot)/count on those rows, 0 elsewhere.
 */
export function softmaxCrossEntropyRef(
  logits: ArrayLike<number>,
  rows: number,
  k: number,
  labels: ArrayLike<number>,
  mask: ArrayLike<number>,
  select: number,
  count: number,
): LossResult {
  const grad = new Float64Array(rows * k);
  const inv = count > 0 ? 1 / count : 0;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const y = labels[r];
    if (mask[r] !== select || y < 0 || y >= k) continue;
    const b = r * k;
    let m = -Infinity;
    for (let c = 0; c < k; c++) m = Math.max(m, logits[b + c]);
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(logits[b + c] - m);
    total += Math.log(s) + m - logits[b + y];
    for (let c = 0; c < k; c++) {
      grad[b + c] = (Math.exp(logits[b + c] - m) / s - (c === y ? 1 : 0)) * inv;
    }
  }
  return { loss: total * inv, grad };
}

/**
 * Mean over selected rows × k tasks of max(z, 0) − z·y + log1p(e^−|z|), divided by count·k;
 * grad = (σ(z) − y)/(count·k) on selected rows, 0 elsewhere.
 */
export function bceWithLogitsRef(
  logits: ArrayLike<number>,
  rows: number,
  k: number,
  targets: ArrayLike<number>,
  mask: ArrayLike<number>,
  select: number,
  count: number,
): LossResult {
  const grad = new Float64Array(rows * k);
  const inv = count > 0 ? 1 / (count * k) : 0;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    if (mask[r] !== select) continue;
    for (let c = 0; c < k; c++) {
      const i = r * k + c;
      const z = logits[i];
      const y = targets[i];
      total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
      const sig = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      grad[i] = (sig - y) * inv;
    }
  }
  return { loss: total * inv, grad };
}
