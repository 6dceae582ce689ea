// Element-wise kernels against the float64 reference on awkward shapes, strided views, aliasing
// and accumulation. Tolerance: the ops round once or twice in float32 from float32 inputs, so
// |gpu − ref| ≤ 1e-6·max(|ref|, 1) (expectClose with floor 1); fill, add, sub, relu, bias and the
// relu backward are single correctly-rounded operations and are checked to the same bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { expectClose, expectNoGpuErrors, randomArray, sharedRuntime } from '../testing/gpu-fixture';
import {
  centralDiff,
  dot64,
  expectBystandersIntact,
  LAYOUTS,
  place,
  type Placed,
} from '../testing/views';
import {
  add,
  axpy,
  biasAdd,
  fill,
  relu,
  reluBackward,
  scale,
  sub,
  sumColumnBlocks,
} from './elementwise';
import {
  addRef,
  axpyRef,
  biasAddRef,
  reluBackwardRef,
  reluRef,
  scaleRef,
  subRef,
  sumColumnBlocksRef,
} from '../reference/elementwise';

const TOL = 1e-6;
const FLOOR = 1;
const SHAPES: [number, number][] = [
  [1, 1],
  [37, 13],
  [6, 7],
  [1, 50],
  [3000, 64],
];

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await sharedRuntime();
});
afterAll(async () => {
  await expectNoGpuErrors(rt);
});

describe.each(SHAPES)('elementwise %i×%i', (rows, cols) => {
  const n = rows * cols;
  const a = randomArray(n, 11 + n, -2, 2);
  const b = randomArray(n, 13 + n, -2, 2);

  it.each(LAYOUTS)('binary and unary maps on %s views match float64', async (layout) => {
    type Case = [string, (x: Placed, y: Placed, o: Placed) => void, Float64Array];
    const cases: Case[] = [
      ['add', (x, y, o) => add(rt, x.t, y.t, o.t), addRef(a, b)],
      ['sub', (x, y, o) => sub(rt, x.t, y.t, o.t), subRef(a, b)],
      ['axpy', (x, _y, o) => axpy(rt, -0.75, x.t, o.t), axpyRef(-0.75, a, b)],
      ['scale', (x, _y, o) => scale(rt, 1.5, x.t, o.t), scaleRef(1.5, a)],
      ['relu', (x, _y, o) => relu(rt, x.t, o.t), reluRef(a)],
      ['reluBackward', (x, y, o) => reluBackward(rt, x.t, y.t, o.t), reluBackwardRef(a, b)],
      [
        'reluBackward acc',
        (x, y, o) => reluBackward(rt, x.t, y.t, o.t, { accumulate: true }),
        reluBackwardRef(a, b, b),
      ],
      ['fill', (_x, _y, o) => fill(rt, o.t, -3.25), new Float64Array(n).fill(-3.25)],
    ];
    for (const [name, run, expected] of cases) {
      const pa = place(rt, a, rows, cols, layout);
      const pb = place(rt, b, rows, cols, layout);
      // The output starts as b so axpy (y = b) and accumulation see a known prior value.
      const po = place(rt, b, rows, cols, layout);
      run(pa, pb, po);
      const got = await rt.read(po.t);
      expect(() => expectClose(got, expected, TOL, FLOOR), name).not.toThrow();
      await expectBystandersIntact(rt, po);
      expect(Array.from(await rt.read(pa.t)), `${name} left a alone`).toEqual(Array.from(a));
      rt.release(pa.parent, pb.parent, po.parent);
    }
    await expectNoGpuErrors(rt);
  });

  it('biasAdd adds a 1×cols row (a slice of a wider parameter) to every row', async () => {
    const bias = randomArray(cols, 17 + cols);
    for (const layout of LAYOUTS) {
      const px = place(rt, a, rows, cols, layout);
      const pbias = place(rt, bias, 1, cols, 'strided', 'params');
      biasAdd(rt, px.t, pbias.t);
      expectClose(await rt.read(px.t), biasAddRef(a, rows, cols, bias), TOL, FLOOR);
      await expectBystandersIntact(rt, px);
      rt.release(px.parent, pbias.parent);
    }
    await expectNoGpuErrors(rt);
  });
});

