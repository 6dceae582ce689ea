// The meter must agree byte-for-byte with an independent count of what the device holds.
import { getWebGPUMemoryUsage } from 'webgpu-memory';
import { describe, expect, it } from 'vitest';
import { GpuOutOfMemoryError, GpuLeakError } from './errors';
import { GpuRuntime } from './runtime';
import { bufferSize, type TrackedBuffer } from './tracked-allocator';
import { MEMORY_TAGS } from './memory-tags';
import { expectNoGpuErrors } from '../testing/gpu-fixture';

describe('tracked allocator', () => {
  it('equals webgpu-memory exactly over allocations and frees of awkward sizes', async () => {
    const rt = await GpuRuntime.create();
    const independent = () => getWebGPUMemoryUsage(rt.device).memory;
    const check = () => {
      const snap = rt.allocator.snapshot();
      expect(snap.liveBytes).toBe(independent().buffer);
      expect(snap.peakLiveBytes).toBe(independent().maxTotal);
    };
    check();
    const sizes = [1, 3, 4, 5, 37 * 13 * 4, 1000, 4093, 65537, 1 << 20, 7];
    const held: TrackedBuffer[] = [];
    sizes.forEach((s, i) => {
      held.push(rt.allocator.alloc(s, MEMORY_TAGS[i % MEMORY_TAGS.length], { label: `b${i}` }));
      check();
    });
    // Release every other one: in-use falls, live stays (pooled) until trim.
    const liveBefore = rt.allocator.snapshot().liveBytes;
    for (let i = 0; i < held.length; i += 2) rt.allocator.release(held[i]);
    expect(rt.allocator.snapshot().liveBytes).toBe(liveBefore);
    check();
    // Same sizes again come from the pool: no new device memory.
    const again = [0, 2, 4].map((i) => rt.allocator.alloc(sizes[i], 'workspace'));
    expect(rt.allocator.snapshot().liveBytes).toBe(liveBefore);
    check();
    rt.allocator.trim();
    check();
    for (const b of again) rt.allocator.release(b);
    for (let i = 1; i < held.length; i += 2) rt.allocator.release(held[i]);
    rt.allocator.trim();
    check();
    const snap = rt.allocator.snapshot();
    // Only the batcher's uniform ring (persistent) remains.
    expect(snap.inUseBytes).toBe(snap.liveBytes);
    expect(rt.allocator.inUseBuffers().map((b) => b.label)).toEqual(['uniform ring']);
    await expectNoGpuErrors(rt);
    rt.destroy();
  });

  it('books bytes per tag, keeps per-tag peaks and a phase-labelled timeline', async () => {
    const rt = await GpuRuntime.create();
    const a = rt.allocator;
    a.resetPeaks();
    a.beginTimeline();
    a.setPhase('forward 1');
    const x = a.alloc(400, 'activations');
    a.setPhase('forward 2');
    const y = a.alloc(800, 'activations');
    const w = a.alloc(100, 'params', { persistent: true });
    a.setPhase('backward 2');
    a.release(y);
    const events = a.endTimeline();
    expect(events.map((e) => [e.kind, e.phase, e.tag, e.bytes])).toEqual([
      ['alloc', 'forward 1', 'activations', 400],
      ['alloc', 'forward 2', 'activations', 800],
      ['alloc', 'forward 2', 'params', 100],
      ['release', 'backward 2', 'activations', 800],
    ]);
    const snap = a.snapshot();
    expect(snap.inUseByTag.activations).toBe(400);
    expect(snap.peakInUseByTag.activations).toBe(1200);
    expect(snap.inUseByTag.params).toBe(100);
    expect(snap.atPeakByTag.activations).toBe(1200);
    // A pooled buffer reused under another tag moves its live bytes to that tag.
    const z = a.alloc(800, 'workspace');
    expect(a.snapshot().liveByTag.workspace - snap.liveByTag.workspace).toBe(800);
    a.release(z);
    a.release(x);
    a.release(w);
    rt.destroy();
  });

  it('refuses an allocation past the simulated budget with the typed error, meter unchanged', async () => {
    const rt = await GpuRuntime.create();
    const base = rt.allocator.snapshot().liveBytes;
    rt.allocator.setBudget(base + 10_000);
    const ok = rt.allocator.alloc(6000, 'activations');
    const before = rt.allocator.snapshot();
    let caught: unknown;
    try {
      rt.allocator.alloc(6000, 'activations', { label: 'too much' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GpuOutOfMemoryError);
    expect((caught as GpuOutOfMemoryError).source).toBe('budget');
    expect((caught as GpuOutOfMemoryError).requestedBytes).toBe(6000);
    expect(rt.allocator.snapshot()).toEqual(before);
    // The budget counts pooled buffers too, but trims them before refusing.
    rt.allocator.release(ok);
    const again = rt.allocator.alloc(9000, 'activations');
    expect(rt.allocator.snapshot().pooledBytes).toBe(0);
    rt.allocator.release(again);
    rt.destroy();
  });

  it('turns an allocation larger than the device allows into the same typed error', async () => {
    const rt = await GpuRuntime.create();
    const before = rt.allocator.snapshot();
    const huge = rt.limits.maxBufferSize + 4;
    let caught: unknown;
    try {
      rt.allocator.alloc(huge, 'activations');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GpuOutOfMemoryError);
    expect((caught as Error).message).toContain(String(huge));
    expect(rt.allocator.snapshot()).toEqual(before);
    await rt.allocator.checkDeviceErrors();
    await expectNoGpuErrors(rt);
    rt.destroy();
  });

  it('leak check names non-persistent buffers still in use', async () => {
    const rt = await GpuRuntime.create();
    const p = rt.allocator.alloc(64, 'params', { persistent: true, label: 'weights' });
    const t = rt.allocator.alloc(64, 'activations', { label: 'forgotten activation' });
    expect(() => rt.allocator.assertNoLeaks()).toThrow(GpuLeakError);
    expect(() => rt.allocator.assertNoLeaks()).toThrow(/forgotten activation/);
    rt.allocator.release(t);
    expect(() => rt.allocator.assertNoLeaks()).not.toThrow();
    rt.allocator.release(p);
    rt.destroy();
  });
});

describe('freeing buffers that recorded work still uses', () => {
  it('defers destroy() until the batch is submitted (no pooling)', async () => {
    const { copy } = await import('../kernels/copy');
    const rt = await GpuRuntime.create({ pooling: false });
    const src = rt.upload(Float32Array.from([1, 2, 3, 4]), 1, 4, 'io');
    const tmp = rt.tensor(1, 4, 'workspace');
    const dst = rt.tensor(1, 4, 'io');
    copy(rt, src, tmp);
    copy(rt, tmp, dst);
    rt.release(tmp); // still used by the unsubmitted copies
    expect(Array.from(await rt.read(dst))).toEqual([1, 2, 3, 4]);
    const independent = getWebGPUMemoryUsage(rt.device).memory.buffer;
    expect(rt.allocator.snapshot().liveBytes).toBe(independent);
    rt.release(src, dst);
    await expectNoGpuErrors(rt);
    rt.destroy();
  });

  it('pools by size class, so near sizes share buffers, and keeps the pool under its cap', async () => {
    const rt = await GpuRuntime.create();
    const a = rt.allocator;
    expect(bufferSize(4000)).toBe(4000);
    expect(bufferSize(100_000)).toBeGreaterThanOrEqual(100_000);
    expect(bufferSize(100_000)).toBeLessThanOrEqual(100_000 * 1.125);
    // A random part's buffers differ by a few bytes from step to step: one class serves them.
    const first = a.alloc(100_000, 'graph');
    a.release(first);
    const live = a.snapshot().liveBytes;
    for (const size of [99_001, 100_400, 99_555]) {
      const b = a.alloc(size, 'graph');
      expect(b).toBe(first);
      a.release(b);
    }
    expect(a.snapshot().liveBytes).toBe(live);
    expect(a.snapshot().heldBytes).toBe(a.snapshot().inUseBytes + a.snapshot().pooledBytes);
    // Past the cap the longest-pooled buffers are destroyed first.
    a.setPoolCap(300_000);
    const bufs = [1, 2, 3, 4].map((i) => a.alloc(i * 40_000, 'workspace'));
    for (const b of bufs) a.release(b);
    const snap = a.snapshot();
    expect(snap.pooledBytes).toBeLessThanOrEqual(300_000);
    expect(snap.heldBytes).toBe(snap.inUseBytes + snap.pooledBytes);
    expect(independentOk(rt)).toBe(true);
    a.trim();
    expect(a.snapshot().pooledBytes).toBe(0);
    rt.destroy();
  });
});

function independentOk(rt: GpuRuntime): boolean {
  return getWebGPUMemoryUsage(rt.device).memory.buffer === rt.allocator.snapshot().liveBytes;
}
