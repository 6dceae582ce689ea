// One subgraph's training inputs on the GPU: the graph, labels or targets, split codes, and how
// many nodes of each split carry a label.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID, type Subgraph } from '../graph/types';
import type { GraphGpu } from '../nn/context';
import { uploadGraph } from '../nn/graph-gpu';

export interface Batch {
  subgraph: Subgraph;
  graph: GraphGpu;
  /** i32 N×1 class ids (multi-class) or f32 N×T targets (multi-label). */
  labels: Tensor;
  split: Tensor;
  /** Labelled nodes per split code. */
  counts: Record<number, number>;
}

export function uploadBatch(rt: GpuRuntime, sub: Subgraph): Batch {
  const n = sub.numNodes;
  const counts: Record<number, number> = { [SPLIT_TRAIN]: 0, [SPLIT_VALID]: 0, [SPLIT_TEST]: 0 };
  let labels: Tensor;
  if (sub.labels.kind === 'multiclass') {
    labels = rt.upload(sub.labels.y, n, 1, 'graph', {
      label: 'labels',
      dtype: 'i32',
      persistent: true,
    });
    for (let i = 0; i < n; i++)
      if (sub.labels.y[i] >= 0) counts[sub.split[i]] = (counts[sub.split[i]] ?? 0) + 1;
  } else {
    const t = sub.labels.numTasks;
    labels = rt.upload(Float32Array.from(sub.labels.y), n, t, 'graph', {
      label: 'targets',
      persistent: true,
    });
    for (let i = 0; i < n; i++) counts[sub.split[i]] = (counts[sub.split[i]] ?? 0) + 1;
  }
  const split = rt.upload(Uint32Array.from(sub.split), n, 1, 'graph', {
    label: 'split',
    persistent: true,
  });
  return { subgraph: sub, graph: uploadGraph(rt, sub), labels, split, counts };
}

export function releaseBatch(rt: GpuRuntime, b: Batch): void {
  b.graph.release();
  rt.release(b.labels, b.split);
}