describe('elementwise aliasing', () => {
  const rows = 37;
  const cols = 13;
  const a = randomArray(rows * cols, 21);
  const b = randomArray(rows * cols, 22);

  /** a and b as two column blocks of one buffer: [a | b]. */
  function pair(): { parent: Tensor; va: Tensor; vb: Tensor } {
    const data = new Float32Array(rows * 2 * cols);
    for (let r = 0; r < rows; r++) {
      data.set(a.subarray(r * cols, (r + 1) * cols), r * 2 * cols);
      data.set(b.subarray(r * cols, (r + 1) * cols), r * 2 * cols + cols);
    }
    const parent = rt.upload(data, rows, 2 * cols, 'activations');
    return { parent, va: parent.colSlice(0, cols), vb: parent.colSlice(cols, 2 * cols) };
  }

  it('out may be a or b, or a slice of the same buffer', async () => {
    const cases: [string, (va: Tensor, vb: Tensor) => Tensor, Float64Array][] = [
      ['add out=a', (va, vb) => (add(rt, va, vb, va), va), addRef(a, b)],
      ['add out=b', (va, vb) => (add(rt, va, vb, vb), vb), addRef(a, b)],
      ['sub out=a', (va, vb) => (sub(rt, va, vb, va), va), subRef(a, b)],
      ['sub out=b', (va, vb) => (sub(rt, va, vb, vb), vb), subRef(a, b)],
      ['add a=b=out', (va) => (add(rt, va, va, va), va), addRef(a, a)],
      ['axpy x, y in one buffer', (va, vb) => (axpy(rt, 2, va, vb), vb), axpyRef(2, a, b)],
      ['scale in place', (va) => (scale(rt, -0.5, va, va), va), scaleRef(-0.5, a)],
      ['relu in place', (va) => (relu(rt, va, va), va), reluRef(a)],
      ['reluBackward dx=dy', (va, vb) => (reluBackward(rt, va, vb, vb), vb), reluBackwardRef(a, b)],
      [
        'reluBackward acc, dx in x’s buffer',
        (va, vb) => (reluBackward(rt, vb, vb, va, { accumulate: true }), va),
        reluBackwardRef(b, b, a),
      ],
    ];
    for (const [name, run, expected] of cases) {
      const { parent, va, vb } = pair();
      const out = run(va, vb);
      const got = await rt.read(out);
      expect(() => expectClose(got, expected, TOL, FLOOR), name).not.toThrow();
      rt.release(parent);
    }
    await expectNoGpuErrors(rt);
  });
});

