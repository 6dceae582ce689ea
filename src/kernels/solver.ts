// The fixed-point solvers' kernels (shaders/solver.wgsl): per iteration one pass for every inner
// product (dots), one workgroup for the scalar decisions (finish), one pass for the step
// (update) — for limited-memory Broyden and for Anderson, with any history size up to MAX_HISTORY.
// The vectors live in three buffers: z (the iterate Φ reads), f (Φ's output), and `work` holding
// g_prev, Δx, the best iterate and its residual as four P-long blocks; the history is one
// 2w × P buffer, column-major: the w columns of U then the w of V, w = m rounded up to a multiple
// of 4 (the padding stays 0).
import code from '../../shaders/solver.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { uniforms } from '../gpu/uniforms';
import { grid1d } from './grid';
import { bindKernel, expectShape, type OperandDecl } from './operands';

export const MAX_HISTORY = 16;
/** Products the dots kernel sums per workgroup (shaders/solver.wgsl KMAX). */
export const DOT_TERMS = 7 + 3 * MAX_HISTORY;

/** Slots of the solver state vector (f32), mirrored by shaders/solver.wgsl. */
export const SOLVER_STATE = {
  /** ‖Φ(z) − z‖², ‖Φ(z)‖², ‖z‖² of the last iterate. */
  gg: 0,
  ff: 1,
  zz: 2,
  /** Broyden: 1/(vᵀΔg), or 0 when the update is skipped. */
  recip: 3,
  /** The factor of the step just taken: 0 once converged, the damping when damped, else 1. */
  step: 4,
  done: 5,
  /** The iteration at which the tolerance was met. */
  doneAt: 6,
  /** The smallest relative residual so far. */
  best: 7,
  /** 1 when the last iterate improved on the best. */
  keep: 8,
  /** 1 when the last residual jumped so far above the best that the solve restarted. */
  reset: 9,
  restarts: 10,
  /** 1 once the solve has fallen back to damped fixed-point iteration for good. */
  fallback: 11,
  /** ‖z‖² of the best iterate. */
  zzBest: 12,
  /** Broyden's UᵀΔx, VᵀΔg and step coefficients (Anderson's mixing weights in `c`). */
  a: 16,
  b: 16 + MAX_HISTORY,
  c: 16 + 2 * MAX_HISTORY,
  /** Anderson's Gram matrix ΔGᵀΔG, MAX_HISTORY × MAX_HISTORY. */
  gram: 16 + 3 * MAX_HISTORY,
  /** The relative residuals of the last `window` iterations (a ring). */
  log: 16 + 3 * MAX_HISTORY + MAX_HISTORY * MAX_HISTORY,
} as const;

/** What the residual log holds for an iterate whose norms were NaN or infinite. */
export const NOT_FINITE_RESIDUAL = -1;

export type SolverMethod = 'broyden' | 'anderson';

const WG = 64;

const family = {
  name: 'solver',
  code,
  manifest: [
    { name: 'f', dtype: 'f32' },
    { name: 'z', dtype: 'f32' },
    { name: 'work', dtype: 'f32' },
    { name: 'hist', dtype: 'f32' },
    { name: 'state', dtype: 'f32' },
    { name: 'part', dtype: 'f32' },
  ] satisfies OperandDecl[],
};

/** A fresh state: iterating, nothing converged, no best yet. */
export function initialSolverState(window: number): Float32Array {
  const s = new Float32Array(SOLVER_STATE.log + window);
  s[SOLVER_STATE.step] = 1;
  s[SOLVER_STATE.best] = 3.4e38;
  s[SOLVER_STATE.zzBest] = 3.4e38;
  return s;
}

/** Invocations of the dots pass for P elements, each folding every dotGroups-th one. */
export function dotGroups(elements: number): number {
  return Math.max(1, Math.min(65_536, Math.ceil(elements / 256)));
}

/** Columns of each history block: m rounded up to a multiple of 4 (the dots pass reads vec4s). */
export function historyWidth(m: number): number {
  return Math.ceil(m / 4) * 4;
}

