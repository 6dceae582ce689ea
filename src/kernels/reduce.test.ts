// Reductions against float64, once per variant (tree, subgroup). Tolerance: |gpu − ref| ≤
// 1e-6·Σ|terms| + 1e-30 — a float32 sum of n terms in this fixed order carries at most
// ~(n/(G·256) + log₂(G·256))·2⁻²⁴ of Σ|terms|, far under 1e-6 for these sizes; the test also asks
// for bit-identical results across repeated runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { expectNoGpuErrors, randomArray, sharedRuntime } from '../testing/gpu-fixture';
import { LAYOUTS, place } from '../testing/views';
import { forEachVariant } from '../testing/variants';
import { dot, globalSumSquares, l2norm, sum, sumSquares } from './reduce';
import { dotRef, globalSumSquaresRef, l2normRef, sumRef, sumSquaresRef } from '../reference/reduce';

const REL = 1e-6;

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await sharedRuntime();
});
afterAll(async () => {
  await expectNoGpuErrors(rt);
});

function expectSum(got: number, want: number, absTerms: number, what: string): void {
  const bound = REL * absTerms + 1e-30;
  expect(Math.abs(got - want), `${what}: ${got} vs ${want} (bound ${bound})`).toBeLessThanOrEqual(
    bound,
  );
}

const absSum = (x: ArrayLike<number>, f: (v: number, i: number) => number) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(f(x[i], i));
  return s;
};

forEachVariant('reduce', () => {
  describe.each([
    [1, 1],
    [37, 13],
    [6, 7],
    [1, 50],
    [3000, 64],
    [1, 1_000_003],
  ])('reductions over %i×%i', (rows, cols) => {
    const n = rows * cols;
    const a = randomArray(n, 3 + n, -1, 1.5);
    const b = randomArray(n, 5 + n, -2, 1);

    it.each(LAYOUTS)('sum, dot, sumSquares, l2norm on %s views match float64', async (layout) => {
      const pa = place(rt, a, rows, cols, layout);
      const pb = place(rt, b, rows, cols, layout);
      // Results land in slots of one wider tensor: out may be any 1×1 view.
      const outs = rt.tensor(1, 8, 'io', { zero: true });
      const o = (k: number): Tensor => outs.colSlice(k, k + 1);
      sum(rt, pa.t, o(1));
      dot(rt, pa.t, pb.t, o(3));
      sumSquares(rt, pa.t, o(5));
      l2norm(rt, pa.t, o(7));
      const got = await rt.read(outs);
      expectSum(
        got[1],
        sumRef(a),
        absSum(a, (v) => v),
        'sum',
      );
      expectSum(
        got[3],
        dotRef(a, b),
        absSum(a, (v, i) => v * b[i]),
        'dot',
      );
      expectSum(got[5], sumSquaresRef(a), sumSquaresRef(a), 'sumSquares');
      // sqrt halves the relative error of its argument.
      expectSum(got[7], l2normRef(a), l2normRef(a), 'l2norm');
      expect([got[0], got[2], got[4], got[6]]).toEqual([0, 0, 0, 0]);
      rt.release(pa.parent, pb.parent, outs);
      await expectNoGpuErrors(rt);
    });
  });

  describe('reductions', () => {
    it('give the same bits on every run, and dot(a, a) = sumSquares(a) with a = b aliased', async () => {
      const n = 300_007;
      const a = rt.upload(randomArray(n, 9), 1, n, 'grads');
      const out = rt.tensor(1, 1, 'io');
      const seen = new Set<number>();
      for (let k = 0; k < 3; k++) {
        sum(rt, a, out);
        seen.add((await rt.read(out))[0]);
      }
      expect(seen.size).toBe(1);
      const out2 = rt.tensor(1, 1, 'io');
      dot(rt, a, a, out);
      sumSquares(rt, a, out2);
      expect((await rt.read(out))[0]).toBe((await rt.read(out2))[0]);
      rt.release(a, out, out2);
      await expectNoGpuErrors(rt);
    });

    it('globalSumSquares adds every tensor (views and an empty list too) with no readback', async () => {
      const shapes: [number, number][] = [
        [1, 1],
        [37, 13],
        [64, 64],
        [1, 50],
        [3000, 64],
      ];
      const datas = shapes.map(([r, c], k) => randomArray(r * c, 50 + k, -0.1, 0.1));
      const placed = shapes.map(([r, c], k) => place(rt, datas[k], r, c, LAYOUTS[k % 2], 'grads'));
      const out = rt.tensor(1, 1, 'io');
      const submits = rt.batcher.stats.submits;
      globalSumSquares(
        rt,
        placed.map((p) => p.t),
        out,
      );
      expect(rt.batcher.stats.submits).toBe(submits);
      const want = globalSumSquaresRef(datas);
      expectSum((await rt.read(out))[0], want, want, 'globalSumSquares');
      globalSumSquares(rt, [], out);
      expect((await rt.read(out))[0]).toBe(0);
      rt.release(out, ...placed.map((p) => p.parent));
      await expectNoGpuErrors(rt);
    });
  });
});

describe('reductions', () => {
  it('names the argument on a shape mismatch', async () => {
    const a = rt.tensor(3, 4, 'io');
    const b = rt.tensor(4, 3, 'io');
    expect(() => dot(rt, a, b, a.colSlice(0, 1).rowSlice(0, 1))).toThrow(
      /dot: b .* must be 3×4, found 4×3/,
    );
    expect(() => sum(rt, a, b)).toThrow(/sum: out .* must be 1×1, found 4×3/);
    rt.release(a, b);
    await expectNoGpuErrors(rt);
  });
});
