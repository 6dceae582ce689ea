// GPU time of compute passes through timestamp queries, where the adapter offers them.
// Each submit resolves its own queries into a staging buffer; collect() sums them.
import type { TrackedAllocator, TrackedBuffer } from './tracked-allocator';

export class PassTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolve: TrackedBuffer;
  private used = 0;
  private readonly pending: Promise<number>[] = [];
  private staged: TrackedBuffer | null = null;

  constructor(
    device: GPUDevice,
    private readonly allocator: TrackedAllocator,
    private readonly capacityPasses = 64,
  ) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: capacityPasses * 2 });
    this.resolve = allocator.alloc(capacityPasses * 16, 'io', {
      label: 'timestamp resolve',
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      persistent: true,
    });
  }

  nextPassWrites(flush: () => void): GPUComputePassTimestampWrites {
    if (this.used === this.capacityPasses) flush();
    const i = this.used++;
    return {
      querySet: this.querySet,
      beginningOfPassWriteIndex: 2 * i,
      endOfPassWriteIndex: 2 * i + 1,
    };
  }

  beforeSubmit(encoder: GPUCommandEncoder): void {
    if (this.used === 0) return;
    const bytes = this.used * 16;
    encoder.resolveQuerySet(this.querySet, 0, this.used * 2, this.resolve.gpu, 0);
    this.staged = this.allocator.alloc(bytes, 'io', {
      label: 'timestamp readback',
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    encoder.copyBufferToBuffer(this.resolve.gpu, 0, this.staged.gpu, 0, bytes);
  }

  afterSubmit(): void {
    const staged = this.staged;
    const count = this.used;
    this.staged = null;
    this.used = 0;
    if (!staged) return;
    this.pending.push(
      staged.gpu.mapAsync(GPUMapMode.READ).then(() => {
        const t = new BigUint64Array(staged.gpu.getMappedRange().slice(0));
        staged.gpu.unmap();
        this.allocator.release(staged);
        let ns = 0;
        for (let i = 0; i < count; i++) {
          const d = t[2 * i + 1] - t[2 * i];
          if (d > 0n) ns += Number(d);
        }
        return ns;
      }),
    );
  }

  /** Total nanoseconds of all timed passes submitted since the last collect(). */
  async collect(): Promise<number> {
    const all = await Promise.all(this.pending.splice(0));
    return all.reduce((a, b) => a + b, 0);
  }

  destroy(): void {
    this.querySet.destroy();
    if (this.resolve.inUse) this.allocator.release(this.resolve);
  }
}
