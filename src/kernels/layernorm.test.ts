// LayerNorm forward and backward against the float64 reference, once per variant (an invocation
// per row, a subgroup per row). Tolerances (expectClose, |gpu −
// ref| ≤ tol·max(|ref|, floor)): 5e-6 with floor 1 for the forward and dx (float32 row sums over
// ≤ 64 columns and a 1/sqrt; observed ≤ 5e-7), 5e-6 with floor √rows for dgamma and dbeta (sums
// of `rows` O(1) terms, whose float32 error grows like √rows). Rows with a mean of 100 are held to
// 1e-4: float32 x itself carries ~8e-6 absolute error there (observed 2e-5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import { expectClose, expectNoGpuErrors, randomArray, sharedRuntime } from '../testing/gpu-fixture';
import { centralDiff, dot64, expectBystandersIntact, LAYOUTS, place } from '../testing/views';
import { layerNorm, layerNormBackward } from './layernorm';
import { forEachVariant } from '../testing/variants';
import { layerNormBackwardRef, layerNormRef } from '../reference/layernorm';

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

function inputs(rows: number, cols: number, shift = 0) {
  const n = rows * cols;
  return {
    x: randomArray(n, 100 + n, -2 + shift, 2 + shift),
    gamma: randomArray(cols, 200 + cols, 0.5, 1.5),
    beta: randomArray(cols, 300 + cols, -0.5, 0.5),
    dy: randomArray(n, 400 + n),
    // Prior contents of dx, dgamma, dbeta: accumulation must add onto them.
    dx0: randomArray(n, 500 + n),
    dg0: randomArray(cols, 600 + cols),
    db0: randomArray(cols, 700 + cols),
  };
}

forEachVariant('norm', () => {
  describe.each(SHAPES)('layerNorm %i×%i', (rows, cols) => {
    const v = inputs(rows, cols);
    const gradFloor = Math.sqrt(rows);

    it.each(LAYOUTS)(
      'forward on %s views, gamma/beta slices of a wider parameter',
      async (layout) => {
        const px = place(rt, v.x, rows, cols, layout);
        const pg = place(rt, v.gamma, 1, cols, 'strided', 'params');
        const pb = place(rt, v.beta, 1, cols, 'strided', 'params');
        const po = place(rt, new Float32Array(rows * cols), rows, cols, layout);
        layerNorm(rt, px.t, pg.t, pb.t, po.t);
        expectClose(await rt.read(po.t), layerNormRef(v.x, rows, cols, v.gamma, v.beta), 5e-6, 1);
        await expectBystandersIntact(rt, po);
        rt.release(px.parent, pg.parent, pb.parent, po.parent);
        await expectNoGpuErrors(rt);
      },
    );

    it.each(LAYOUTS)('backward on %s views, accumulate off and on', async (layout) => {
      const ref = layerNormBackwardRef(v.x, rows, cols, v.gamma, v.dy);
      for (const accumulate of [false, true]) {
        const px = place(rt, v.x, rows, cols, layout);
        const pg = place(rt, v.gamma, 1, cols, 'strided', 'params');
        const pdy = place(rt, v.dy, rows, cols, layout);
        const pdx = place(rt, v.dx0, rows, cols, layout);
        const pdg = place(rt, v.dg0, 1, cols, 'strided', 'grads');
        const pdb = place(rt, v.db0, 1, cols, 'strided', 'grads');
        layerNormBackward(rt, px.t, pg.t, pdy.t, pdx.t, pdg.t, pdb.t, { accumulate });
        const dx = accumulate ? ref.dx.map((d, i) => d + v.dx0[i]) : ref.dx;
        expectClose(await rt.read(pdx.t), dx, 5e-6, 1);
        expectClose(
          await rt.read(pdg.t),
          ref.dgamma.map((d, i) => d + v.dg0[i]),
          5e-6,
          gradFloor,
        );
        expectClose(
          await rt.read(pdb.t),
          ref.dbeta.map((d, i) => d + v.db0[i]),
          5e-6,
          gradFloor,
        );
        for (const p of [pdx, pdg, pdb]) await expectBystandersIntact(rt, p);
        rt.release(px.parent, pg.parent, pdy.parent, pdx.parent, pdg.parent, pdb.parent);
      }
      await expectNoGpuErrors(rt);
    });
  });

  describe('layerNorm aliasing and conditioning', () => {
    const rows = 37;
    const cols = 13;
    const v = inputs(rows, cols);

    it('runs in place (out = x)', async () => {
      const x = rt.upload(v.x, rows, cols, 'activations');
      const g = rt.upload(v.gamma, 1, cols, 'params');
      const b = rt.upload(v.beta, 1, cols, 'params');
      layerNorm(rt, x, g, b, x);
      expectClose(await rt.read(x), layerNormRef(v.x, rows, cols, v.gamma, v.beta), 5e-6, 1);
      rt.release(x, g, b);
      await expectNoGpuErrors(rt);
    });

    it('dx may be dy or x itself; dgamma and dbeta may share one grads buffer with gamma', async () => {
      const ref = layerNormBackwardRef(v.x, rows, cols, v.gamma, v.dy);
      const x = rt.upload(v.x, rows, cols, 'activations');
      const dy = rt.upload(v.dy, rows, cols, 'workspace');
      // One arena: [gamma | dgamma | dbeta], as a packed parameter store might lay them out.
      const arena = rt.upload(
        Float32Array.from([...v.gamma, ...v.dg0, ...v.db0]),
        1,
        3 * cols,
        'params',
      );
      const gamma = arena.colSlice(0, cols);
      const dg = arena.colSlice(cols, 2 * cols);
      const db = arena.colSlice(2 * cols, 3 * cols);
      layerNormBackward(rt, x, gamma, dy, dy, dg, db);
      expectClose(await rt.read(dy), ref.dx, 5e-6, 1);
      expectClose(
        await rt.read(dg),
        ref.dgamma.map((d, i) => d + v.dg0[i]),
        5e-6,
        Math.sqrt(rows),
      );
      expectClose(
        await rt.read(db),
        ref.dbeta.map((d, i) => d + v.db0[i]),
        5e-6,
        Math.sqrt(rows),
      );
      expect(Array.from(await rt.read(gamma))).toEqual(Array.from(v.gamma));
      // dx written over x itself (x is read before it is overwritten, element by element).
      const x2 = rt.upload(v.x, rows, cols, 'activations');
      const dy2 = rt.upload(v.dy, rows, cols, 'workspace');
      const dg2 = rt.tensor(1, cols, 'grads', { zero: true });
      const db2 = rt.tensor(1, cols, 'grads', { zero: true });
      layerNormBackward(rt, x2, gamma, dy2, x2, dg2, db2);
      expectClose(await rt.read(x2), ref.dx, 5e-6, 1);
      expectClose(await rt.read(dg2), ref.dgamma, 5e-6, Math.sqrt(rows));
      rt.release(x, dy, arena, x2, dy2, dg2, db2);
      await expectNoGpuErrors(rt);
    });

    it('keeps its accuracy for rows far from zero (mean 100)', async () => {
      const w = inputs(16, 40, 100);
      const x = rt.upload(w.x, 16, 40, 'activations');
      const g = rt.upload(w.gamma, 1, 40, 'params');
      const b = rt.upload(w.beta, 1, 40, 'params');
      const y = rt.tensor(16, 40, 'activations');
      layerNorm(rt, x, g, b, y);
      expectClose(await rt.read(y), layerNormRef(w.x, 16, 40, w.gamma, w.beta), 1e-4, 1);
      const dx = rt.tensor(16, 40, 'workspace');
      const dg = rt.tensor(1, 40, 'grads', { zero: true });
      const db = rt.tensor(1, 40, 'grads', { zero: true });
      const dy = rt.upload(w.dy, 16, 40, 'workspace');
      layerNormBackward(rt, x, g, dy, dx, dg, db);
      const ref = layerNormBackwardRef(w.x, 16, 40, w.gamma, w.dy);
      expectClose(await rt.read(dx), ref.dx, 1e-4, 1);
      expectClose(await rt.read(dg), ref.dgamma, 1e-4, 4);
      rt.release(x, g, b, y, dx, dg, db, dy);
      await expectNoGpuErrors(rt);
    });

    it('names the argument on a shape mismatch or a bad eps', async () => {
      const x = rt.tensor(4, 6, 'io');
      const g = rt.tensor(1, 5, 'io');
      const b = rt.tensor(1, 6, 'io');
      expect(() => layerNorm(rt, x, g, b, x)).toThrow(/layerNorm: gamma .* must be 1×6, found 1×5/);
      expect(() => layerNorm(rt, x, b, b, x, { eps: 0 })).toThrow(/eps must be a positive/);
      expect(() => layerNormBackward(rt, x, b, x, x, b, g)).toThrow(
        /layerNormBackward: dbeta .* must be 1×6, found 1×5/,
      );
      rt.release(x, g, b);
      await expectNoGpuErrors(rt);
    });
  });
});

