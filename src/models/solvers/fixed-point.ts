// Fixed-point solves z = Φ(z) over an N×D tensor, entirely on the GPU: limited-memory Broyden
// ("good" Broyden on the inverse Jacobian, the DEQ papers' solver; the default) or Anderson
// acceleration (type II), each with a damped fixed-point fallback.
//
// An iteration is Φ plus three solver kernels (src/kernels/solver.ts): one pass that takes every
// inner product at once — the residual's norms and the products with the whole history — one
// workgroup that makes the scalar decisions, and one pass that writes the new history pair and
// takes the step. Nothing is read back inside an iteration.
//
// Robustness. No line search (as in the DEQ solvers): the best iterate is kept, and a residual
// that jumps above 10× the best — a bad secant model after crossing a ReLU kink, or f32 noise near
// the floor — or an iterate whose norm has grown 1000× past the best one's (a map that expands
// along some direction, where the relative residual stays flat while the iterate runs away)
// restarts from the best iterate with the history dropped and a damped step
// z ← z + damping·(Φ(z) − z). After `fallbackAfter` restarts the solve stays on that damped
// fixed-point iteration (Krasnosel'skii–Mann), which converges where plain iteration cycles
// (eigenvalues of ∂Φ/∂z left of 1). A solve that still does not reach the tolerance returns its
// best iterate, reported unconverged; only NaN or ∞ throws SolverDivergedError.
//
// Stopping test: the GPU latches "converged" itself (once rel < tol every later step is 0), so the
// CPU only has to notice. It reads the state — the residuals of the last `checkEvery` iterations —
// once per window: one round trip per window, and the iterations queued past convergence cost time
// but cannot move the answer or the reported iteration count.
//
// Residual: rel = ‖Φ(z) − z‖ / min(‖Φ(z)‖, ‖z‖), which bounds both the DEQ papers' /‖Φ(z)‖ and
// the plain /‖z‖ — a solve reported below the tolerance is below it either way.
//
// Memory: the history (2·m vectors), z, Φ(z) and four working vectors (the last residual and
// step, the best iterate and its residual), all of size P — fixed by P and m, never by the
// iteration cap; released when the solve returns (tag 'workspace'). Only the solution outlives
// it, under the caller's tag.
import type { MemoryTag } from '../../gpu/memory-tags';
import type { GpuRuntime } from '../../gpu/runtime';
import type { Tensor } from '../../gpu/tensor';
import {
  DOT_TERMS,
  dotGroups,
  historyWidth,
  initialSolverState,
  MAX_HISTORY,
  NOT_FINITE_RESIDUAL,
  SOLVER_STATE as S,
  solverStep,
  type SolverMethod,
} from '../../kernels/solver';

export type { SolverMethod };

/** out ← Φ(z), both N×D. Must not keep anything it allocates. */
export type FixedPointMap = (z: Tensor, out: Tensor) => void;

export interface SolveOptions {
  /** What the solve is called in messages and memory phases ("forward", "backward"). */
  name: string;
  maxIterations: number;
  /** On rel = ‖Φ(z) − z‖ / min(‖Φ(z)‖, ‖z‖). */
  tolerance: number;
  method?: SolverMethod;
  /** History pairs m kept by the limited-memory update (1..16). */
  history?: number;
  /** Iterations between reads of the residuals. */
  checkEvery?: number;
  /** Step factor of the damped fixed-point fallback (0 < damping ≤ 1). */
  damping?: number;
  /** Restarts after which the solve stays on damped fixed-point iteration (0: from the start). */
  fallbackAfter?: number;
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
  /** Whether the solve fell back to damped fixed-point iteration. */
  fallback: boolean;
}

export const DEFAULT_HISTORY = 6;
export const CHECK_EVERY = 4;
export const DEFAULT_DAMPING = 0.5;
export const DEFAULT_FALLBACK_AFTER = 2;
/** Anderson's Tikhonov term relative to its Gram matrix's largest diagonal (f32 conditioning). */
const ANDERSON_RIDGE = 1e-6;

export class SolverDivergedError extends Error {
  constructor(
    readonly solve: string,
    readonly iteration: number,
  ) {
    super(
      `The DEQ ${solve} fixed-point solve diverged at iteration ${iteration}: the relative ` +
        'residual ‖F(Z) − Z‖ / ‖Z‖ became NaN or infinite — the values overflowed. The ' +
        'equilibrium block has no stable fixed point at these weights: lower the learning rate, ' +
        'keep gradient clipping on, raise the Jacobian penalty, or start with the unrolled warm-up.',
    );
    this.name = 'SolverDivergedError';
  }
}

