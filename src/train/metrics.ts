// Evaluation metrics on CPU copies of the logits: accuracy (multi-class) and mean ROC-AUC over
// tasks (multi-label, as ogbn-proteins reports it: tasks without both classes are skipped).

/** Fraction of nodes with split code `code` (and a label) whose arg-max logit is the label. */
export function accuracy(
  logits: Float32Array,
  numClasses: number,
  labels: Int32Array,
  split: Uint8Array,
  code: number,
): number {
  let right = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    if (split[i] !== code || labels[i] < 0) continue;
    let best = 0;
    for (let k = 1; k < numClasses; k++) {
      if (logits[i * numClasses + k] > logits[i * numClasses + best]) best = k;
    }
    total++;
    if (best === labels[i]) right++;
  }
  return total === 0 ? NaN : right / total;
}

/** ROC-AUC of scores against 0/1 targets, ties counted half (the Mann-Whitney form). */
export function rocAuc(scores: ArrayLike<number>, targets: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => scores[a] - scores[b],
  );
  let pos = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (targets[idx[k]] > 0) {
        pos++;
        rankSumPos += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Mean ROC-AUC over tasks for the nodes with split code `code`. */
export function meanRocAuc(
  logits: Float32Array,
  numTasks: number,
  targets: Uint8Array,
  split: Uint8Array,
  code: number,
): number {
  const rows: number[] = [];
  for (let i = 0; i < split.length; i++) if (split[i] === code) rows.push(i);
  let sum = 0;
  let counted = 0;
  const s = new Float64Array(rows.length);
  const t = new Uint8Array(rows.length);
  for (let task = 0; task < numTasks; task++) {
    rows.forEach((r, k) => {
      s[k] = logits[r * numTasks + task];
      t[k] = targets[r * numTasks + task];
    });
    const auc = rocAuc(s, t);
    if (!Number.isNaN(auc)) {
      sum += auc;
      counted++;
    }
  }
  return counted === 0 ? NaN : sum / counted;
}
