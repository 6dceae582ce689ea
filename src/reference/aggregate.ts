// Float64 reference of GEN aggregation (DeeperGCN): for an in-edge j → i stored at CSR entry k,
// the message is m = relu(x_j + e_k) + eps, per channel; row i aggregates its entries by max or
// by a softmax over beta·m. Straight loops, scatter-adds allowed: it is checked, not fast.
import type { Csr } from '../graph/types';

/** argmax value for a row with no in-edges. */
export const NO_ARGMAX = 0xffffffff;

export interface GenInputs {
  a: Csr;
  /** a.cols × d, row-major */
  x: ArrayLike<number>;
  /** nnz × d, row-major, aligned with a's entries; null means e = 0 */
  edge: ArrayLike<number> | null;
  d: number;
  eps: number;
}

export interface GenGrads {
  dx: Float64Array;
  /** null when there are no edge features */
  dEdge: Float64Array | null;
}

export function check(g: GenInputs, fn: string): void {
  const nnz = g.a.colIdx.length;
  if (g.x.length !== g.a.cols * g.d) {
    throw new Error(`${fn}: x has ${g.x.length} values, expected ${g.a.cols}×${g.d}.`);
  }
  if (g.edge && g.edge.length !== nnz * g.d) {
    throw new Error(`${fn}: edge has ${g.edge.length} values, expected ${nnz}×${g.d}.`);
  }
}

/** Pre-activation z = x_j + e_k of entry k, channel c. */
export function preact(g: GenInputs, k: number, c: number): number {
  const j = g.a.colIdx[k];
  return g.x[j * g.d + c] + (g.edge ? g.edge[k * g.d + c] : 0);
}

export function message(g: GenInputs, k: number, c: number): number {
  return Math.max(preact(g, k, c), 0) + g.eps;
}

export function genMaxForwardRef(g: GenInputs): { out: Float64Array; argmax: Uint32Array } {
  check(g, 'genMaxForwardRef');
  const { a, d } = g;
  const out = new Float64Array(a.rows * d);
  const argmax = new Uint32Array(a.rows * d).fill(NO_ARGMAX);
  for (let i = 0; i < a.rows; i++) {
    for (let c = 0; c < d; c++) {
      let best = -Infinity;
      for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
        const m = message(g, k, c);
        // Strictly greater: the first entry wins a tie.
        if (m > best) {
          best = m;
          argmax[i * d + c] = k;
        }
      }
      out[i * d + c] = best === -Infinity ? 0 : best;
    }
  }
  return { out, argmax };
}

/** Gradients of L = Σ out ⊙ dout through max aggregation, routed by `argmax`. */
export function genMaxBackwardRef(
  g: GenInputs,
  argmax: ArrayLike<number>,
  dout: ArrayLike<number>,
): GenGrads {
  check(g, 'genMaxBackwardRef');
  const { a, d } = g;
  const dx = new Float64Array(a.cols * d);
  const dEdge = g.edge ? new Float64Array(a.colIdx.length * d) : null;
  for (let i = 0; i < a.rows; i++) {
    for (let c = 0; c < d; c++) {
      const k = argmax[i * d + c];
      if (k === NO_ARGMAX || preact(g, k, c) <= 0) continue;
      const gk = dout[i * d + c];
      dx[a.colIdx[k] * d + c] += gk;
      if (dEdge) dEdge[k * d + c] = gk;
    }
  }
  return { dx, dEdge };
}

export function genSoftmaxForwardRef(
  g: GenInputs,
  beta: number,
): { out: Float64Array; lse: Float64Array } {
  check(g, 'genSoftmaxForwardRef');
  const { a, d } = g;
  const out = new Float64Array(a.rows * d);
  const lse = new Float64Array(a.rows * d);
  for (let i = 0; i < a.rows; i++) {
    const k0 = a.rowPtr[i];
    const k1 = a.rowPtr[i + 1];
    if (k0 === k1) continue;
    for (let c = 0; c < d; c++) {
      let mx = -Infinity;
      for (let k = k0; k < k1; k++) mx = Math.max(mx, beta * message(g, k, c));
      let s = 0;
      let w = 0;
      for (let k = k0; k < k1; k++) {
        const m = message(g, k, c);
        const e = Math.exp(beta * m - mx);
        s += e;
        w += e * m;
      }
      out[i * d + c] = w / s;
      lse[i * d + c] = mx + Math.log(s);
    }
  }
  return { out, lse };
}

/**
 * Gradients of L = Σ out ⊙ dout through softmax aggregation: with p_k = exp(beta·m_k − lse_i),
 * ∂out_i/∂m_k = p_k · (1 + beta·(m_k − out_i)); m_k's own derivative is relu'(x_j + e_k).
 */
export function genSoftmaxBackwardRef(
  g: GenInputs,
  beta: number,
  dout: ArrayLike<number>,
): GenGrads {
  check(g, 'genSoftmaxBackwardRef');
  const { a, d } = g;
  const { out, lse } = genSoftmaxForwardRef(g, beta);
  const dx = new Float64Array(a.cols * d);
  const dEdge = g.edge ? new Float64Array(a.colIdx.length * d) : null;
  for (let i = 0; i < a.rows; i++) {
    for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
      const j = a.colIdx[k];
      for (let c = 0; c < d; c++) {
        if (preact(g, k, c) <= 0) continue;
        const ic = i * d + c;
        const m = message(g, k, c);
        const p = Math.exp(beta * m - lse[ic]);
        const gk = dout[ic] * p * (1 + beta * (m - out[ic]));
        dx[j * d + c] += gk;
        if (dEdge) dEdge[k * d + c] = gk;
      }
    }
  }
  return { dx, dEdge };
}

/**
 * dL/dβ of L = Σ out ⊙ dout through softmax aggregation: ∂out_i/∂β = Σ_k p_k m_k (m_k − out_i),
 * the derivative of the softmax weights p_k ∝ exp(β m_k) in β.
 */
export function genSoftmaxBetaGradRef(g: GenInputs, beta: number, dout: ArrayLike<number>): number {
  check(g, 'genSoftmaxBetaGradRef');
  const { a, d } = g;
  const { out, lse } = genSoftmaxForwardRef(g, beta);
  let total = 0;
  for (let i = 0; i < a.rows; i++) {
    for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
      for (let c = 0; c < d; c++) {
        const ic = i * d + c;
        const m = message(g, k, c);
        total += dout[ic] * Math.exp(beta * m - lse[ic]) * m * (m - out[ic]);
      }
    }
  }
  return total;
}
