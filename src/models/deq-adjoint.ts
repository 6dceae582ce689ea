// DEQ-GNN's backward by implicit differentiation (DESIGN §1): solve the adjoint fixed point
// g = (∂F/∂Z*)ᵀ·g + dL/dZ* at the forward's Z*, one vector–Jacobian product of F per iteration,
// then one more product with g for the parameter gradients and dL/dX.
//
// The solve's products ask for input gradients only (ctx.paramGrads = false, so GCN, SAGE and
// Linear skip their weight gradients), and whatever parameter gradients an operator computes
// anyway land in a sink, never in the real gradients; GEN's edge-feature gradient is off for them.
//
// Jacobian regularisation (Bai, Koltun & Kolter, "Stabilizing Equilibrium Models by Jacobian
// Regularization", ICML 2021): the penalty γ·‖J_F(Z*)‖²_F / P keeps the fixed-point map
// contractive, so both solves keep converging as training moves the weights. ‖J‖²_F is estimated
// with one Rademacher probe ε and a finite difference, ‖J ε‖² ≈ ‖F(Z* + hε) − F(Z*)‖² / h², whose
// parameter gradient is a difference of two first-order products:
//   ∇θ R = VJPθ(Z* + hε; r) − VJPθ(Z*; r),  r = 2γ (F(Z* + hε) − F(Z*)) / (P h²)
// (Z* held fixed, as in the paper). The second product rides on the final one: its cotangent is
// g − r. Cost per step: one more forward of F and one more product.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { dropoutMask } from '../kernels/dropout';
import { axpy, fill, scale, sub } from '../kernels/elementwise';
import { sumSquares } from '../kernels/reduce';
import type { StepContext } from '../nn/context';
import type { ParamStore } from '../nn/params';
import type { DeqBlock, DeqSaved } from './deq-block';
import { solveFixedPoint, type SolveOptions, type SolveOutcome } from './solvers/fixed-point';

/** The finite-difference step h of the Jacobian probe (Z* is LayerNorm's output: entries ~1). */
export const JACOBIAN_STEP = 1e-2;

/** The probe ε of a step: ±1 from the dropout hash (mask at p = ½ is 0 or 2), apart from its mask. */
export function jacobianProbeSeed(stepSeed: number): number {
  return (stepSeed ^ 0x68e31da4) >>> 0;
}

export interface AdjointResult {
  /** dL/dX (and dR/dX when penalised), for the encoder. The caller releases it. */
  dx: Tensor;
  solve: SolveOutcome;
  /** ‖F(Z* + hε) − F(Z*)‖² on the GPU (1×1) when the Jacobian is penalised; the caller releases it. */
  probeSq: Tensor | null;
}

export async function adjointStep(
  ctx: StepContext,
  block: DeqBlock,
  store: ParamStore,
  io: { z: Tensor; x: Tensor; dz: Tensor },
  opts: { solve: Omit<SolveOptions, 'name'>; jacobianPenalty: number },
): Promise<AdjointResult> {
  const { rt } = ctx;
  const { z, x, dz } = io;
  const [N, D] = [z.rows, z.cols];
  rt.allocator.setPhase('backward: F at the fixed point');
  const fz = rt.tensor(N, D, 'workspace', { label: 'deq.F(Z*)' });
  const saved = block.forward(ctx, z, x, fz, true)!;
  let solve: SolveOutcome;
  const solveCtx: StepContext = { ...ctx, paramGrads: false, edgeEmbeddingGrad: null };
  const restore = sinkGrads(rt, block, store);
  try {
    solve = await solveFixedPoint(
      rt,
      N,
      D,
      (g, out) => {
        block.vjp(solveCtx, z, saved, g, out, null, false);
        axpy(rt, 1, dz, out);
      },
      { ...opts.solve, name: 'backward' },
    );
  } catch (e) {
    block.release(ctx, saved);
    rt.release(fz);
    throw e;
  } finally {
    restore();
  }
  const dx = rt.tensor(N, D, 'activations', { label: 'dL/dX' });
  const unused = rt.tensor(N, D, 'workspace', { label: 'deq.dZ (unused)' });
  let probeSq: Tensor | null = null;
  let probe: ReturnType<typeof jacobianProbe> | null = null;
  if (opts.jacobianPenalty > 0) {
    rt.allocator.setPhase('backward: Jacobian penalty');
    probe = jacobianProbe(ctx, block, z, x, fz, opts.jacobianPenalty);
    probeSq = probe.sq;
    sub(rt, solve.solution, probe.r, solve.solution);
  }
  rt.release(fz);
  rt.allocator.setPhase('backward: parameter gradients');
  block.vjp(ctx, z, saved, solve.solution, unused, { t: dx, accumulate: false }, true);
  rt.release(saved.a, saved.act, saved.c);
  if (probe) {
    block.vjp(ctx, probe.zh, probe.saved, probe.r, unused, { t: dx, accumulate: true }, true);
    rt.release(probe.saved.a, probe.saved.act, probe.saved.c, probe.zh, probe.r);
  }
  rt.release(unused);
  return { dx, solve, probeSq };
}

/**
 * Z* + hε, F there with its intermediates, r = 2γ (F(Z* + hε) − F(Z*)) / (P h²) and
 * ‖F(Z* + hε) − F(Z*)‖² (1×1).
 */
function jacobianProbe(
  ctx: StepContext,
  block: DeqBlock,
  z: Tensor,
  x: Tensor,
  fz: Tensor,
  gamma: number,
): { zh: Tensor; saved: DeqSaved; r: Tensor; sq: Tensor } {
  const { rt } = ctx;
  const [N, D] = [z.rows, z.cols];
  const h = JACOBIAN_STEP;
  const zh = rt.tensor(N, D, 'activations', { label: 'deq.Z* + hε' });
  const r = rt.tensor(N, D, 'activations', { label: 'deq.Jacobian cotangent' });
  // ε = mask − 1 with the scaled keep mask at p = ½ (0 or 2): zh = Z* + h·mask − h.
  dropoutMask(rt, r, { seed: jacobianProbeSeed(ctx.seed), p: 0.5 });
  fill(rt, zh, -h);
  axpy(rt, h, r, zh);
  axpy(rt, 1, z, zh);
  const saved = block.forward(ctx, zh, x, r, true)!;
  sub(rt, r, fz, r);
  const sq = rt.tensor(1, 1, 'io', { label: 'deq.‖F(Z*+hε) − F(Z*)‖²' });
  sumSquares(rt, r, sq);
  scale(rt, (2 * gamma) / (N * D * h * h), r, r);
  return { zh, saved, r, sq };
}

/** Points the block's parameter gradients at a scratch buffer; returns the undo. */
function sinkGrads(rt: GpuRuntime, block: DeqBlock, store: ParamStore): () => void {
  const flat = store.flat;
  const span = Math.max(...block.params.map((p) => p.offset + p.numel));
  const sink = rt.tensor(1, span, 'workspace', { label: 'deq adjoint gradient sink' });
  for (const p of block.params) p.bind({ ...flat, grad: sink });
  return () => {
    for (const p of block.params) p.bind(store.flat);
    rt.release(sink);
  };
}
