// The fixed-point solvers' scalar bookkeeping on the GPU (shaders/solver.wgsl): the stopping test,
// the best iterate and Broyden's secant coefficient are computed where the reductions left their
// results, so the vector work of an iteration never waits for the CPU.
import code from '../../shaders/solver.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import { Tensor } from '../gpu/tensor';
import { uniforms } from '../gpu/uniforms';
import { grid1d } from './grid';
import { bindKernel, expectShape, type OperandDecl } from './operands';

/** Slots of the solver state vector (f32); LOG is the first of a window of residuals. */
export const SOLVER_STATE = {
  /** ‖Φ(z) − z‖², written by sumSquares. */
  gg: 0,
  /** ‖Φ(z)‖², written by sumSquares. */
  ff: 1,
  /** ‖z‖², written by sumSquares. */
  zz: 2,
  /** vᵀΔg, written by dot. */
  dot: 3,
  /** 1/(vᵀΔg), or 0 when the update is skipped. */
  recip: 4,
  /** 1 while iterating, 0 once converged (multiplies every step). */
  step: 5,
  done: 6,
  /** The iteration at which the tolerance was met. */
  doneAt: 7,
  /** The smallest relative residual so far. */
  best: 8,
  /** 1 when the last iterate improved on the best. */
  keep: 9,
  /** 1 when the last residual jumped so far above the best that the solve restarts from it. */
  reset: 10,
  /** Restarts so far. */
  restarts: 11,
  log: 12,
} as const;

/** What residualControl logs when the norms were NaN or infinite. */
export const NOT_FINITE_RESIDUAL = -1;

const WG = 64;

const family = {
  name: 'solver',
  code,
  manifest: [
    { name: 'state', dtype: 'f32' },
    { name: 'src', dtype: 'f32' },
    { name: 'dst', dtype: 'f32' },
  ] satisfies OperandDecl[],
};

/** Values of a fresh state: iterating, nothing converged, no best yet. */
export function initialSolverState(window: number): Float32Array {
  const s = new Float32Array(SOLVER_STATE.log + window);
  s[SOLVER_STATE.step] = 1;
  s[SOLVER_STATE.best] = 3.4e38;
  return s;
}

/** A 1×1 view of one slot: where a reduction writes, or a scalar a GEMM multiplies by. */
export function stateSlot(state: Tensor, slot: number): Tensor {
  return new Tensor(state.buffer, 1, 1, {
    offset: state.offset + slot,
    owner: `${state.owner}[${slot}]`,
    view: true,
  });
}

function checkState(fn: string, state: Tensor, minSlots: number): void {
  if (state.rows !== 1 || state.cols < minSlots) {
    throw new Error(`${fn}: state (${state.owner}) must be 1×≥${minSlots}, found ${state.shape}.`);
  }
}

function params(state: Tensor, o: { iteration?: number; logSlot?: number; tol?: number } = {}) {
  return uniforms()
    .u32(state.offset)
    .u32(o.iteration ?? 0)
    .u32(o.logSlot ?? 0)
    .f32(o.tol ?? 0);
}

/**
 * Logs rel = sqrt(gg)/sqrt(min(ff, zz)) in LOG + logSlot (NOT_FINITE_RESIDUAL for NaN/∞ norms), sets keep
 * on an improvement and reset on a jump above 10× the best, and latches done (step = 0) once
 * rel < tol, recording `iteration` as doneAt.
 */
export function residualControl(
  rt: GpuRuntime,
  state: Tensor,
  o: { iteration: number; logSlot: number; tol: number },
): void {
  checkState('residualControl', state, SOLVER_STATE.log + o.logSlot + 1);
  const { kernel, buffers } = bindKernel(rt, family, 'residual', { state }, ['state']);
  rt.batcher.dispatch(kernel, params(state, o), buffers, [1]);
}

/** recip = 1/dot, or 0 (the update is skipped) when done, resetting or |dot| ≤ 1e-30. */
export function secantControl(rt: GpuRuntime, state: Tensor): void {
  checkState('secantControl', state, SOLVER_STATE.log);
  const { kernel, buffers } = bindKernel(rt, family, 'secant', { state }, ['state']);
  rt.batcher.dispatch(kernel, params(state), buffers, [1]);
}

function flagged(
  rt: GpuRuntime,
  fn: string,
  entry: string,
  state: Tensor,
  flag: number,
  src: Tensor | null,
  dst: Tensor,
): void {
  checkState(fn, state, SOLVER_STATE.log);
  if (src) expectShape(fn, 'dst', dst, src.rows, src.cols);
  const { kernel, buffers } = bindKernel(rt, family, entry, { state, src, dst }, ['dst']);
  const u = params(state)
    .u32(dst.rows)
    .u32(dst.cols)
    .u32(src?.offset ?? 0)
    .u32(src?.rowStride ?? 0)
    .view2d(dst)
    .u32(flag);
  rt.batcher.dispatch(kernel, u, buffers, grid1d(dst.numel, WG));
}

/** dst ← src when state[flag] is set (views of equal shape). */
export function selectCopy(
  rt: GpuRuntime,
  state: Tensor,
  flag: number,
  src: Tensor,
  dst: Tensor,
): void {
  flagged(rt, 'selectCopy', 'select_copy', state, flag, src, dst);
}

/** dst ← 0 when state[flag] is set. */
export function zeroIf(rt: GpuRuntime, state: Tensor, flag: number, dst: Tensor): void {
  flagged(rt, 'zeroIf', 'zero_if', state, flag, null, dst);
}
