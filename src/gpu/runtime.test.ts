import { describe, expect, it } from 'vitest';
import { GpuRuntime } from './runtime';
import { copy } from '../kernels/copy';
import { expectNoGpuErrors } from '../testing/gpu-fixture';

describe('gpu runtime', () => {
  it('acquires a device with raised limits and describes the adapter', async () => {
    const rt = await GpuRuntime.create();
    expect(rt.adapterInfo.vendor.length).toBeGreaterThan(0);
    expect(rt.limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(8);
    expect(rt.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    rt.destroy();
  });

  it('copies strided views, batching dispatches into one submit, and reads them back', async () => {
    const rt = await GpuRuntime.create();
    const rows = 37;
    const cols = 13;
    const data = Float32Array.from({ length: rows * cols }, (_, i) => i * 0.5 - 7);
    const src = rt.upload(data, rows, cols, 'io');
    const dst = rt.tensor(rows, cols, 'io', { zero: true });
    const submitsBefore = rt.batcher.stats.submits;
    // Copy column groups one by one through views: [0,5), [5,9), [9,13).
    for (const [c0, c1] of [
      [0, 5],
      [5, 9],
      [9, 13],
    ]) {
      copy(rt, src.colSlice(c0, c1), dst.colSlice(c0, c1));
    }
    const out = await rt.read(dst);
    expect(Array.from(out)).toEqual(Array.from(data));
    // clear + 3 dispatches + readback copy went out in one submit.
    expect(rt.batcher.stats.submits - submitsBefore).toBe(1);
    const view = await rt.read(src.colSlice(5, 9).rowSlice(2, 4));
    expect(Array.from(view)).toEqual([
      ...data.slice(2 * 13 + 5, 2 * 13 + 9),
      ...data.slice(3 * 13 + 5, 3 * 13 + 9),
    ]);
    rt.release(src, dst);
    await expectNoGpuErrors(rt);
    rt.destroy();
  });

  it('caches one pipeline per shader and entry point', async () => {
    const rt = await GpuRuntime.create();
    const a = rt.upload(new Float32Array(8), 2, 4, 'io');
    const b = rt.tensor(2, 4, 'io');
    copy(rt, a, b);
    const n = rt.pipelines.size;
    copy(rt, a, b);
    copy(rt, b, a);
    expect(rt.pipelines.size).toBe(n);
    rt.release(a, b);
    await expectNoGpuErrors(rt);
    rt.destroy();
  });

  it('times GPU work and says which clock it used', async () => {
    const rt = await GpuRuntime.create();
    const a = rt.upload(new Float32Array(4096).fill(1), 64, 64, 'io');
    const b = rt.tensor(64, 64, 'io');
    const r = await rt.timed(() => {
      for (let i = 0; i < 10; i++) copy(rt, a, b);
    });
    expect(r.source).toBe(rt.hasTimestamps ? 'gpu' : 'cpu');
    expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(Array.from(await rt.read(b)).every((v) => v === 1)).toBe(true);
    rt.release(a, b);
    await expectNoGpuErrors(rt);
    rt.destroy();
  });

  it('reports device loss and can be re-created and used again', async () => {
    const rt = await GpuRuntime.create();
    const reasons: string[] = [];
    const lost = new Promise<void>((resolve) =>
      rt.onLost((info) => {
        reasons.push(info.reason);
        resolve();
      }),
    );
    rt.device.destroy();
    await lost;
    expect(reasons).toEqual(['destroyed']);
    expect(rt.isLost).toBe(true);

    const again = await GpuRuntime.create();
    const x = again.upload(Float32Array.from([1, 2, 3, 4]), 1, 4, 'io');
    const y = again.tensor(1, 4, 'io');
    copy(again, x, y);
    expect(Array.from(await again.read(y))).toEqual([1, 2, 3, 4]);
    again.release(x, y);
    await expectNoGpuErrors(again);
    again.destroy();
  });
});
