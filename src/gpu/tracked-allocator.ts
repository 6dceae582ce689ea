// The memory meter (DESIGN §2): the only place GPU buffers are created. It books every byte
// under a tag, keeps live / in-use totals and peaks, a phase-labelled timeline, a simulated
// budget, and turns real out-of-memory into the same typed error as the budget's.
import { GpuLeakError, GpuOutOfMemoryError } from './errors';
import { type ByTag, type MemoryTag, zeroByTag } from './memory-tags';

export const STORAGE_USAGE =
  GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export interface TrackedBuffer {
  readonly id: number;
  readonly gpu: GPUBuffer;
  readonly bytes: number;
  readonly usage: number;
  tag: MemoryTag;
  label: string;
  /** Persistent buffers (params, optimizer state, graph) may outlive a step without being a leak. */
  persistent: boolean;
  inUse: boolean;
  /** When it went back to the pool (a release counter): the oldest pooled buffers go first. */
  releasedAt: number;
}

export interface AllocOptions {
  label?: string;
  usage?: number;
  persistent?: boolean;
}

export type MemoryEventKind = 'alloc' | 'reuse' | 'release' | 'destroy';

export interface MemoryEvent {
  seq: number;
  timeMs: number;
  kind: MemoryEventKind;
  tag: MemoryTag;
  bytes: number;
  phase: string;
  label: string;
  liveBytes: number;
  inUseBytes: number;
}

export interface MemorySnapshot {
  /** Bytes of every buffer that exists on the device: in use + pooled. Same as heldBytes. */
  liveBytes: number;
  inUseBytes: number;
  peakLiveBytes: number;
  peakInUseBytes: number;
  /** What the GPU holds for this engine (in-use + pooled): the figure a "fits on a GPU" claim uses. */
  heldBytes: number;
  peakHeldBytes: number;
  /** Held bytes by tag at the moment the held peak was reached. */
  atPeakHeldByTag: ByTag;
  liveByTag: ByTag;
  inUseByTag: ByTag;
  /** Per-tag in-use peaks (each tag's own maximum; they need not coincide in time). */
  peakInUseByTag: ByTag;
  /** In-use bytes by tag at the moment the total in-use peak was reached. */
  atPeakByTag: ByTag;
  pooledBytes: number;
  budgetBytes: number | null;
  phase: string;
}

export interface AllocatorOptions {
  budgetBytes?: number | null;
  maxBufferSize: number;
  /** Keep released buffers for reuse by an allocation of the same size class (default true). */
  pooling?: boolean;
  /** The pool never holds more than this many bytes: past it the oldest pooled buffers go. */
  poolCapBytes?: number;
  timelineCap?: number;
}

export class TrackedAllocator {
  private nextId = 1;
  private readonly buffers = new Map<number, TrackedBuffer>();
  private readonly pool = new Map<string, TrackedBuffer[]>();
  private live = zeroByTag();
  private used = zeroByTag();
  private peakUsedTag = zeroByTag();
  private atPeak = zeroByTag();
  private liveTotal = 0;
  private usedTotal = 0;
  private pooled = 0;
  private peakLive = 0;
  private peakUsed = 0;
  private atPeakLive = zeroByTag();
  private releases = 0;
  private poolCap: number;
  private budget: number | null;
  private readonly pooling: boolean;
  private readonly maxBufferSize: number;
  private currentPhase = '';
  private recording = false;
  private events: MemoryEvent[] = [];
  private readonly timelineCap: number;
  private seq = 0;
  private readonly pendingScopes: Promise<void>[] = [];
  private deviceOom: GpuOutOfMemoryError | null = null;
  private readonly listeners = new Set<() => void>();
  /** Buffers freed while recorded commands still use them: destroyed after the next submit. */
  private deferred: GPUBuffer[] = [];
  private workPending: () => boolean = () => false;

  constructor(
    private readonly device: GPUDevice,
    opts: AllocatorOptions,
  ) {
    this.budget = opts.budgetBytes ?? null;
    this.pooling = opts.pooling ?? true;
    this.maxBufferSize = opts.maxBufferSize;
    this.poolCap = opts.poolCapBytes ?? DEFAULT_POOL_CAP;
    this.timelineCap = opts.timelineCap ?? 200_000;
  }

  // ---- allocation ---------------------------------------------------------------------------