function checkOptions(o: SolveOptions): void {
  const fail = (what: string) => {
    throw new Error(`${o.name} solve: ${what}`);
  };
  if (!(Number.isInteger(o.maxIterations) && o.maxIterations >= 1))
    fail(`the iteration cap must be a whole number ≥ 1, got ${o.maxIterations}.`);
  const m = o.history ?? DEFAULT_HISTORY;
  if (!(Number.isInteger(m) && m >= 1 && m <= MAX_HISTORY))
    fail(`the history must be a whole number from 1 to ${MAX_HISTORY}, got ${m}.`);
  const d = o.damping ?? DEFAULT_DAMPING;
  if (!(d > 0 && d <= 1)) fail(`the damping must be in (0, 1], got ${d}.`);
}

/** Solves z = Φ(z) from z = 0; see the file comment. */
export async function solveFixedPoint(
  rt: GpuRuntime,
  rows: number,
  cols: number,
  phi: FixedPointMap,
  opts: SolveOptions,
): Promise<SolveOutcome> {
  checkOptions(opts);
  const m = opts.history ?? DEFAULT_HISTORY;
  const every = opts.checkEvery ?? CHECK_EVERY;
  const cap = opts.maxIterations;
  const P = rows * cols;
  const ws = (label: string, r: number, c: number, zero = false) =>
    rt.tensor(r, c, 'workspace', { label: `${opts.name} solve ${label}`, zero });
  const buffers = {
    z: ws('z', rows, cols, true),
    f: ws('Φ(z)', rows, cols),
    work: ws('g, Δx, best, g at best', 4 * rows, cols, true),
    hist: ws('history U | V', 2 * historyWidth(m), P, true),
    part: ws('partial products', dotGroups(P), DOT_TERMS),
    state: rt.upload(initialSolverState(every), 1, S.log + every, 'workspace', {
      label: `${opts.name} solve state`,
    }),
  };
  const step = {
    method: opts.method ?? 'broyden',
    history: m,
    tol: opts.tolerance,
    damping: opts.damping ?? DEFAULT_DAMPING,
    fallbackAfter: opts.fallbackAfter ?? DEFAULT_FALLBACK_AFTER,
    ridge: ANDERSON_RIDGE,
  };
  const trace: number[] = [];
  let iterations = cap;
  let converged = false;
  let residual = NaN;
  let restarts = 0;
  let fallback = false;
  try {
    // z₀ = 0; the first step is the plain iteration z₁ = Φ(0).
    phi(buffers.z, buffers.f);
    solverStep(rt, buffers, { ...step, iteration: 0, logSlot: 0 });
    for (let n = 1; n <= cap; n++) {
      rt.allocator.setPhase(`${opts.name} solve ${n}`);
      phi(buffers.z, buffers.f);
      solverStep(rt, buffers, { ...step, iteration: n, logSlot: (n - 1) % every });
      if (n % every !== 0 && n !== cap) continue;
      const s = (await rt.read(buffers.state)) as Float32Array;
      const doneAt = s[S.done] ? s[S.doneAt] : Infinity;
      for (let it = n - ((n - 1) % every); it <= n && it <= doneAt; it++) {
        const rel = s[S.log + ((it - 1) % every)];
        if (rel === NOT_FINITE_RESIDUAL || Number.isNaN(rel))
          throw new SolverDivergedError(opts.name, it);
        trace.push(rel);
      }
      residual = s[S.best];
      restarts = s[S.restarts];
      fallback = s[S.fallback] !== 0;
      if (s[S.done]) {
        converged = true;
        iterations = doneAt;
        break;
      }
    }
    const solution = rt.tensor(rows, cols, opts.resultTag ?? 'workspace', {
      label: `${opts.name} solution`,
    });
    const w = buffers.work;
    rt.batcher.copy(w.buffer, (w.offset + 2 * P) * 4, solution.buffer, solution.offset * 4, P * 4);
    return { solution, iterations, residual, converged, trace, restarts, fallback };
  } finally {
    rt.release(...Object.values(buffers));
    rt.allocator.setPhase('');
  }
}
