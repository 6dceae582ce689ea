// Kernel variants for a run: the sizes one training step works on (a part's nodes and adjacency
// entries, a block's channel width), handed to the autotuner before the run's memory peaks are
// measured, so its trial buffers never show in a run's figures.
import type { GpuRuntime } from '../gpu/runtime';
import { autotuneKernels, type KernelChoices, type Workload } from '../kernels/autotune';
import { isReversible, type ModelConfig } from '../models/config';
import { partSize } from './memory-plan';
import type { TrainData } from './train-data';

export function runWorkload(data: TrainData, model: ModelConfig): Workload {
  const size = partSize(data.numNodes, data.numEdges, data.trainParts(1).count);
  // GCN's adjacency carries a self-loop per node; a reversible block's products are one group wide.
  const nnz = model.op === 'gcn' ? size.edges + size.nodes : size.edges;
  const width = isReversible(model.model)
    ? Math.ceil(model.channels / Math.max(1, model.groups))
    : model.channels;
  return { nodes: size.nodes, width, nnz };
}

export function tuneKernelsFor(
  rt: GpuRuntime,
  data: TrainData,
  model: ModelConfig,
): Promise<KernelChoices> {
  return autotuneKernels(rt, runWorkload(data, model));
}
