// GEMM kernels against the float64 reference on awkward shapes and strided views.
//
// Tolerances: maxRelError with floor 1, i.e. absolute error for |expected| < 1 and relative
// above. Inputs are uniform in [-1, 1]; float32 accumulation over P terms errs by about
// P·2^-24·Σ|terms| at worst, so reductions up to ~100 terms use 2e-5 and the N = 3000
// reductions use 1e-4. Finite differences of the float64 reference use 1e-6 (the loss is linear
// in each input, so central differences are exact up to rounding).
import { describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { chooseSplits, columnSum, matmul, matmulNaive, matmulTransA, matmulTransB } from './gemm';
import {
  refColumnSum,
  refLinearBackward,
  refMatmul,
  refMatmulTransA,
  refMatmulTransB,
  refMatrix,
  type RefMatrix,
} from '../reference/gemm';
import {
  expectClose,
  expectNoGpuErrors,
  randomArray,
  rng,
  sharedRuntime,
} from '../testing/gpu-fixture';

const TOL = 2e-5;
const TOL_LONG = 1e-4;
const FLOOR = 1;

/** Where a matrix lives: `left` unused columns before it and `right` after, in a wider parent. */
interface Layout {
  left: number;
  right: number;
}
const DENSE: Layout = { left: 0, right: 0 };

interface Placed {
  parent: Tensor;
  view: Tensor;
  /** The parent's contents as uploaded (padding included), to check nothing spilled. */
  initial: Float32Array;
  ref: RefMatrix;
}

let seed = 1;

function place(rt: GpuRuntime, rows: number, cols: number, layout: Layout = DENSE): Placed {
  const width = layout.left + cols + layout.right;
  const initial = randomArray(rows * width, seed++);
  const parent = rt.upload(initial, rows, width, 'io');
  const view =
    layout.left || layout.right ? parent.colSlice(layout.left, layout.left + cols) : parent;
  const ref = refMatrix(rows, cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) ref.data[r * cols + c] = initial[r * width + layout.left + c];
  return { parent, view, initial, ref };
}

/** Checks the view against `expected` and that the parent's other columns are untouched. */
async function expectPlaced(
  rt: GpuRuntime,
  p: Placed,
  expected: RefMatrix,
  tol: number,
): Promise<void> {
  const full = await rt.read(p.parent);
  const width = p.parent.cols;
  const left = p.view.offset - p.parent.offset;
  const got: number[] = [];
  for (let r = 0; r < p.view.rows; r++) {
    for (let c = 0; c < width; c++) {
      const v = full[r * width + c];
      if (c >= left && c < left + p.view.cols) got.push(v);
      else expect(v, `padding at (${r}, ${c}) changed`).toBe(p.initial[r * width + c]);
    }
  }
  expectClose(got, expected.data, tol, FLOOR);
}

function clone(m: RefMatrix): RefMatrix {
  return refMatrix(m.rows, m.cols, m.data);
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [37, 13, 11],
  [37, 13, 17],
  [10, 5, 7],
  [1, 7, 3],
  [1, 12, 8],
  [33, 16, 12],
  [64, 64, 64],
];
// Column slices: unaligned (scalar path) and 16-byte aligned with a wider stride (vec4 path).
const LAYOUTS: [string, Layout][] = [
  ['dense', DENSE],
  ['slice +3/+2', { left: 3, right: 2 }],
  ['slice +4/+4', { left: 4, right: 4 }],
];

describe('matmul (out (+)= x·w + bias)', () => {
  for (const [n, k, m] of SHAPES) {
    it(`${n}×${k} · ${k}×${m}, all layouts, accumulate and bias on/off`, async () => {
      const rt = await sharedRuntime();
      for (const [, layout] of LAYOUTS) {
        for (const accumulate of [false, true]) {
          for (const withBias of [false, true]) {
            const x = place(rt, n, k, layout);
            const w = place(rt, k, m, layout);
            const out = place(rt, n, m, layout);
            const bias = withBias ? place(rt, 1, m, layout) : null;
            matmul(rt, x.view, w.view, out.view, { accumulate, bias: bias?.view });
            const want = refMatmul(x.ref, w.ref, clone(out.ref), {
              accumulate,
              bias: bias?.ref,
            });
            await expectPlaced(rt, out, want, TOL);
            rt.release(x.parent, w.parent, out.parent, bias?.parent);
          }
        }
      }
      await expectNoGpuErrors(rt);
    });
  }

  it('naive baseline agrees with the reference', async () => {
    const rt = await sharedRuntime();
    for (const [, layout] of LAYOUTS) {
      const x = place(rt, 37, 13, layout);
      const w = place(rt, 13, 11, layout);
      const out = place(rt, 37, 11, layout);
      matmulNaive(rt, x.view, w.view, out.view);
      await expectPlaced(rt, out, refMatmul(x.ref, w.ref, refMatrix(37, 11)), TOL);
      rt.release(x.parent, w.parent, out.parent);
    }
    await expectNoGpuErrors(rt);
  });
});

describe('matmulTransB (dx (+)= dy·wᵀ)', () => {
  for (const [n, k, m] of SHAPES) {
    it(`dy ${n}×${m}, w ${k}×${m}, all layouts, accumulate on/off`, async () => {
      const rt = await sharedRuntime();
      for (const [, layout] of LAYOUTS) {
        for (const accumulate of [false, true]) {
          const dy = place(rt, n, m, layout);
          const w = place(rt, k, m, layout);
          const dx = place(rt, n, k, layout);
          matmulTransB(rt, dy.view, w.view, dx.view, { accumulate });
          const want = refMatmulTransB(dy.ref, w.ref, clone(dx.ref), { accumulate });
          await expectPlaced(rt, dx, want, TOL);
          rt.release(dy.parent, w.parent, dx.parent);
        }
      }
      await expectNoGpuErrors(rt);
    });
  }
});

describe('matmulTransA (dw (+)= xᵀ·dy, split-K)', () => {
  // N = 300 and 257 take several splits; 64 and below take one.
  const TRANS_A: [number, number, number][] = [...SHAPES, [300, 13, 11], [257, 8, 12]];
  for (const [n, k, m] of TRANS_A) {
    it(`x ${n}×${k}, dy ${n}×${m}, all layouts, accumulate on/off`, async () => {
      const rt = await sharedRuntime();
      for (const [, layout] of LAYOUTS) {
        for (const accumulate of [false, true]) {
          const x = place(rt, n, k, layout);
          const dy = place(rt, n, m, layout);
          const dw = place(rt, k, m, layout);
          matmulTransA(rt, x.view, dy.view, dw.view, { accumulate });
          const want = refMatmulTransA(x.ref, dy.ref, clone(dw.ref), { accumulate });
          await expectPlaced(rt, dw, want, n > 100 ? TOL_LONG : TOL);
          rt.release(x.parent, dy.parent, dw.parent);
        }
      }
      expect(
        rt.allocator.inUseBuffers().filter((b) => b.tag === 'workspace' && !b.persistent),
      ).toEqual([]);
      await expectNoGpuErrors(rt);
    });
  }

  it('splits long reductions, and gives bit-identical results on repeat', async () => {
    expect(chooseSplits(64, 16)).toBe(1);
    expect(chooseSplits(300, 16)).toBe(5);
    expect(chooseSplits(100_000, 64 * 64)).toBeGreaterThan(1);
    // Each split stays under 4096 rows even when the output alone has plenty of parallelism.
    expect(Math.ceil(100_000 / chooseSplits(100_000, 1 << 20))).toBeLessThanOrEqual(4096);
    const rt = await sharedRuntime();
    const x = place(rt, 1000, 12, { left: 1, right: 0 });
    const dy = place(rt, 1000, 9);
    const dw = rt.tensor(12, 9, 'io');
    matmulTransA(rt, x.view, dy.view, dw);
    const first = await rt.read(dw);
    matmulTransA(rt, x.view, dy.view, dw);
    expect(Array.from(await rt.read(dw))).toEqual(Array.from(first));
    expectClose(first, refMatmulTransA(x.ref, dy.ref, refMatrix(12, 9)).data, TOL_LONG, FLOOR);
    rt.release(x.parent, dy.parent, dw);
    await expectNoGpuErrors(rt);
  });
});

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

describe('larger case and gradients', () => {
  it('3000×64 · 64×64 forward and all three backward products', async () => {
    const rt = await sharedRuntime();
    const [n, d] = [3000, 64];
    const x = place(rt, n, d);
    const w = place(rt, d, d);
    const bias = place(rt, 1, d);
    const out = place(rt, n, d);
    matmul(rt, x.view, w.view, out.view, { bias: bias.view });
    await expectPlaced(rt, out, refMatmul(x.ref, w.ref, refMatrix(n, d), { bias: bias.ref }), TOL);
    const g = place(rt, n, d);
    const dx = place(rt, n, d);
    const dw = place(rt, d, d);
    const db = place(rt, 1, d);
    matmulTransB(rt, g.view, w.view, dx.view);
    matmulTransA(rt, x.view, g.view, dw.view);
    columnSum(rt, g.view, db.view);
    const ref = refLinearBackward(x.ref, w.ref, g.ref);
    await expectPlaced(rt, dx, ref.dx, TOL);
    await expectPlaced(rt, dw, ref.dw, TOL_LONG);
    await expectPlaced(rt, db, ref.dbias, TOL_LONG);
    rt.release(
      x.parent,
      w.parent,
      bias.parent,
      out.parent,
      g.parent,
      dx.parent,
      dw.parent,
      db.parent,
    );
    await expectNoGpuErrors(rt);
  });

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

  it('GPU backward equals the reference backward on strided views', async () => {
    const rt = await sharedRuntime();
    const [n, k, m] = [129, 10, 6];
    const slice = { left: 2, right: 1 };
    const x = place(rt, n, k, slice);
    const w = place(rt, k, m, slice);
    const g = place(rt, n, m, slice);
    const dx = place(rt, n, k, slice);
    const dw = place(rt, k, m, slice);
    const db = place(rt, 1, m, slice);
    matmulTransB(rt, g.view, w.view, dx.view);
    matmulTransA(rt, x.view, g.view, dw.view);
    columnSum(rt, g.view, db.view);
    const ref = refLinearBackward(x.ref, w.ref, g.ref);
    await expectPlaced(rt, dx, ref.dx, TOL);
    await expectPlaced(rt, dw, ref.dw, TOL_LONG);
    await expectPlaced(rt, db, ref.dbias, TOL_LONG);
    rt.release(x.parent, w.parent, g.parent, dx.parent, dw.parent, db.parent);
    await expectNoGpuErrors(rt);
  });
});
