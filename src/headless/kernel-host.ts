// Kernel-variant settings of the headless page: the Node side's `--kernels` text, and its
// file-backed cache reached through the exposed window.revgnnVariantCache (a memory cache when the
// page is opened by hand). Set before each entry point runs, for the runtimes it creates.
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

let cache: VariantCache | null = null;

export function configureKernels(kernels: string | null | undefined): void {
  cache ??= window.revgnnVariantCache
    ? bridged(window.revgnnVariantCache)
    : new MemoryVariantCache();
  setHostKernelOptions({ cache, ...parseKernelChoice(kernels ?? '') });
}