export interface SolverBuffers {
  z: Tensor;
  f: Tensor;
  /** 4 × P: g_prev, Δx, best, g_best. */
  work: Tensor;
  /** 2·historyWidth(m) × P: U's columns then V's, zeroed when the solve starts. */
  hist: Tensor;
  state: Tensor;
  /** dotGroups(P) × DOT_TERMS partial sums, a row per dots invocation. */
  part: Tensor;
}

export interface SolverStep {
  method: SolverMethod;
  /** History pairs m (1..MAX_HISTORY). */
  history: number;
  /** 0 for the first step from z = 0; then 1, 2, … */
  iteration: number;
  /** Where this iteration's residual goes in the log window. */
  logSlot: number;
  tol: number;
  damping: number;
  fallbackAfter: number;
  ridge: number;
}

function check(b: SolverBuffers, o: SolverStep): number {
  const fn = 'solverStep';
  const P = b.z.numel;
  if (!(Number.isInteger(o.history) && o.history >= 1 && o.history <= MAX_HISTORY))
    throw new Error(
      `${fn}: history must be a whole number from 1 to ${MAX_HISTORY}, found ${o.history}.`,
    );
  for (const [name, t] of Object.entries(b)) {
    if (!t.isContiguous) throw new Error(`${fn}: ${name} (${t.owner}) must be contiguous.`);
  }
  expectShape(fn, 'f', b.f, b.z.rows, b.z.cols);
  if (b.work.numel !== 4 * P)
    throw new Error(`${fn}: work must hold 4 × ${P} values, found ${b.work.numel}.`);
  expectShape(fn, 'hist', b.hist, 2 * historyWidth(o.history), P);
  expectShape(fn, 'part', b.part, dotGroups(P), DOT_TERMS);
  if (b.state.numel < SOLVER_STATE.log + o.logSlot + 1)
    throw new Error(
      `${fn}: state has ${b.state.numel} slots, the log needs ${SOLVER_STATE.log + o.logSlot + 1}.`,
    );
  return P;
}

function params(b: SolverBuffers, o: SolverStep, P: number) {
  return uniforms()
    .u32(P)
    .u32(o.history)
    .u32(o.iteration === 0 ? 0 : (o.iteration - 1) % o.history)
    .u32(o.iteration)
    .u32(o.logSlot)
    .f32(o.tol)
    .u32(dotGroups(P))
    .u32(b.f.offset)
    .u32(b.z.offset)
    .u32(b.work.offset)
    .u32(b.hist.offset)
    .u32(b.state.offset)
    .u32(b.part.offset)
    .u32(o.method === 'anderson' ? 1 : 0)
    .f32(o.damping)
    .f32(o.fallbackAfter)
    .f32(o.ridge);
}

/**
 * One solver iteration after Φ has written f = Φ(z): the products, the decisions, the step.
 * Iteration 0 is the first step from z = 0 (z ← Φ(0)), with no products and no decisions.
 */
export function solverStep(rt: GpuRuntime, b: SolverBuffers, o: SolverStep): void {
  const P = check(b, o);
  const u = params(b, o, P);
  if (o.iteration > 0) {
    const d = bindKernel(
      rt,
      family,
      'dots',
      { f: b.f, z: b.z, work: b.work, hist: b.hist, part: b.part },
      ['part'],
    );
    rt.batcher.dispatch(d.kernel, u, d.buffers, grid1d(dotGroups(P), WG));
    const f = bindKernel(rt, family, 'finish', { part: b.part, state: b.state }, ['state']);
    rt.batcher.dispatch(f.kernel, u, f.buffers, [1]);
  }
  const given = { f: b.f, z: b.z, work: b.work, hist: b.hist, state: b.state };
  const s = bindKernel(rt, family, 'update', given, ['z', 'work', 'hist']);
  rt.batcher.dispatch(s.kernel, u, s.buffers, grid1d(P, WG));
}
