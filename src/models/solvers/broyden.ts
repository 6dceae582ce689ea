// Limited-memory Broyden ("good" Broyden on the inverse Jacobian, as in the DEQ papers' solver)
// for the root of g(z) = Φ(z) − z over an N×D tensor, entirely on the GPU.
//
// The inverse-Jacobian estimate is B = −I + U·Vᵀ, U and V being P×m (P = N·D) with one history
// pair per column, overwritten in a ring once m are in use: the dot products against the history
// are one split-K GEMM (UᵀΔx, a P-long reduction into m coefficients) and the combination one
// GEMM back (V·c). Scalars (norms, vᵀΔg, its reciprocal, the step) stay in a small GPU state
// vector; a GEMM by a 1×1 view of it scales a vector by a GPU-resident scalar.
//
// No line search (as in the DEQ solvers): instead the best iterate is kept, and a residual that
// jumps above 10× the best — a bad secant model after crossing a ReLU kink, or f32 noise near
// the floor — restarts from the best iterate with the history cleared. NaN or ∞ anywhere, or
// repeated jumps above rel = 1, throw SolverDivergedError.
//
// Stopping test: the GPU latches "converged" itself (solver.wgsl: once rel < tol every later step
// is multiplied by 0), so the CPU only has to notice. It reads the state — the residuals of the
// last CHECK_EVERY iterations — once every CHECK_EVERY iterations: one round trip per window
// instead of per iteration, and the up to CHECK_EVERY − 1 iterations queued past convergence
// cost time but cannot move the answer or the reported iteration count.
//
// Residual: rel = ‖Φ(z) − z‖ / min(‖Φ(z)‖, ‖z‖), which bounds both the DEQ papers' /‖Φ(z)‖ and
// the plain /‖z‖ — a solve reported below the tolerance is below it either way.
//
// Memory: 2·m history vectors, 7 working vectors and the best iterate (the result), all of size
// P, plus GEMM partials — fixed by P and m, never by the iteration cap. All of it is the solve's own scratch,
// released when the solve returns (tag 'workspace'); only the solution outlives it, under the
// caller's tag.
import type { MemoryTag } from '../../gpu/memory-tags';
import type { GpuRuntime } from '../../gpu/runtime';
import { Tensor } from '../../gpu/tensor';
import { copy } from '../../kernels/copy';
import { axpy, sub } from '../../kernels/elementwise';
import { matmul, matmulTransA } from '../../kernels/gemm';
import { dot, sumSquares } from '../../kernels/reduce';
import {
  initialSolverState,
  NOT_FINITE_RESIDUAL,
  residualControl,
  selectCopy,
  SOLVER_STATE as S,
  secantControl,
  stateSlot,
  zeroIf,
} from '../../kernels/solver';

/** out ← Φ(z), both N×D. Must not keep anything it allocates. */
export type FixedPointMap = (z: Tensor, out: Tensor) => void;

export interface SolveOptions {
  /** What the solve is called in messages and memory phases ("forward", "backward"). */
  name: string;
  maxIterations: number;
  /** On rel = ‖Φ(z) − z‖ / min(‖Φ(z)‖, ‖z‖). */
  tolerance: number;
  /** History pairs m kept by the limited-memory update. */
  history?: number;
  /** Iterations between reads of the residuals. */
  checkEvery?: number;
  /** Tag of the returned solution. */
  resultTag?: MemoryTag;
}

export interface SolveOutcome {
  /** The iterate with the smallest residual (the caller owns and releases it). */
  solution: Tensor;
  /** Iterations run, or the one that met the tolerance. */
  iterations: number;
  /** Relative residual of the solution. */
  residual: number;
  converged: boolean;
  /** The relative residual after each iteration (frozen values past convergence excluded). */
  trace: number[];
  /** Restarts from the best iterate after a residual jumped above 10× the best. */
  restarts: number;
}

export const DEFAULT_HISTORY = 6;
/** Mirrors RESTART_FACTOR in shaders/solver.wgsl. */
const RESTART_FACTOR = 10;
export const CHECK_EVERY = 4;
/**
 * A residual above 1 (the iterate is farther from Φ of it than Φ's own size: worse than the
 * start z = 0, where rel = 1) and above 10× the best restarts the solve from its best iterate.
 * The GPU restarts after any 10× jump (noise near the f32 floor causes those harmlessly); this
 * many restarts from residuals above 1 mean the residual keeps growing: the solve is diverging.
 */
export const MAX_RUNAWAYS = 3;

export class SolverDivergedError extends Error {
  constructor(
    readonly solve: string,
    readonly iteration: number,
    readonly residual: number,
    readonly best: number,
  ) {
    const what = Number.isFinite(residual)
      ? `kept growing: it jumped to ${residual.toExponential(2)}, above 1 and 10× its best ` +
        `(${best.toExponential(2)}), ${MAX_RUNAWAYS} times, though each time the solve restarted ` +
        'from its best iterate'
      : 'became NaN or infinite — the values overflowed';
    super(
      `The DEQ ${solve} fixed-point solve diverged at iteration ${iteration}: the relative ` +
        `residual ‖F(Z) − Z‖ / ‖Z‖ ${what}. The equilibrium block has no stable fixed point ` +
        'at these weights: lower the learning rate, keep gradient clipping on, or start with ' +
        'the unrolled warm-up.',
    );
    this.name = 'SolverDivergedError';
  }
}

/** The N×D tensor seen as one P×1 column (it must be contiguous). */
function column(t: Tensor): Tensor {
  return new Tensor(t.buffer, t.numel, 1, {
    offset: t.offset,
    rowStride: 1,
    owner: `${t.owner} as column`,
    view: true,
  });
}

