// Clipping and Adam against float64. Tolerances (|gpu − ref| ≤ tol·max(|ref|, floor)): the clip
// factor to 1e-6 (one f32 sqrt and divide); after five full steps (global norm² on the GPU, clip
// factor, Adam with weight decay) params to 2e-6 with floor 1 (observed 8e-7), and m, v to 5e-4
// with a floor of 1% of the tensor's largest moment: entries near zero carry the f32 rounding of
// the larger terms they were summed from (observed 7e-5 of that scale).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { expectClose, expectNoGpuErrors, randomArray, sharedRuntime } from '../testing/gpu-fixture';
import { expectBystandersIntact, LAYOUTS, place, type Placed } from '../testing/views';
import { adam, clipScale } from './optim';
import { globalSumSquares } from './reduce';
import { adamRef, clipScaleRef } from '../reference/optim';
import { globalSumSquaresRef } from '../reference/reduce';

const maxAbs = (x: ArrayLike<number>) =>
  Array.from(x).reduce((a, b) => Math.max(a, Math.abs(b)), 0);

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await sharedRuntime();
});
afterAll(async () => {
  await expectNoGpuErrors(rt);
});

describe('clipScale', () => {
  it.each([
    [100, 5],
    [100, 20],
    [2.5e-9, 1],
    [0, 1],
    [100, 0],
    [100, -1],
    [100, Infinity],
  ])('sumSq %f, maxNorm %f', async (sumSq, maxNorm) => {
    // Inputs and output as 1×1 views inside wider tensors.
    const s = rt.upload(Float32Array.of(7, sumSq), 1, 2, 'workspace');
    const out = rt.upload(Float32Array.of(-1, -1, -1), 1, 3, 'workspace');
    clipScale(rt, s.colSlice(1, 2), maxNorm, out.colSlice(2, 3));
    const got = await rt.read(out);
    expectClose([got[2]], [clipScaleRef(Math.fround(sumSq), maxNorm)], 1e-6, 1e-3);
    expect([got[0], got[1]]).toEqual([-1, -1]);
    rt.release(s, out);
    await expectNoGpuErrors(rt);
  });
});

describe('adam', () => {
  const opts = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
  const shapes: [number, number][] = [
    [1, 1],
    [37, 13],
    [6, 7],
    [1, 50],
    [3000, 64],
  ];

  it.each(LAYOUTS)(
    'five steps with clipping and weight decay on %s views match float64',
    async (layout) => {
      const steps = 5;
      const maxNorm = 1;
      const p0 = shapes.map(([r, c], k) => randomArray(r * c, 80 + k));
      const grads = (step: number) =>
        shapes.map(([r, c], k) => randomArray(r * c, 1000 * step + k, -0.5, 0.5));
      // GPU state; for the strided layout m and v share one optimizer buffer as [m | v] columns.
      const param: Placed[] = [];
      const m: Tensor[] = [];
      const v: Tensor[] = [];
      const owned: Tensor[] = [];
      shapes.forEach(([r, c], k) => {
        param.push(place(rt, p0[k], r, c, layout, 'params'));
        if (layout === 'strided') {
          const arena = rt.tensor(r, 2 * c, 'optimizer', { zero: true });
          m.push(arena.colSlice(0, c));
          v.push(arena.colSlice(c, 2 * c));
          owned.push(arena);
        } else {
          const mm = rt.tensor(r, c, 'optimizer', { zero: true });
          const vv = rt.tensor(r, c, 'optimizer', { zero: true });
          m.push(mm);
          v.push(vv);
          owned.push(mm, vv);
        }
      });
      const sumSq = rt.tensor(1, 1, 'workspace');
      const scale = rt.tensor(1, 1, 'workspace');
      // float64 state
      const rp = p0.map((d) => Float64Array.from(d));
      const rm = p0.map((d) => new Float64Array(d.length));
      const rv = p0.map((d) => new Float64Array(d.length));

      const scales: number[] = [];
      for (let step = 1; step <= steps; step++) {
        const gs = grads(step);
        const gt = shapes.map(([r, c], k) => place(rt, gs[k], r, c, layout, 'grads'));
        globalSumSquares(
          rt,
          gt.map((g) => g.t),
          sumSq,
        );
        clipScale(rt, sumSq, maxNorm, scale);
        shapes.forEach((_, k) =>
          adam(rt, param[k].t, gt[k].t, m[k], v[k], scale, { ...opts, step }),
        );
        const s = clipScaleRef(globalSumSquaresRef(gs), maxNorm);
        scales.push(s);
        shapes.forEach((_, k) => adamRef(rp[k], gs[k], rm[k], rv[k], s, { ...opts, step }));
        expectClose(await rt.read(scale), [s], 1e-6, 1e-3);
        rt.release(...gt.map((g) => g.parent));
      }
      // Clipping was active: the unclipped norm is ~sqrt(n/12)·… ≫ maxNorm.
      expect(Math.max(...scales)).toBeLessThan(0.1);
      for (let k = 0; k < shapes.length; k++) {
        expectClose(await rt.read(param[k].t), rp[k], 2e-6, 1);
        expectClose(await rt.read(m[k]), rm[k], 5e-4, 1e-2 * maxAbs(rm[k]));
        expectClose(await rt.read(v[k]), rv[k], 5e-4, 1e-2 * maxAbs(rv[k]));
        await expectBystandersIntact(rt, param[k]);
      }
      rt.release(sumSq, scale, ...param.map((p) => p.parent), ...owned);
      await expectNoGpuErrors(rt);
    },
  );

  it('names the argument on a shape mismatch and rejects a 0 step', async () => {
    const p = rt.tensor(3, 4, 'params');
    const g = rt.tensor(3, 5, 'grads');
    const s = rt.tensor(1, 1, 'workspace');
    expect(() => adam(rt, p, g, p, p, s, { ...opts, step: 1 })).toThrow(
      /adam: grad .* must be 3×4, found 3×5/,
    );
    expect(() => adam(rt, p, p, p, p, s, { ...opts, step: 0 })).toThrow(/step must be a 1-based/);
    expect(() => clipScale(rt, g, 1, s)).toThrow(/clipScale: sumSq .* must be 1×1, found 3×5/);
    rt.release(p, g, s);
    await expectNoGpuErrors(rt);
  });
});