describe('sumColumnBlocks', () => {
  it.each([
    [1, 1, 2, 1, 1],
    [37, 13, 4, 1, 3],
    [37, 5, 3, 0, 3],
    [1, 6, 2, 1, 1],
    [3000, 32, 2, 1, 1],
  ])(
    'rows %i, width %i, %i groups, blocks from %i, %i of them',
    async (rows, width, groups, first, count) => {
      const cols = groups * width;
      const x = randomArray(rows * cols, rows + width);
      for (const layout of LAYOUTS) {
        const px = place(rt, x, rows, cols, layout);
        const po = place(rt, new Float32Array(rows * width), rows, width, layout);
        sumColumnBlocks(rt, px.t, width, first, count, po.t);
        const expected = sumColumnBlocksRef(x, rows, cols, width, first, count);
        // count − 1 float32 additions in block order: ≤ (count − 1)·2⁻²⁴ of the partial sums.
        expectClose(await rt.read(po.t), expected, TOL * Math.max(1, count), FLOOR);
        await expectBystandersIntact(rt, po);
        rt.release(px.parent, po.parent);
      }
      await expectNoGpuErrors(rt);
    },
  );

  it('count 0 writes zeros; out may live in x’s buffer', async () => {
    const rows = 9;
    const width = 7;
    const x = randomArray(rows * 4 * width, 5);
    const parent = rt.upload(x, rows, 4 * width, 'activations');
    // Groups 1..2 summed into group 3's columns of the same buffer.
    sumColumnBlocks(
      rt,
      parent.colSlice(0, 3 * width),
      width,
      1,
      2,
      parent.colSlice(3 * width, 4 * width),
    );
    const got = await rt.read(parent.colSlice(3 * width, 4 * width));
    expectClose(got, sumColumnBlocksRef(x, rows, 4 * width, width, 1, 2), TOL, FLOOR);
    sumColumnBlocks(rt, parent, width, 2, 0, parent.colSlice(0, width));
    expect(Array.from(await rt.read(parent.colSlice(0, width))).every((v) => v === 0)).toBe(true);
    rt.release(parent);
    await expectNoGpuErrors(rt);
  });

  it('names the argument on a shape mismatch', async () => {
    const x = rt.tensor(4, 6, 'io');
    const out = rt.tensor(4, 2, 'io');
    expect(() => sumColumnBlocks(rt, x, 3, 1, 2, out)).toThrow(/need 9 columns, but x .* has 6/);
    expect(() => sumColumnBlocks(rt, x, 3, 1, 1, out)).toThrow(/out .* must be 4×3, found 4×2/);
    expect(() => add(rt, x, out, x)).toThrow(/add: b .* must be 4×6, found 4×2/);
    expect(() => biasAdd(rt, x, out)).toThrow(/biasAdd: bias .* must be 1×6, found 4×2/);
    const u = rt.tensor(4, 6, 'io', { dtype: 'u32' });
    expect(() => relu(rt, u, x)).toThrow(/x0 .* must be f32, found u32/);
    rt.release(x, out, u);
    await expectNoGpuErrors(rt);
  });
});

describe('reluBackward gradient', () => {
  it('matches central differences of the float64 relu, and the GPU matches the reference', async () => {
    const rows = 7;
    const cols = 9;
    // Inputs kept ≥ 0.05 away from the kink so the finite difference sees a smooth function.
    const x = randomArray(rows * cols, 31).map((v) => (v >= 0 ? v + 0.05 : v - 0.05));
    const w = randomArray(rows * cols, 32);
    const loss = (xs: Float64Array): number => dot64(reluRef(xs), w);
    const fd = centralDiff(loss, x, 1e-6);
    const ref = reluBackwardRef(x, w);
    // Finite differences of a piecewise-linear function in float64: error ~1e-9.
    expectClose(ref, fd, 1e-7, FLOOR);
    for (const layout of LAYOUTS) {
      const px = place(rt, x, rows, cols, layout);
      const pw = place(rt, w, rows, cols, layout);
      const pd = place(rt, new Float32Array(rows * cols), rows, cols, layout);
      reluBackward(rt, px.t, pw.t, pd.t);
      expectClose(await rt.read(pd.t), ref, TOL, FLOOR);
      rt.release(px.parent, pw.parent, pd.parent);
    }
    await expectNoGpuErrors(rt);
  });
});

describe('large launches', () => {
  it('folds past 65 535 workgroups per dimension and still covers every element', async () => {
    // 64 invocations × 4 columns per workgroup: more than 65 535·256 elements needs a 2-D grid.
    const n = 65_535 * 256 + 1001;
    const x = rt.tensor(1, n, 'workspace');
    fill(rt, x, 2);
    scale(rt, 1.5, x, x);
    const got = await rt.read(x);
    let wrong = 0;
    for (let i = 0; i < n; i++) if (got[i] !== 3) wrong++;
    expect(wrong).toBe(0);
    rt.release(x);
    await expectNoGpuErrors(rt);
  });
});