/** Solves z = Φ(z) from z = 0 by limited-memory Broyden; see the file comment. */
export async function broydenSolve(
  rt: GpuRuntime,
  rows: number,
  cols: number,
  phi: FixedPointMap,
  opts: SolveOptions,
): Promise<SolveOutcome> {
  const m = opts.history ?? DEFAULT_HISTORY;
  const every = opts.checkEvery ?? CHECK_EVERY;
  const cap = opts.maxIterations;
  if (!(Number.isInteger(cap) && cap >= 1))
    throw new Error(`broydenSolve: the iteration cap must be a whole number ≥ 1, got ${cap}.`);
  const P = rows * cols;
  const ws = (label: string, r = rows, c = cols, zero = false) =>
    rt.tensor(r, c, 'workspace', { label: `${opts.name} solve ${label}`, zero });
  const best = rt.tensor(rows, cols, opts.resultTag ?? 'workspace', {
    label: `${opts.name} solution`,
    zero: true,
  });
  const z = ws('z', rows, cols, true);
  const gBest = ws('g at the best z');
  let g = ws('g');
  let gPrev = ws('g prev');
  const dx = ws('dx');
  const tmp = ws('update');
  const v = ws('v');
  const U = ws('U', P, m, true);
  const V = ws('V', P, m, true);
  const c = ws('coefficients', m, 1);
  const state = rt.upload(initialSolverState(every), 1, S.log + every, 'workspace', {
    label: `${opts.name} solve state`,
  });
  const scalar = (slot: number) => stateSlot(state, slot);
  const release = () => rt.release(z, gBest, g, gPrev, dx, tmp, v, U, V, c, state);

  const trace: number[] = [];
  let runaways = 0;
  let restarts = 0;
  let bestSeen = Infinity;
  let iterations = cap;
  let converged = false;
  let residual = NaN;
  try {
    // z₀ = 0: g₀ = Φ(0), and with B₀ = −I the first step is the plain iteration z₁ = Φ(0).
    phi(z, gPrev);
    copy(rt, gPrev, tmp);
    for (let n = 1; n <= cap; n++) {
      rt.allocator.setPhase(`${opts.name} solve ${n}`);
      const slot = (n - 1) % m;
      matmul(rt, column(tmp), scalar(S.step), column(dx));
      axpy(rt, 1, dx, z);
      phi(z, g);
      sumSquares(rt, g, scalar(S.ff));
      sumSquares(rt, z, scalar(S.zz));
      sub(rt, g, z, g);
      sumSquares(rt, g, scalar(S.gg));
      residualControl(rt, state, { iteration: n, logSlot: (n - 1) % every, tol: opts.tolerance });
      selectCopy(rt, state, S.keep, z, best);
      selectCopy(rt, state, S.keep, g, gBest);
      // A restart: back to the best iterate with B = −I, whose step is a plain iteration from it
      // (the secant pair of this iteration is dropped by secantControl).
      selectCopy(rt, state, S.reset, best, z);
      selectCopy(rt, state, S.reset, gBest, g);
      zeroIf(rt, state, S.reset, U);
      zeroIf(rt, state, S.reset, V);
      const dg = gPrev;
      sub(rt, g, gPrev, dg);
      // vᵀ = Δxᵀ·B = −Δxᵀ + (ΔxᵀU)·Vᵀ
      matmulTransA(rt, U, column(dx), c);
      matmul(rt, V, c, column(v));
      sub(rt, v, dx, v);
      // u = (Δx − B·Δg) / (vᵀΔg), B·Δg = −Δg + U·(VᵀΔg)
      matmulTransA(rt, V, column(dg), c);
      matmul(rt, U, c, column(tmp));
      sub(rt, tmp, dg, tmp);
      sub(rt, dx, tmp, tmp);
      dot(rt, v, dg, scalar(S.dot));
      secantControl(rt, state);
      matmul(rt, column(tmp), scalar(S.recip), U.colSlice(slot, slot + 1));
      copy(rt, column(v), V.colSlice(slot, slot + 1));
      // The next step: −B·g = g − U·(Vᵀg)
      matmulTransA(rt, V, column(g), c);
      matmul(rt, U, c, column(tmp));
      sub(rt, g, tmp, tmp);
      [g, gPrev] = [gPrev, g];

      if (n % every !== 0 && n !== cap) continue;
      const s = (await rt.read(state)) as Float32Array;
      const doneAt = s[S.done] ? s[S.doneAt] : Infinity;
      const first = n - ((n - 1) % every);
      for (let it = first; it <= n && it <= doneAt; it++) {
        let rel = s[S.log + ((it - 1) % every)];
        if (rel === NOT_FINITE_RESIDUAL) rel = NaN;
        trace.push(rel);
        if (Number.isNaN(rel)) throw new SolverDivergedError(opts.name, it, rel, bestSeen);
        if (rel > 1 && rel > RESTART_FACTOR * bestSeen && ++runaways >= MAX_RUNAWAYS)
          throw new SolverDivergedError(opts.name, it, rel, bestSeen);
        bestSeen = Math.min(bestSeen, rel);
      }
      residual = s[S.best];
      restarts = s[S.restarts];
      if (s[S.done]) {
        converged = true;
        iterations = doneAt;
        break;
      }
    }
  } catch (e) {
    rt.release(best);
    throw e;
  } finally {
    release();
    rt.allocator.setPhase('');
  }
  return { solution: best, iterations, residual, converged, trace, restarts };
}
