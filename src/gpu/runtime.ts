// The GPU runtime: a device with its meter, pipeline cache, batcher and readback, and the
// tensor factory every other layer uses. One runtime per device; after device loss the owner
// creates a new one and rebuilds its state from CPU copies.
import {
  acquireDevice,
  type AcquireOptions,
  type AdapterSummary,
  type DeviceLimits,
} from './device';
import { CommandBatcher } from './batcher';
import { PipelineCache, type KernelSpec, type CompiledKernel } from './pipeline-cache';
import { TrackedAllocator, type AllocOptions } from './tracked-allocator';
import { Tensor, type DType } from './tensor';
import type { MemoryTag } from './memory-tags';
import { PassTimer } from './timer';
import { hostKernelOptions, VariantTable, type KernelVariantOptions } from './variants';

export interface RuntimeOptions extends AcquireOptions {
  budgetBytes?: number | null;
  pooling?: boolean;
  /** Kernel variant selection; default: what the host set with setHostKernelOptions. */
  kernels?: KernelVariantOptions;
}

export interface TensorOptions {
  dtype?: DType;
  label?: string;
  persistent?: boolean;
  /** Zero the tensor on the GPU (fresh buffers are zero, pooled ones are not). */
  zero?: boolean;
}

export interface TimedResult<T> {
  value: T;
  ms: number;
  /** 'gpu' when timestamp queries measured the passes; 'cpu' for wall time to queue completion. */
  source: 'gpu' | 'cpu';
}

export type TypedArray = Float32Array | Uint32Array | Int32Array;

export class GpuRuntime {
  readonly allocator: TrackedAllocator;
  readonly pipelines: PipelineCache;
  readonly batcher: CommandBatcher;
  /** The variant each kernel family dispatches (src/kernels/variants.ts). */
  readonly variants: VariantTable;
  readonly errors: { message: string; kind: string }[] = [];
  private lostInfo: { reason: string; message: string } | null = null;
  private readonly lostListeners = new Set<(info: { reason: string; message: string }) => void>();
  private timer: PassTimer | null = null;