  alloc(bytes: number, tag: MemoryTag, opts: AllocOptions = {}): TrackedBuffer {
    if (this.deviceOom) throw this.deviceOom;
    const usage = opts.usage ?? STORAGE_USAGE;
    const size = bufferSize(bytes, this.maxBufferSize);
    const label = opts.label ?? tag;
    const reused = this.takeFromPool(size, usage);
    if (reused) {
      // A pooled buffer may change tag when reused: its live bytes move with it.
      this.live[reused.tag] -= size;
      this.live[tag] += size;
      reused.tag = tag;
      reused.label = label;
      reused.persistent = !!opts.persistent;
      reused.inUse = true;
      this.pooled -= size;
      this.book(reused, +1, false);
      this.record('reuse', reused);
      return reused;
    }
    if (size > this.maxBufferSize) {
      throw new GpuOutOfMemoryError(
        'limit',
        exactSize(bytes),
        tag,
        this.currentPhase,
        `The device allows at most ${this.maxBufferSize} bytes in one buffer.`,
      );
    }
    if (this.budget !== null && this.liveTotal + size > this.budget) {
      this.trim();
      if (this.liveTotal + size > this.budget) {
        throw new GpuOutOfMemoryError(
          'budget',
          exactSize(bytes),
          tag,
          this.currentPhase,
          `The simulated budget is ${this.budget} bytes and ${this.liveTotal} are live.`,
        );
      }
    }
    const gpu = this.createChecked(size, usage, label, tag);
    const buf: TrackedBuffer = {
      id: this.nextId++,
      gpu,
      bytes: size,
      usage,
      tag,
      label,
      persistent: !!opts.persistent,
      inUse: true,
      releasedAt: 0,
    };
    this.buffers.set(buf.id, buf);
    this.book(buf, +1, true);
    this.record('alloc', buf);
    return buf;
  }

  /** Gives a buffer back: it stops counting as in use and may be reused (or is destroyed). */
  release(buf: TrackedBuffer): void {
    if (!buf.inUse) throw new Error(`Buffer "${buf.label}" released twice.`);
    buf.inUse = false;
    this.book(buf, -1, false);
    this.record('release', buf);
    if (this.pooling && this.buffers.has(buf.id)) {
      const key = poolKey(buf.bytes, buf.usage);
      let list = this.pool.get(key);
      if (!list) this.pool.set(key, (list = []));
      buf.releasedAt = ++this.releases;
      list.push(buf);
      this.pooled += buf.bytes;
      if (this.pooled > this.poolCap) this.shrinkPool(this.poolCap);
    } else {
      this.destroyNow(buf);
    }
  }

  /** Destroys the longest-pooled buffers until the pool holds at most `bytes`. */
  shrinkPool(bytes: number): void {
    if (this.pooled <= bytes) return;
    const all = [...this.pool.values()].flat().sort((a, b) => a.releasedAt - b.releasedAt);
    for (const buf of all) {
      if (this.pooled <= bytes) break;
      const key = poolKey(buf.bytes, buf.usage);
      const list = this.pool.get(key)!;
      list.splice(list.indexOf(buf), 1);
      if (!list.length) this.pool.delete(key);
      this.pooled -= buf.bytes;
      this.destroyNow(buf);
    }
  }

  setPoolCap(bytes: number): void {
    this.poolCap = bytes;
    this.shrinkPool(bytes);
  }

  get poolCapBytes(): number {
    return this.poolCap;
  }

  /** Frees every pooled buffer back to the device. */
  trim(): void {
    for (const list of this.pool.values()) for (const buf of list) this.destroyNow(buf);
    this.pool.clear();
    this.pooled = 0;
  }

  /** Destroys everything; the allocator must not be used afterwards. */
  destroyAll(): void {
    for (const buf of [...this.buffers.values()]) {
      if (buf.inUse) this.release(buf);
    }
    this.trim();
  }

  /**
   * Tells the allocator how to see whether recorded commands are waiting to be submitted: a
   * buffer freed then is destroyed only after that submit (destroy() before it would invalidate
   * the recorded work). The batcher calls afterSubmit() once it has submitted.
   */
  setPendingWorkProbe(probe: () => boolean): void {
    this.workPending = probe;
  }

  afterSubmit(): void {
    for (const gpu of this.deferred) gpu.destroy();
    this.deferred = [];
  }

  // ---- phases, budget, timeline ---------------------------------------------------------------

  setPhase(phase: string): void {
    this.currentPhase = phase;
  }

  get phase(): string {
    return this.currentPhase;
  }

  setBudget(bytes: number | null): void {
    this.budget = bytes;
  }

  /** Starts a fresh timeline (e.g. for one training step). */
  beginTimeline(): void {
    this.events = [];
    this.recording = true;
  }

  endTimeline(): MemoryEvent[] {
    this.recording = false;
    const out = this.events;
    this.events = [];
    return out;
  }

  resetPeaks(): void {
    this.peakLive = this.liveTotal;
    this.atPeakLive = { ...this.live };
    this.peakUsed = this.usedTotal;
    this.peakUsedTag = { ...this.used };
    this.atPeak = { ...this.used };
  }

