// Records many dispatches into one command encoder and submits them together. Each dispatch's
// uniforms go into a slot of one ring buffer (bound with a dynamic offset), written once per submit,
// so a whole training step needs few submits and no per-dispatch buffer writes.
import type { CompiledKernel } from './pipeline-cache';
import type { TrackedAllocator, TrackedBuffer } from './tracked-allocator';
import { UNIFORM_SLOT_BYTES, type UniformWriter } from './uniforms';
import type { PassTimer } from './timer';

export interface BatcherStats {
  dispatches: number;
  submits: number;
  passes: number;
}

const BIND_GROUP_CACHE_CAP = 16_384;

export class CommandBatcher {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly ring: TrackedBuffer;
  private readonly mirror: Uint8Array<ArrayBuffer>;
  private slot = 0;
  private readonly slots: number;
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  readonly stats: BatcherStats = { dispatches: 0, submits: 0, passes: 0 };
  timer: PassTimer | null = null;

  constructor(
    private readonly device: GPUDevice,
    allocator: TrackedAllocator,
    opts: { uniformSlots?: number; maxWorkgroupsPerDimension: number },
  ) {
    this.slots = opts.uniformSlots ?? 4096;
    this.maxGroups = opts.maxWorkgroupsPerDimension;
    this.ring = allocator.alloc(this.slots * UNIFORM_SLOT_BYTES, 'io', {
      label: 'uniform ring',
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      persistent: true,
    });
    this.mirror = new Uint8Array(this.slots * UNIFORM_SLOT_BYTES);
    allocator.setPendingWorkProbe(() => this.encoder !== null);
    this.allocator = allocator;
  }

  private readonly allocator: TrackedAllocator;

  private readonly maxGroups: number;

  /** Records one dispatch. `groups` beyond the per-dimension limit must be folded by the caller. */
  dispatch(
    kernel: CompiledKernel,
    params: UniformWriter,
    buffers: readonly TrackedBuffer[],
    groups: readonly [number, number?, number?],
  ): void {
    const [x, y = 1, z = 1] = groups;
    if (x === 0 || y === 0 || z === 0) return;
    if (x > this.maxGroups || y > this.maxGroups || z > this.maxGroups) {
      throw new Error(
        `${kernel.label}: dispatch (${x}, ${y}, ${z}) exceeds ${this.maxGroups} per dimension.`,
      );
    }
    if (buffers.length !== kernel.bindings.length - 1) {
      throw new Error(
        `${kernel.label}: expected ${kernel.bindings.length - 1} storage buffers, got ${buffers.length}.`,
      );
    }
    if (this.slot === this.slots) this.flush();
    const slot = this.slot++;
    this.mirror.set(new Uint8Array(params.buffer, 0, params.byteLength), slot * UNIFORM_SLOT_BYTES);
    const pass = this.computePass();
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, this.bindGroup(kernel, buffers), [slot * UNIFORM_SLOT_BYTES]);
    pass.dispatchWorkgroups(x, y, z);
    this.stats.dispatches++;
  }

  copy(
    src: TrackedBuffer,
    srcOffset: number,
    dst: TrackedBuffer,
    dstOffset: number,
    bytes: number,
  ): void {
    if (bytes === 0) return;
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src.gpu, srcOffset, dst.gpu, dstOffset, bytes);
  }

  clear(buf: TrackedBuffer, offset = 0, bytes = buf.bytes - offset): void {
    if (bytes === 0) return;
    this.endPass();
    this.commandEncoder().clearBuffer(buf.gpu, offset, bytes);
  }

  /** Submits everything recorded so far (a no-op when nothing is pending). */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    if (this.slot > 0) {
      this.device.queue.writeBuffer(
        this.ring.gpu,
        0,
        this.mirror,
        0,
        this.slot * UNIFORM_SLOT_BYTES,
      );
    }
    this.timer?.beforeSubmit(this.encoder);
    this.device.queue.submit([this.encoder.finish()]);
    this.timer?.afterSubmit();
    this.encoder = null;
    this.allocator.afterSubmit();
    this.slot = 0;
    this.stats.submits++;
  }

  get pending(): boolean {
    return this.encoder !== null;
  }

  private commandEncoder(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (this.pass) return this.pass;
    // Ask the timer first: when its query slots are full it flushes, which replaces the encoder.
    const timestampWrites = this.timer?.nextPassWrites(() => this.flush());
    const encoder = this.commandEncoder();
    this.pass = encoder.beginComputePass(timestampWrites ? { timestampWrites } : {});
    this.stats.passes++;
    return this.pass;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  private bindGroup(kernel: CompiledKernel, buffers: readonly TrackedBuffer[]): GPUBindGroup {
    let key = kernel.bindings.join('');
    for (const b of buffers) key += `:${b.id}`;
    let group = this.bindGroups.get(key);
    if (!group) {
      if (this.bindGroups.size >= BIND_GROUP_CACHE_CAP) this.bindGroups.clear();
      group = this.device.createBindGroup({
        layout: kernel.bindGroupLayout,
        entries: [
          { binding: 0, resource: { buffer: this.ring.gpu, offset: 0, size: UNIFORM_SLOT_BYTES } },
          ...buffers.map((b, i) => ({ binding: i + 1, resource: { buffer: b.gpu } })),
        ],
      });
      this.bindGroups.set(key, group);
    }
    return group;
  }
}
