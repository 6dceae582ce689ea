// Which part is on the GPU. Only the current part is: a batch is released as soon as its step or
// its evaluation is done — unless the phase has a single part that is the whole loaded graph, in
// which case it stays until another graph is asked for (full-graph training would otherwise upload
// the same graph every epoch).
import type { GpuRuntime } from '../gpu/runtime';
import type { Subgraph } from '../graph/types';
import { releaseBatch, uploadBatch, type Batch } from './batch';

export class ResidentBatch {
  private kept: Batch | null = null;

  constructor(private readonly rt: GpuRuntime) {}

  /** Runs `work` with the part's batch on the GPU; `keep` leaves it there for the next call. */
  async with<T>(graph: Subgraph, keep: boolean, work: (b: Batch) => Promise<T>): Promise<T> {
    let batch: Batch;
    if (this.kept?.subgraph === graph) {
      batch = this.kept;
    } else {
      this.release();
      batch = uploadBatch(this.rt, graph);
    }
    this.kept = null;
    try {
      return await work(batch);
    } finally {
      if (keep) this.kept = batch;
      else releaseBatch(this.rt, batch);
    }
  }

  release(): void {
    if (this.kept) releaseBatch(this.rt, this.kept);
    this.kept = null;
  }
}