  snapshot(): MemorySnapshot {
    return {
      liveBytes: this.liveTotal,
      inUseBytes: this.usedTotal,
      peakLiveBytes: this.peakLive,
      peakInUseBytes: this.peakUsed,
      heldBytes: this.liveTotal,
      peakHeldBytes: this.peakLive,
      atPeakHeldByTag: { ...this.atPeakLive },
      liveByTag: { ...this.live },
      inUseByTag: { ...this.used },
      peakInUseByTag: { ...this.peakUsedTag },
      atPeakByTag: { ...this.atPeak },
      pooledBytes: this.pooled,
      budgetBytes: this.budget,
      phase: this.currentPhase,
    };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- checks ---------------------------------------------------------------------------------

  /** Waits for the device's verdict on recent allocations; throws the typed error on real OOM. */
  async checkDeviceErrors(): Promise<void> {
    const pending = this.pendingScopes.splice(0);
    await Promise.all(pending);
    if (this.deviceOom) throw this.deviceOom;
  }

  /** Throws if any non-persistent buffer is still in use (call after a step has cleaned up). */
  assertNoLeaks(): void {
    const leaks = [...this.buffers.values()]
      .filter((b) => b.inUse && !b.persistent)
      .map((b) => ({ label: b.label, tag: b.tag, bytes: b.bytes }));
    if (leaks.length) throw new GpuLeakError(leaks);
  }

  inUseBuffers(): TrackedBuffer[] {
    return [...this.buffers.values()].filter((b) => b.inUse);
  }

  // ---- internals ------------------------------------------------------------------------------

  private createChecked(size: number, usage: number, label: string, tag: MemoryTag): GPUBuffer {
    const phase = this.currentPhase;
    this.device.pushErrorScope('out-of-memory');
    let gpu: GPUBuffer;
    try {
      gpu = this.device.createBuffer({ size, usage, label });
    } catch (e) {
      void this.device.popErrorScope();
      // Chromium throws RangeError when it cannot even reserve the allocation.
      throw new GpuOutOfMemoryError('device', size, tag, phase, String(e));
    }
    this.pendingScopes.push(
      this.device.popErrorScope().then((err) => {
        if (err && !this.deviceOom) {
          this.deviceOom = new GpuOutOfMemoryError('device', size, tag, phase, err.message);
        }
      }),
    );
    if (this.pendingScopes.length > 4096) void this.checkDeviceErrors().catch(() => undefined);
    return gpu;
  }

  private takeFromPool(size: number, usage: number): TrackedBuffer | undefined {
    if (!this.pooling) return undefined;
    const list = this.pool.get(poolKey(size, usage));
    return list && list.length ? list.pop() : undefined;
  }

  private destroyNow(buf: TrackedBuffer): void {
    if (!this.buffers.delete(buf.id)) return;
    if (this.workPending()) this.deferred.push(buf.gpu);
    else buf.gpu.destroy();
    this.live[buf.tag] -= buf.bytes;
    this.liveTotal -= buf.bytes;
    this.record('destroy', buf);
    this.notify();
  }

  private book(buf: TrackedBuffer, sign: 1 | -1, created: boolean): void {
    if (created) {
      this.live[buf.tag] += buf.bytes;
      this.liveTotal += buf.bytes;
      if (this.liveTotal > this.peakLive) {
        this.peakLive = this.liveTotal;
        this.atPeakLive = { ...this.live };
      }
    }
    this.used[buf.tag] += sign * buf.bytes;
    this.usedTotal += sign * buf.bytes;
    if (sign > 0) {
      if (this.used[buf.tag] > this.peakUsedTag[buf.tag])
        this.peakUsedTag[buf.tag] = this.used[buf.tag];
      if (this.usedTotal > this.peakUsed) {
        this.peakUsed = this.usedTotal;
        this.atPeak = { ...this.used };
      }
    }
    this.notify();
  }

  private record(kind: MemoryEventKind, buf: TrackedBuffer): void {
    if (!this.recording || this.events.length >= this.timelineCap) return;
    this.events.push({
      seq: this.seq++,
      timeMs: performance.now(),
      kind,
      tag: buf.tag,
      bytes: buf.bytes,
      phase: this.currentPhase,
      label: buf.label,
      liveBytes: this.liveTotal,
      inUseBytes: this.usedTotal,
    });
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}

/** Pooled bytes kept at most, unless the runtime sets another cap. */
export const DEFAULT_POOL_CAP = 256 * 1024 * 1024;

/** Below this, sizes are exact (multiples of 4); above, they are rounded up to a size class. */
const EXACT_BELOW = 4096;
/** Size classes per doubling: rounding wastes at most 1/8 of a buffer. */
const CLASSES_PER_OCTAVE = 8;

/**
 * The bytes a buffer for `bytes` gets. Random parts ask for slightly different sizes every step;
 * rounding up to one of 8 classes per doubling lets a pooled buffer serve them all, where exact
 * sizes would leave a pool of near-misses growing every epoch.
 */
export function bufferSize(bytes: number, maxBufferSize = Infinity): number {
  const exact = exactSize(bytes);
  if (exact <= EXACT_BELOW) return exact;
  const step = 2 ** (Math.floor(Math.log2(exact)) - Math.log2(CLASSES_PER_OCTAVE));
  const rounded = Math.ceil(exact / step) * step;
  // Rounding must not push a buffer that fits past the device's limit.
  return rounded > maxBufferSize ? exact : rounded;
}

/** WebGPU wants sizes in multiples of 4; zero-sized tensors still get a binding-sized buffer. */
function exactSize(bytes: number): number {
  return Math.max(4, Math.ceil(bytes / 4) * 4);
}

function poolKey(size: number, usage: number): string {
  return `${usage}:${size}`;
}
