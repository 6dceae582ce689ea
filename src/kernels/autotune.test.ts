// The autotuner on the adapter the tests run on (SwiftShader offers subgroups, so every family has
// two candidates): it times every candidate the first time, a runtime given the same cache takes
// the choices without timing anything, forced variants are never timed and are what gets
// dispatched, and by default a software adapter keeps the portable kernels.
import { describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import { MemoryVariantCache } from '../gpu/variants';
import { freshRuntime } from '../testing/gpu-fixture';
import { autotuneKernels, cacheKey } from './autotune';
import { matmul } from './gemm';
import { FAMILY_NAMES } from './variants';

const WORK = { nodes: 200, width: 16, nnz: 1000 };

/** Dispatches recorded by `fn`: zero means nothing was timed. */
async function dispatchesOf(rt: GpuRuntime, fn: () => Promise<unknown>): Promise<number> {
  const before = rt.batcher.stats.dispatches;
  await fn();
  return rt.batcher.stats.dispatches - before;
}

describe('autotuneKernels', () => {
  it('times every candidate once, caches the choice, and a new runtime reuses it untimed', async () => {
    const cache = new MemoryVariantCache();
    const first = await freshRuntime({ kernels: { cache, autotune: 'always' } });
    try {
      const choices = await autotuneKernels(first, WORK);
      for (const f of FAMILY_NAMES) {
        const c = choices[f];
        expect(c.source, `${f}: ${c.note ?? ''}`).toBe('tuned');
        expect(Object.keys(c.timings ?? {}).length, f).toBe(2);
        expect(first.variants.get(f)).toBe(c.variant);
        const fastest = Object.entries(c.timings!).sort((a, b) => a[1] - b[1])[0][0];
        expect(c.variant).toBe(fastest);
        expect((await cache.get(cacheKey(first.adapterInfo, f, WORK)))?.variant).toBe(c.variant);
      }
      expect(cache.size).toBe(FAMILY_NAMES.length);
      // Trial buffers are released and the pool trimmed.
      expect(first.allocator.snapshot().inUseBytes).toBe(first.allocator.snapshot().liveBytes);
      expect(first.allocator.inUseBuffers().filter((b) => !b.persistent)).toEqual([]);

      const second = await freshRuntime({ kernels: { cache, autotune: 'always' } });
      try {
        let again: Awaited<ReturnType<typeof autotuneKernels>> | null = null;
        const n = await dispatchesOf(second, async () => {
          again = await autotuneKernels(second, WORK);
        });
        expect(n).toBe(0);
        expect(second.pipelines.size).toBe(0);
        for (const f of FAMILY_NAMES) {
          expect(again![f]).toMatchObject({ source: 'cached', variant: choices[f].variant });
          expect(second.variants.get(f)).toBe(choices[f].variant);
        }
      } finally {
        second.destroy();
      }
    } finally {
      first.destroy();
    }
  });

  it('never times a forced family, and dispatches the forced variant', async () => {
    const rt = await freshRuntime({
      kernels: { forced: { gemm: 'tiled', spmm: 'rowblock' }, autotune: 'never' },
    });
    try {
      let choices: Awaited<ReturnType<typeof autotuneKernels>> | null = null;
      const n = await dispatchesOf(rt, async () => {
        choices = await autotuneKernels(rt, WORK);
      });
      expect(n).toBe(0);
      expect(choices!.gemm).toEqual({ variant: 'tiled', source: 'forced' });
      expect(choices!.spmm).toEqual({ variant: 'rowblock', source: 'forced' });
      expect(choices!.reduce).toMatchObject({ variant: 'tree', source: 'default' });
      const x = rt.tensor(9, 5, 'io', { zero: true });
      const w = rt.tensor(5, 3, 'io', { zero: true });
      const y = rt.tensor(9, 3, 'io');
      matmul(rt, x, w, y);
      expect(rt.pipelines.labels()).toEqual(['gemm.tiled.gemm_wg']);
      rt.release(x, w, y);
    } finally {
      rt.destroy();
    }
  });

  it('keeps the portable kernels on a software adapter unless asked to tune there', async () => {
    const rt = await freshRuntime({ kernels: { cache: new MemoryVariantCache() } });
    try {
      if (!rt.adapterInfo.isFallback) return; // a hardware adapter tunes: the first test covers it
      const n = await dispatchesOf(rt, () => autotuneKernels(rt, WORK));
      expect(n).toBe(0);
      expect(rt.variants.choice('gemm')).toEqual({
        variant: 'register',
        source: 'default',
        note: 'software adapter: not timed',
      });
    } finally {
      rt.destroy();
    }
  });
});
