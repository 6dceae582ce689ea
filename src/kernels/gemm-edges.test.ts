// GEMM edge cases against the float64 reference: the split-K column sum (the bias gradient),
// zero-size dimensions, argument checks, and the reference backward against finite differences
// (1e-6: the loss is linear in each input, so central differences are exact up to rounding).
// The products on every variant: gemm.test.ts.
import { describe, expect, it } from 'vitest';
import { columnSum, matmul, matmulTransA, matmulTransB } from './gemm';
import { refColumnSum, refLinearBackward, refMatmul, refMatrix } from '../reference/gemm';
import { expectNoGpuErrors, randomArray, rng, sharedRuntime } from '../testing/gpu-fixture';
import { clone, expectPlaced, LAYOUTS, place, TOL, TOL_LONG } from '../testing/gemm-placed';

describe('columnSum (out (+)= Σ_rows dy, split-K)', () => {
  for (const [n, m] of [
    [1, 1],
    [37, 13],
    [1, 8],
    [300, 7],
    [1000, 16],
  ] as const) {
    it(`dy ${n}×${m}, all layouts, accumulate on/off`, async () => {
      const rt = await sharedRuntime();
      for (const [, layout] of LAYOUTS) {
        for (const accumulate of [false, true]) {
          const dy = place(rt, n, m, layout);
          const out = place(rt, 1, m, layout);
          columnSum(rt, dy.view, out.view, { accumulate });
          const want = refColumnSum(dy.ref, clone(out.ref), { accumulate });
          await expectPlaced(rt, out, want, n > 100 ? TOL_LONG : TOL);
          rt.release(dy.parent, out.parent);
        }
      }
      await expectNoGpuErrors(rt);
    });
  }
});

describe('edge cases and validation', () => {
  it('zero-size dimensions: nothing dispatched, or an empty reduction writes 0 / keeps out', async () => {
    const rt = await sharedRuntime();
    const before = rt.batcher.stats.dispatches;
    const x0 = rt.tensor(0, 5, 'io');
    const w = rt.upload(randomArray(15, 7), 5, 3, 'io');
    const o0 = rt.tensor(0, 3, 'io');
    matmul(rt, x0, w, o0);
    matmulTransB(rt, o0, w, x0);
    const w0 = rt.tensor(5, 0, 'io');
    matmul(rt, rt.tensor(4, 5, 'io'), w0, rt.tensor(4, 0, 'io'));
    expect(rt.batcher.stats.dispatches).toBe(before);

    // K = 0: out = bias (+ out).
    const xk = rt.tensor(4, 0, 'io');
    const wk = rt.tensor(0, 3, 'io');
    const bias = rt.upload(Float32Array.from([1, 2, 3]), 1, 3, 'io');
    const out = rt.upload(new Float32Array(12).fill(10), 4, 3, 'io');
    matmul(rt, xk, wk, out, { bias, accumulate: true });
    expect(Array.from(await rt.read(out))).toEqual([
      11, 12, 13, 11, 12, 13, 11, 12, 13, 11, 12, 13,
    ]);

    // N = 0 reductions: dw = 0 and Σ = 0, or unchanged when accumulating.
    const dw = rt.upload(new Float32Array(15).fill(5), 5, 3, 'io');
    matmulTransA(rt, x0, o0, dw, { accumulate: true });
    expect(Array.from(await rt.read(dw))).toEqual(new Array(15).fill(5));
    matmulTransA(rt, x0, o0, dw);
    expect(Array.from(await rt.read(dw))).toEqual(new Array(15).fill(0));
    const cs = rt.upload(Float32Array.from([4, 4, 4]), 1, 3, 'io');
    columnSum(rt, o0, cs);
    expect(Array.from(await rt.read(cs))).toEqual([0, 0, 0]);
    for (const b of rt.allocator.inUseBuffers()) if (!b.persistent) rt.allocator.release(b);
    await expectNoGpuErrors(rt);
  });

  it('rejects mismatched shapes, non-f32 operands and outputs aliasing inputs, naming the argument', async () => {
    const rt = await sharedRuntime();
    const x = rt.tensor(6, 4, 'io');
    const w = rt.tensor(5, 3, 'io');
    const out = rt.tensor(6, 3, 'io');
    expect(() => matmul(rt, x, w, out)).toThrow(/matmul: w .* must be 4×\* .*found 5×3/);
    const w4 = rt.tensor(4, 3, 'io');
    expect(() => matmul(rt, x, w4, rt.tensor(6, 2, 'io'))).toThrow(/matmul: out .*must be 6×3/);
    expect(() => matmul(rt, x, w4, out, { bias: rt.tensor(1, 4, 'io') })).toThrow(/bias/);
    expect(() => matmulTransB(rt, x, w, out)).toThrow(/matmulTransB: w .*must be \*×4/);
    expect(() => matmulTransA(rt, x, rt.tensor(5, 3, 'io'), w4)).toThrow(
      /matmulTransA: dy .*must be 6×\*/,
    );
    expect(() => columnSum(rt, out, rt.tensor(1, 4, 'io'))).toThrow(/columnSum: out .*1×3/);
    const wide = rt.tensor(6, 7, 'io');
    expect(() => matmul(rt, wide.colSlice(0, 4), w4, wide.colSlice(4, 7))).toThrow(
      /shares a buffer with input x/,
    );
    const ints = rt.upload(new Uint32Array(24), 6, 4, 'io');
    expect(() => matmul(rt, ints, w4, out)).toThrow(/x .*is u32, not f32/);
    for (const b of rt.allocator.inUseBuffers()) if (!b.persistent) rt.allocator.release(b);
    await expectNoGpuErrors(rt);
  });
});

describe('reference gradients', () => {
  it('reference backward of L = Σ (x·w + b)⊙G matches central finite differences', () => {
    const [n, k, m] = [5, 4, 3];
    const r = rng(99);
    const rand = (rows: number, cols: number) =>
      refMatrix(
        rows,
        cols,
        Array.from({ length: rows * cols }, () => 2 * r() - 1),
      );
    const x = rand(n, k);
    const w = rand(k, m);
    const b = rand(1, m);
    const g = rand(n, m);
    const loss = () => {
      const out = refMatmul(x, w, refMatrix(n, m), { bias: b });
      return out.data.reduce((s, v, i) => s + v * g.data[i], 0);
    };
    const grads = refLinearBackward(x, w, g);
    const eps = 1e-6;
    for (const [param, grad] of [
      [x, grads.dx],
      [w, grads.dw],
      [b, grads.dbias],
    ] as const) {
      for (let i = 0; i < param.data.length; i++) {
        const keep = param.data[i];
        param.data[i] = keep + eps;
        const up = loss();
        param.data[i] = keep - eps;
        const down = loss();
        param.data[i] = keep;
        expect(Math.abs((up - down) / (2 * eps) - grad.data[i])).toBeLessThan(1e-6);
      }
    }
  });
});
