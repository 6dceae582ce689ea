// The loss of a batch's task on its training nodes: softmax cross-entropy for multi-class,
// BCE-with-logits over every task for multi-label.
import type { GpuRuntime } from '../gpu/runtime';
import { SPLIT_TRAIN } from '../graph/types';
import { bceWithLogits, softmaxCrossEntropy } from '../kernels/loss';
import type { LossFn } from '../models/model';
import type { Batch } from './batch';

export function taskLoss(rt: GpuRuntime, batch: Batch, select = SPLIT_TRAIN): LossFn {
  const count = batch.counts[select] ?? 0;
  const multiclass = batch.subgraph.labels.kind === 'multiclass';
  return (logits, dlogits) => {
    const loss = rt.tensor(1, 1, 'io', { label: 'loss' });
    if (multiclass)
      softmaxCrossEntropy(rt, logits, batch.labels, batch.split, select, count, dlogits, loss);
    else bceWithLogits(rt, logits, batch.labels, batch.split, select, count, dlogits, loss);
    return loss;
  };
}
