// Which variant of each kernel family a runtime dispatches. The table is generic (family and
// variant are names); src/kernels/variants.ts knows what the families and variants are. Choices
// come from a forced setting (tests, `--kernels`, `?kernels=`), from timing on this adapter (the
// autotuner), from a cache of an earlier timing, or from the family's portable default.
//
// The cache is the host's business: IndexedDB in the page's worker, a JSON file for the CLI,
// memory elsewhere. The engine only sees the `VariantCache` interface it is given when the
// runtime is created, so it never learns which host it runs in.

/** What the autotuner stores for one (adapter, family, shape) key. */
export interface VariantRecord {
  variant: string;
  /** Mean milliseconds per call of every candidate timed, by variant. */
  timings: Record<string, number>;
  /** 'gpu' when timestamp queries measured them, 'cpu' for wall time. */
  timing: 'gpu' | 'cpu';
  /** ISO date of the timing. */
  at: string;
}

/** Where choices persist between runs. Implementations must not throw for a missing key. */
export interface VariantCache {
  get(key: string): Promise<VariantRecord | undefined>;
  set(key: string, record: VariantRecord): Promise<void>;
}

/** family → variant, e.g. { gemm: 'tiled', spmm: 'rowblock' }. */
export type ForcedVariants = Readonly<Record<string, string>>;

export interface KernelVariantOptions {
  /** Where timed choices are kept; default: memory shared by every runtime of this page. */
  cache?: VariantCache;
  /** Families pinned to one variant: never timed. */
  forced?: ForcedVariants;
  /**
   * When the autotuner times candidates: 'hardware' (default) on a real GPU only — on a software
   * adapter the portable kernels are known to win and compiling the others costs seconds of CPU;
   * 'always' on any adapter; 'never': families not forced keep their portable variant.
   */
  autotune?: AutotunePolicy;
}

export type AutotunePolicy = 'hardware' | 'always' | 'never';

export type ChoiceSource = 'default' | 'forced' | 'tuned' | 'cached' | 'only';

export interface VariantChoice {
  variant: string;
  source: ChoiceSource;
  /** The timings behind a tuned or cached choice, by variant (ms per call). */
  timings?: Record<string, number>;
  /** Why a family was not timed, or a candidate left out, in words. */
  note?: string;
}

/** A cache that lives as long as the page (or worker, or Node process) does. */
export class MemoryVariantCache implements VariantCache {
  private readonly map = new Map<string, VariantRecord>();
  async get(key: string): Promise<VariantRecord | undefined> {
    return this.map.get(key);
  }
  async set(key: string, record: VariantRecord): Promise<void> {
    this.map.set(key, record);
  }
  get size(): number {
    return this.map.size;
  }
}

const pageCache = new MemoryVariantCache();
let hostDefaults: KernelVariantOptions = {};

/**
 * What runtimes created without explicit kernel options use: a host sets this once at start-up
 * (the headless page gives its file-backed cache and the CLI's `--kernels`).
 */
export function setHostKernelOptions(opts: KernelVariantOptions): void {
  hostDefaults = { ...opts };
}

export function hostKernelOptions(): KernelVariantOptions {
  return hostDefaults;
}

/** One runtime's current choice per family. */
export class VariantTable {
  readonly cache: VariantCache;
  readonly forced: ForcedVariants;
  readonly autotune: AutotunePolicy;
  private readonly chosen = new Map<string, VariantChoice>();
  private readonly listeners = new Set<() => void>();

  constructor(opts: KernelVariantOptions = {}) {
    this.cache = opts.cache ?? pageCache;
    this.forced = { ...(opts.forced ?? {}) };
    this.autotune = opts.autotune ?? 'hardware';
    for (const [family, variant] of Object.entries(this.forced)) {
      this.chosen.set(family, { variant, source: 'forced' });
    }
  }

  /** The variant `family` dispatches now, or undefined when nothing chose one (its default). */
  get(family: string): string | undefined {
    return this.chosen.get(family)?.variant;
  }

  choice(family: string): VariantChoice | undefined {
    return this.chosen.get(family);
  }

  set(family: string, choice: VariantChoice): void {
    this.chosen.set(family, choice);
    for (const l of this.listeners) l();
  }

  /** Pins `family` to `variant` (tests, the autotuner's trials); returns what puts it back. */
  pin(family: string, variant: string): () => void {
    const before = this.chosen.get(family);
    this.chosen.set(family, { variant, source: 'forced' });
    return () => {
      if (before) this.chosen.set(family, before);
      else this.chosen.delete(family);
    };
  }

  isForced(family: string): boolean {
    return family in this.forced;
  }

  snapshot(): Record<string, VariantChoice> {
    return Object.fromEntries(this.chosen);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
