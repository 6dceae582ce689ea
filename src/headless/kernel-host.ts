// Kernel-variant settings of a headless host, set before each entry point runs for the runtimes
// it creates: the CLI's `--kernels` text and the host's cache — in Node a file
// (scripts/lib/variant-cache-file.ts), in the page that same file reached through the exposed
// window.revgnnVariantCache (a memory cache when the page is opened by hand).
import {
  MemoryVariantCache,
  setHostKernelOptions,
  type VariantCache,
  type VariantRecord,
} from '../gpu/variants';
import { parseKernelChoice } from '../kernels/variants';

/** What the Node side exposes: get returns the record (or null), set stores it. */
export type VariantCacheBridge = (
  op: 'get' | 'set',
  key: string,
  record?: VariantRecord,
) => Promise<VariantRecord | null>;

declare global {
  interface Window {
    revgnnVariantCache?: VariantCacheBridge;
  }
}

function bridged(call: VariantCacheBridge): VariantCache {
  return {
    get: async (key) => (await call('get', key)) ?? undefined,
    set: async (key, record) => {
      await call('set', key, record);
    },
  };
}

let pageCache: VariantCache | null = null;

/** The headless page's cache: the Node side's file through the bridge, or memory. */
export function pageVariantCache(): VariantCache {
  pageCache ??= window.revgnnVariantCache
    ? bridged(window.revgnnVariantCache)
    : new MemoryVariantCache();
  return pageCache;
}

export function configureKernels(kernels: string | null | undefined, cache: VariantCache): void {
  setHostKernelOptions({ cache, ...parseKernelChoice(kernels ?? '') });
}
