// GEMM products against the float64 reference, once per variant of their family (register-tiled
// and workgroup-tiled; see ./variants.ts), on awkward shapes (1×1, sizes that are no multiple of
// any tile, reductions longer than one tile step), strided views, and accumulate and bias on and
// off. Tolerances are explained in src/testing/gemm-placed.ts. Column sums, empty shapes and
// argument checks: gemm-edges.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import { chooseSplits, columnSum, matmul, matmulNaive, matmulTransA, matmulTransB } from './gemm';
import {
  refLinearBackward,
  refMatmul,
  refMatmulTransA,
  refMatmulTransB,
  refMatrix,
} from '../reference/gemm';
import { expectClose, expectNoGpuErrors, sharedRuntime } from '../testing/gpu-fixture';
import {
  clone,
  expectPlaced,
  expectProduct,
  FLOOR,
  LAYOUTS,
  place,
  SHAPES,
  TOL,
  TOL_LONG,
} from '../testing/gemm-placed';
import { forEachVariant } from '../testing/variants';

forEachVariant(
  'gemm',
  (variant) => {
    let rt: GpuRuntime;
    beforeAll(async () => {
      rt = await sharedRuntime();
    });

    it('dispatches its own pipeline', async () => {
      const x = place(rt, 5, 3);
      const w = place(rt, 3, 2);
      const out = place(rt, 5, 2);
      matmul(rt, x.view, w.view, out.view);
      expect(rt.pipelines.labels()).toContain(
        variant === 'tiled' ? 'gemm.tiled.gemm_wg' : 'gemm.gemm_tile',
      );
      rt.release(x.parent, w.parent, out.parent);
    });

    describe('matmul (out (+)= x·w + bias)', () => {
      for (const [n, k, m] of SHAPES) {
        it(`${n}×${k} · ${k}×${m}, all layouts, accumulate and bias on/off`, async () => {
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
        it(`dy ${n}×${m}, w ${k}×${m}, all layouts, accumulate on/off`, () =>
          expectProduct(
            rt,
            [
              [n, m],
              [k, m],
              [n, k],
            ],
            (dy, w, dx, accumulate) => matmulTransB(rt, dy, w, dx, { accumulate }),
            (dy, w, dx, accumulate) => refMatmulTransB(dy, w, dx, { accumulate }),
            TOL,
          ));
      }
    });

    describe('matmulTransA (dw (+)= xᵀ·dy, split-K)', () => {
      // N = 300 and 257 take several splits; 64 and below take one.
      const TRANS_A: [number, number, number][] = [...SHAPES, [300, 13, 11], [257, 8, 12]];
      for (const [n, k, m] of TRANS_A) {
        it(`x ${n}×${k}, dy ${n}×${m}, all layouts, accumulate on/off`, async () => {
          await expectProduct(
            rt,
            [
              [n, k],
              [n, m],
              [k, m],
            ],
            (x, dy, dw, accumulate) => matmulTransA(rt, x, dy, dw, { accumulate }),
            (x, dy, dw, accumulate) => refMatmulTransA(x, dy, dw, { accumulate }),
            n > 100 ? TOL_LONG : TOL,
          );
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

    describe('larger case and gradients', () => {
      it('3000×64 · 64×64 forward and all three backward products', async () => {
        const [n, d] = [3000, 64];
        const x = place(rt, n, d);
        const w = place(rt, d, d);
        const bias = place(rt, 1, d);
        const out = place(rt, n, d);
        matmul(rt, x.view, w.view, out.view, { bias: bias.view });
        await expectPlaced(
          rt,
          out,
          refMatmul(x.ref, w.ref, refMatrix(n, d), { bias: bias.ref }),
          TOL,
        );
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

      it('GPU backward equals the reference backward on strided views', async () => {
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
  },
  ['gemm-dw'],
);
