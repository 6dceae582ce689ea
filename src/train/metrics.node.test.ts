import { describe, expect, it } from 'vitest';
import { accuracy, meanRocAuc, rocAuc } from './metrics';

describe('metrics', () => {
  it('accuracy counts only the requested split and labelled nodes', () => {
    const logits = Float32Array.from([2, 1, 0, 3, 5, 1, 0, 9]); // 4 nodes × 2 classes
    const labels = Int32Array.from([0, 1, 1, -1]);
    const split = Uint8Array.from([1, 1, 2, 1]);
    expect(accuracy(logits, 2, labels, split, 1)).toBe(1); // nodes 0, 1 right; node 3 unlabelled
    expect(accuracy(logits, 2, labels, split, 2)).toBe(0);
    expect(accuracy(logits, 2, labels, split, 3)).toBeNaN();
  });

  it('ROC-AUC matches hand counts, with ties counted half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(rocAuc([1, 1, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0.5, 12);
    expect(rocAuc([1, 2, 3], [0, 0, 0])).toBeNaN();
  });

  it('mean ROC-AUC skips tasks without both classes', () => {
    // 4 nodes × 2 tasks; task 1 has only negatives.
    const logits = Float32Array.from([0.1, 0, 0.4, 0, 0.35, 0, 0.8, 0]);
    const targets = Uint8Array.from([0, 0, 0, 0, 1, 0, 1, 0]);
    const split = Uint8Array.from([3, 3, 3, 3]);
    expect(meanRocAuc(logits, 2, targets, split, 3)).toBeCloseTo(0.75, 12);
  });
});