  private constructor(
    readonly device: GPUDevice,
    readonly adapterInfo: AdapterSummary,
    readonly limits: DeviceLimits,
    readonly features: ReadonlySet<string>,
    readonly wgslFeatures: ReadonlySet<string>,
    opts: RuntimeOptions,
  ) {
    this.variants = new VariantTable(opts.kernels ?? hostKernelOptions());
    this.allocator = new TrackedAllocator(device, {
      budgetBytes: opts.budgetBytes ?? null,
      maxBufferSize: Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize),
      pooling: opts.pooling,
    });
    this.pipelines = new PipelineCache(device);
    this.batcher = new CommandBatcher(device, this.allocator, {
      maxWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    });
  }

  static async create(opts: RuntimeOptions = {}): Promise<GpuRuntime> {
    let rt: GpuRuntime | null = null;
    const early: { reason: string; message: string }[] = [];
    const handle = await acquireDevice({
      ...opts,
      onLost: (info) => {
        if (rt) rt.handleLost(info);
        else early.push(info);
        opts.onLost?.(info);
      },
      onError: (message, kind) => {
        rt?.errors.push({ message, kind });
        opts.onError?.(message, kind);
      },
    });
    rt = new GpuRuntime(
      handle.device,
      handle.adapterInfo,
      handle.limits,
      handle.features,
      handle.wgslFeatures,
      opts,
    );
    if (early[0]) rt.handleLost(early[0]);
    return rt;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  get isLost(): boolean {
    return this.lostInfo !== null;
  }

  get lostReason(): { reason: string; message: string } | null {
    return this.lostInfo;
  }

  onLost(listener: (info: { reason: string; message: string }) => void): () => void {
    if (this.lostInfo) listener(this.lostInfo);
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Frees every buffer and the device. */
  destroy(): void {
    if (!this.lostInfo) {
      this.batcher.flush();
      this.allocator.destroyAll();
    }
    this.timer?.destroy();
    this.device.destroy();
  }

  private handleLost(info: { reason: string; message: string }): void {
    if (this.lostInfo) return;
    this.lostInfo = info;
    for (const l of this.lostListeners) l(info);
  }

  // ---- tensors --------------------------------------------------------------------------------

  tensor(rows: number, cols: number, tag: MemoryTag, opts: TensorOptions = {}): Tensor {
    const allocOpts: AllocOptions = { label: opts.label, persistent: opts.persistent };
    const buffer = this.allocator.alloc(rows * cols * 4, tag, allocOpts);
    const t = new Tensor(buffer, rows, cols, { dtype: opts.dtype, owner: opts.label });
    if (opts.zero) this.batcher.clear(buffer);
    return t;
  }

  /** A new tensor holding `data` (row-major, rows × cols). */
  upload(
    data: TypedArray,
    rows: number,
    cols: number,
    tag: MemoryTag,
    opts: TensorOptions = {},
  ): Tensor {
    if (data.length !== rows * cols) {
      throw new Error(`upload: ${data.length} values for a ${rows}×${cols} tensor.`);
    }
    const dtype: DType =
      data instanceof Uint32Array ? 'u32' : data instanceof Int32Array ? 'i32' : 'f32';
    const t = this.tensor(rows, cols, tag, { ...opts, dtype: opts.dtype ?? dtype, zero: false });
    this.write(t, data);
    return t;
  }

  /** Overwrites a contiguous tensor's contents from the CPU. */
  write(t: Tensor, data: TypedArray): void {
    if (!t.isContiguous) throw new Error(`write: ${t.owner} is a strided view; write its parent.`);
    if (data.length !== t.numel)
      throw new Error(`write: ${data.length} values for ${t.numel} elements.`);
    // queue.writeBuffer runs before commands still waiting in the batcher: submit those first so
    // a buffer they read (perhaps a pooled one being reused) is not overwritten under them.
    this.batcher.flush();
    if (data.length > 0) {
      this.device.queue.writeBuffer(
        t.buffer.gpu,
        t.offset * 4,
        data.buffer,
        data.byteOffset,
        data.byteLength,
      );
    }
  }

  release(...tensors: (Tensor | null | undefined)[]): void {
    for (const t of tensors) {
      if (!t) continue;
      if (t.isView) throw new Error(`release: ${t.owner} is a view; release its parent.`);
      this.allocator.release(t.buffer);
    }
  }

  /** Reads a tensor (a strided view too) back to the CPU, packed row-major. */
  async read(t: Tensor): Promise<TypedArray> {
    const span = t.rows === 0 ? 0 : (t.rows - 1) * t.rowStride + t.cols;
    const bytes = span * 4;
    const ctor = t.dtype === 'u32' ? Uint32Array : t.dtype === 'i32' ? Int32Array : Float32Array;
    if (bytes === 0) return new ctor(0);
    const staging = this.allocator.alloc(bytes, 'io', {
      label: `readback ${t.owner}`,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      this.batcher.copy(t.buffer, t.offset * 4, staging, 0, bytes);
      this.batcher.flush();
      await staging.gpu.mapAsync(GPUMapMode.READ, 0, bytes);
      const raw = new ctor(staging.gpu.getMappedRange(0, bytes).slice(0));
      staging.gpu.unmap();
      if (t.isContiguous) return raw;
      const out = new ctor(t.numel);
      for (let r = 0; r < t.rows; r++)
        out.set(raw.subarray(r * t.rowStride, r * t.rowStride + t.cols), r * t.cols);
      return out;
    } finally {
      this.allocator.release(staging);
    }
  }

  async readScalar(t: Tensor): Promise<number> {
    return (await this.read(t))[0];
  }

  // ---- kernels & submission -------------------------------------------------------------------

  kernel(spec: KernelSpec): CompiledKernel {
    return this.pipelines.get(spec);
  }

  flush(): void {
    this.batcher.flush();
  }

  /** Submits pending work and waits for the queue to drain. */
  async sync(): Promise<void> {
    this.batcher.flush();
    await this.device.queue.onSubmittedWorkDone();
  }

  get hasTimestamps(): boolean {
    return this.features.has('timestamp-query');
  }

  /** Frees what timing set up (query set, resolve buffer): a runtime that timed ends as one that did not. */
  releaseTimer(): void {
    this.timer?.destroy();
    this.timer = null;
  }

  /** Times the GPU work `fn` records: timestamp queries where available, else wall time. */
  async timed<T>(fn: () => T | Promise<T>): Promise<TimedResult<T>> {
    await this.sync();
    if (this.hasTimestamps) {
      this.timer ??= new PassTimer(this.device, this.allocator);
      this.batcher.timer = this.timer;
      try {
        const value = await fn();
        this.batcher.flush();
        const ns = await this.timer.collect();
        return { value, ms: ns / 1e6, source: 'gpu' };
      } finally {
        this.batcher.timer = null;
      }
    }
    const t0 = performance.now();
    const value = await fn();
    await this.sync();
    return { value, ms: performance.now() - t0, source: 'cpu' };
  }
}
