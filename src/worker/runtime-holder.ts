// The worker's one long-lived GPU runtime (training and the page's memory meter use it). When the
// device is lost the holder makes a new one at once, so whoever needs the GPU next — a run that
// resumes from its checkpoint, or the meter — awaits ready() and gets a working device.
import { GpuRuntime } from '../gpu/runtime';
import type { KernelVariantOptions } from '../gpu/variants';
import type { EngineEvents } from './protocol';
import { IdbVariantCache } from './variant-cache-idb';

function throttle(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Fire and forget a call into the page: a closed page must not break the worker. */
export function tell(fn: () => unknown): void {
  try {
    void Promise.resolve(fn()).catch(() => undefined);
  } catch {
    // the page went away
  }
}

export class RuntimeHolder {
  private rt: GpuRuntime | null = null;
  private pending: Promise<GpuRuntime> | null = null;
  /** Runtimes we destroyed on purpose: their 'lost' is not news. */
  private readonly retired = new WeakSet<GpuRuntime>();
  /** Every runtime of this worker shares the stored autotuner choices and the page's forcing. */
  private kernels: KernelVariantOptions = { cache: new IdbVariantCache() };

  constructor(private readonly events: () => EngineEvents | null) {}

  get current(): GpuRuntime | null {
    return this.rt;
  }

  /** Forced variants and tuning policy (the page's `?kernels=`) for runtimes made from now on. */
  setKernelChoice(choice: Omit<KernelVariantOptions, 'cache'>): void {
    this.kernels = { cache: this.kernels.cache, ...choice };
  }

  /** Creates the first runtime (throws WebGpuUnavailableError where there is none). */
  async start(): Promise<GpuRuntime> {
    if (this.rt) this.retire(this.rt);
    this.rt = null;
    const rt = await this.create();
    this.rt = rt;
    return rt;
  }

  /** A working runtime: the current one, or the one being made after a loss. */
  async ready(): Promise<GpuRuntime> {
    if (this.pending) return this.pending;
    if (this.rt && !this.rt.isLost) return this.rt;
    return this.renew();
  }

  /** Throws the current runtime away (e.g. after an out-of-memory left buffers behind). */
  async replace(): Promise<GpuRuntime> {
    if (this.rt) this.retire(this.rt);
    return this.renew();
  }

  private retire(rt: GpuRuntime): void {
    this.retired.add(rt);
    try {
      rt.destroy();
    } catch {
      // already unusable
    }
  }

  private renew(): Promise<GpuRuntime> {
    this.rt = null;
    this.pending ??= (async () => {
      try {
        let last: unknown = null;
        // A driver reset can take a moment before the adapter is offered again.
        for (const wait of [0, 300, 1000, 3000]) {
          await sleep(wait);
          try {
            const rt = await this.create();
            this.rt = rt;
            return rt;
          } catch (e) {
            last = e;
          }
        }
        const msg = `Could not get a new GPU device (${last instanceof Error ? last.message : String(last)}). Reload the page.`;
        tell(() => this.events()?.deviceRestored(false, msg));
        throw new Error(msg);
      } finally {
        this.pending = null;
      }
    })();
    return this.pending;
  }

  private async create(): Promise<GpuRuntime> {
    let rt: GpuRuntime | null = null;
    rt = await GpuRuntime.create({
      kernels: this.kernels,
      onLost: (info) => {
        if (!rt || this.retired.has(rt)) return;
        tell(() => this.events()?.deviceLost(info.reason, info.message));
        if (this.rt === rt) {
          void this.renew().then(
            () => tell(() => this.events()?.deviceRestored(true, 'A new GPU device is ready.')),
            () => undefined,
          );
        }
      },
      onError: (message, kind) => tell(() => this.events()?.gpuError(message, kind)),
    });
    const made = rt;
    made.allocator.subscribe(
      throttle(() => {
        if (this.rt === made) tell(() => this.events()?.memory(made.allocator.snapshot()));
      }, 100),
    );
    tell(() => this.events()?.memory(made.allocator.snapshot()));
    made.variants.subscribe(
      throttle(() => {
        if (this.rt === made) tell(() => this.events()?.kernels(made.variants.snapshot()));
      }, 100),
    );
    return made;
  }
}