describe('layerNorm gradient', () => {
  it('the float64 backward matches central differences, and the GPU matches it', async () => {
    const rows = 5;
    const cols = 7;
    const v = inputs(rows, cols);
    const x64 = Float64Array.from(v.x);
    const g64 = Float64Array.from(v.gamma);
    const b64 = Float64Array.from(v.beta);
    const loss = (x: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>) =>
      dot64(layerNormRef(x, rows, cols, g, b), v.dy);
    const ref = layerNormBackwardRef(v.x, rows, cols, v.gamma, v.dy);
    // Central differences with h = 1e-6 on a smooth float64 function: error ≲ 1e-8.
    expectClose(
      ref.dx,
      centralDiff((x) => loss(x, g64, b64), x64),
      1e-6,
      1e-3,
    );
    expectClose(
      ref.dgamma,
      centralDiff((g) => loss(x64, g, b64), g64),
      1e-6,
      1e-3,
    );
    expectClose(
      ref.dbeta,
      centralDiff((b) => loss(x64, g64, b), b64),
      1e-6,
      1e-3,
    );

    const x = rt.upload(v.x, rows, cols, 'activations');
    const g = rt.upload(v.gamma, 1, cols, 'params');
    const dy = rt.upload(v.dy, rows, cols, 'workspace');
    const dx = rt.tensor(rows, cols, 'workspace');
    const dg = rt.tensor(1, cols, 'grads', { zero: true });
    const db = rt.tensor(1, cols, 'grads', { zero: true });
    layerNormBackward(rt, x, g, dy, dx, dg, db);
    expectClose(await rt.read(dx), ref.dx, 5e-6, 1);
    expectClose(await rt.read(dg), ref.dgamma, 5e-6, Math.sqrt(rows));
    expectClose(await rt.read(db), ref.dbeta, 5e-6, Math.sqrt(rows));
    rt.release(x, g, dy, dx, dg, db);
    await expectNoGpuErrors(rt);
  });
});
