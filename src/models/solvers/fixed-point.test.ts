// The GPU fixed-point solvers (Broyden, Anderson) against their float64 twin step by step, on
// maps whose fixed point is known in closed form; their stopping bookkeeping, the restart and
// damped fallback, and their refusal to hide a blow-up.
import { describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../../gpu/runtime';
import type { Tensor } from '../../gpu/tensor';
import { add, fill, scale } from '../../kernels/elementwise';
import { matmul } from '../../kernels/gemm';
import { expectNoGpuErrors, randomArray, sharedRuntime } from '../../testing/gpu-fixture';
import { fixedPointRef } from '../../reference/solvers';
import {
  DEFAULT_DAMPING,
  DEFAULT_FALLBACK_AFTER,
  DEFAULT_HISTORY,
  solveFixedPoint,
  SolverDivergedError,
  type SolverMethod,
} from './fixed-point';

const N = 7;
const D = 6;

/** Φ(z) = z·W + B, W scaled to spectral norm about `scale` (above 1: plain iteration diverges). */
function affineMap(rt: GpuRuntime, scale: number, seed: number) {
  const w = randomArray(D * D, seed, -1, 1).map((v) => (v * scale) / Math.sqrt(D));
  const b = randomArray(N * D, seed + 1, -1, 1);
  const W = rt.upload(w, D, D, 'workspace', { label: 'test W' });
  const B = rt.upload(b, N, D, 'workspace', { label: 'test B' });
  const phi = (z: Tensor, out: Tensor) => {
    matmul(rt, z, W, out);
    add(rt, out, B, out);
  };
  // Each row solves z (I − W) = b: (I − W)ᵀ zᵀ = bᵀ, by Gaussian elimination in float64.
  const exact = new Float64Array(N * D);
  for (let r = 0; r < N; r++) {
    const A = Array.from({ length: D }, (_, i) =>
      Array.from({ length: D }, (_, j) => (i === j ? 1 : 0) - w[j * D + i]),
    );
    const y = Array.from({ length: D }, (_, i) => b[r * D + i]);
    for (let c = 0; c < D; c++) {
      let p = c;
      for (let i = c + 1; i < D; i++) if (Math.abs(A[i][c]) > Math.abs(A[p][c])) p = i;
      [A[c], A[p]] = [A[p], A[c]];
      [y[c], y[p]] = [y[p], y[c]];
      for (let i = c + 1; i < D; i++) {
        const f = A[i][c] / A[c][c];
        for (let j = c; j < D; j++) A[i][j] -= f * A[c][j];
        y[i] -= f * y[c];
      }
    }
    for (let i = D - 1; i >= 0; i--) {
      let s = y[i];
      for (let j = i + 1; j < D; j++) s -= A[i][j] * exact[r * D + j];
      exact[r * D + i] = s / A[i][i];
    }
  }
  const phi64 = (z: Float64Array) => {
    const out = new Float64Array(N * D);
    for (let r = 0; r < N; r++)
      for (let c = 0; c < D; c++) {
        let t = b[r * D + c];
        for (let k = 0; k < D; k++) t += z[r * D + k] * w[k * D + c];
        out[r * D + c] = t;
      }
    return out;
  };
  return { phi, phi64, exact, release: () => rt.release(W, B) };
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

const METHODS: SolverMethod[] = ['broyden', 'anderson'];

/** Solves, reads the solution back and frees it. */
async function solved(
  rt: GpuRuntime,
  phi: (z: Tensor, out: Tensor) => void,
  opts: Parameters<typeof solveFixedPoint>[4],
) {
  const out = await solveFixedPoint(rt, N, D, phi, opts);
  const z = (await rt.read(out.solution)) as Float32Array;
  rt.release(out.solution);
  return { out, z };
}

describe('fixed-point solvers (GPU)', () => {
  for (const method of METHODS) {
    for (const scale of [0.5, 1.8]) {
      it(`${method}, affine map, spectral scale ${scale}: follows the float64 twin step by step and reaches the exact fixed point`, async () => {
        const rt = await sharedRuntime();
        const map = affineMap(rt, scale, 11);
        const { out, z } = await solved(rt, map.phi, {
          name: 'test',
          method,
          maxIterations: 100,
          tolerance: 1e-5,
        });
        map.release();
        const ref = fixedPointRef(map.phi64, N * D, {
          method,
          history: DEFAULT_HISTORY,
          maxIterations: 100,
          tolerance: 1e-5,
          damping: DEFAULT_DAMPING,
          fallbackAfter: DEFAULT_FALLBACK_AFTER,
          ridge: 1e-6,
        });
        // While the residual is far above f32's floor the two agree closely; near the floor the
        // f32 iterates part ways with the float64 ones (both still converge).
        for (let i = 0; i < ref.trace.length && ref.trace[i] > 1e-3; i++)
          expect(
            Math.abs(out.trace[i] - ref.trace[i]) / ref.trace[i],
            `iteration ${i + 1}`,
          ).toBeLessThan(1e-3);
        expect(ref.converged).toBe(true);
        expect(out.converged).toBe(true);
        expect(out.residual).toBeLessThan(1e-5);
        expect(out.trace.length).toBe(out.iterations);
        expect(out.trace.at(-1)).toBe(out.residual);
        expect(relDiff(z, map.exact)).toBeLessThan(1e-4);
        expect(relDiff(ref.z, map.exact)).toBeLessThan(1e-4);
        rt.allocator.assertNoLeaks();
        await expectNoGpuErrors(rt);
      });
    }
  }

  it('stops at the iteration that met the tolerance whatever the check interval', async () => {
    const rt = await sharedRuntime();
    const map = affineMap(rt, 0.9, 3);
    const runs = [];
    for (const checkEvery of [1, 3, 7]) {
      const out = await solveFixedPoint(rt, N, D, map.phi, {
        name: 'test',
        maxIterations: 100,
        tolerance: 1e-4,
        checkEvery,
      });
      runs.push({ ...out, z: (await rt.read(out.solution)) as Float32Array });
      rt.release(out.solution);
    }
    map.release();
    for (const r of runs.slice(1)) {
      expect(r.iterations).toBe(runs[0].iterations);
      expect(r.residual).toBe(runs[0].residual);
      expect([...r.z]).toEqual([...runs[0].z]);
    }
    rt.allocator.assertNoLeaks();
  });

  it('reports a cap reached before the tolerance as unconverged, with its best residual', async () => {
    const rt = await sharedRuntime();
    const map = affineMap(rt, 1.8, 5);
    const out = await solveFixedPoint(rt, N, D, map.phi, {
      name: 'test',
      maxIterations: 3,
      tolerance: 1e-6,
    });
    rt.release(out.solution);
    map.release();
    expect(out.converged).toBe(false);
    expect(out.iterations).toBe(3);
    expect(out.trace).toHaveLength(3);
    expect(out.residual).toBe(Math.min(...out.trace));
    rt.allocator.assertNoLeaks();
  });

  it('throws a plain explanation when the residual becomes NaN, and frees its buffers', async () => {
    const rt = await sharedRuntime();
    const solve = solveFixedPoint(rt, N, D, (_z, out) => fill(rt, out, NaN), {
      name: 'forward',
      maxIterations: 20,
      tolerance: 1e-4,
    });
    await expect(solve).rejects.toThrow(SolverDivergedError);
    await expect(
      solveFixedPoint(rt, N, D, (_z, out) => fill(rt, out, NaN), {
        name: 'forward',
        maxIterations: 20,
        tolerance: 1e-4,
      }),
    ).rejects.toThrow(/forward fixed-point solve diverged at iteration 1.*became NaN or infinite/);
    await expect(
      solveFixedPoint(rt, N, D, (_z, out) => fill(rt, out, Infinity), {
        name: 'backward',
        maxIterations: 20,
        tolerance: 1e-4,
      }),
    ).rejects.toThrow(/backward fixed-point solve diverged at iteration 1.*became NaN or infinite/);
    rt.allocator.assertNoLeaks();
    await expectNoGpuErrors(rt);
  });

  /** The affine map, except that the given calls return −10·z: a residual of 11·‖z‖ / ‖z‖. */
  function misbehaving(rt: GpuRuntime, bad: number[]) {
    const map = affineMap(rt, 0.9, 3);
    let calls = 0;
    const phi = (z: Tensor, out: Tensor) => {
      if (bad.includes(++calls)) scale(rt, -10, z, out);
      else map.phi(z, out);
    };
    return { ...map, phi };
  }

  it('restarts from the best iterate after a residual jump, and still converges', async () => {
    const rt = await sharedRuntime();
    const map = misbehaving(rt, [7]);
    const { out, z } = await solved(rt, map.phi, {
      name: 'test',
      maxIterations: 100,
      tolerance: 1e-5,
    });
    map.release();
    expect(out.trace[5]).toBeCloseTo(11, 4);
    expect(out.restarts).toBe(1);
    expect(out.converged).toBe(true);
    expect(relDiff(z, map.exact)).toBeLessThan(1e-4);
    rt.allocator.assertNoLeaks();
  });

  for (const method of METHODS) {
    it(`${method}: after repeated restarts it stays on damped fixed-point iteration, and converges`, async () => {
      const rt = await sharedRuntime();
      const map = misbehaving(rt, [7, 10, 13]);
      const { out, z } = await solved(rt, map.phi, {
        name: 'backward',
        method,
        maxIterations: 400,
        tolerance: 1e-4,
      });
      map.release();
      // Calls 7 and 10 are iterations 6 and 9 (call 1 is the first step from z = 0); the fallback
      // starts after the second restart, so call 13 only dents a damped iterate.
      expect(out.restarts).toBeGreaterThanOrEqual(DEFAULT_FALLBACK_AFTER);
      expect(out.fallback).toBe(true);
      expect(out.converged).toBe(true);
      expect(relDiff(z, map.exact)).toBeLessThan(1e-3);
      rt.allocator.assertNoLeaks();
    });
  }

  it('an iterate that runs away (Φ(z) = 2z + b under damped iteration) goes back to the best one instead of overflowing', async () => {
    const rt = await sharedRuntime();
    const b = rt.upload(randomArray(N * D, 4, -1, 1), N, D, 'workspace', { label: 'test b' });
    const phi = (z: Tensor, out: Tensor) => {
      scale(rt, 2, z, out);
      add(rt, out, b, out);
    };
    const { out, z } = await solved(rt, phi, {
      name: 'backward',
      maxIterations: 120,
      tolerance: 1e-6,
      fallbackAfter: 0,
    });
    rt.release(b);
    expect(out.converged).toBe(false);
    expect(out.restarts).toBeGreaterThan(0);
    expect(out.trace.every(Number.isFinite)).toBe(true);
    expect(z.every(Number.isFinite)).toBe(true);
    rt.allocator.assertNoLeaks();
  });
});
