// Float64 reference of GEN's power-mean aggregation (DeeperGCN 'power'): per channel,
// out_i = clamp(mean_k clamp(m_k)^p)^(1/p) over row i's in-edges with m_k = relu(x_j + e_k) + eps,
// both clamps to [1e-7, 10] (the official code's), 0 for a row without in-edges. Gradients are
// zero where a clamp binds, as torch.clamp's are.
import { check, message, preact, type GenGrads, type GenInputs } from './aggregate';

const LO = 1e-7;
const HI = 10;
const clamp = (v: number) => Math.min(Math.max(v, LO), HI);

/** Row i, channel c: its clamped messages and their mean of powers. */
function rowTerms(g: GenInputs, i: number, c: number, p: number) {
  const ks: number[] = [];
  for (let k = g.a.rowPtr[i]; k < g.a.rowPtr[i + 1]; k++) ks.push(k);
  const ms = ks.map((k) => message(g, k, c));
  const s = ms.reduce((acc, m) => acc + clamp(m) ** p, 0) / Math.max(ks.length, 1);
  return { ks, ms, s, out: ks.length ? clamp(s) ** (1 / p) : 0 };
}

export function genPowerForwardRef(g: GenInputs, p: number): Float64Array {
  check(g, 'genPowerForwardRef');
  const { a, d } = g;
  const out = new Float64Array(a.rows * d);
  for (let i = 0; i < a.rows; i++)
    for (let c = 0; c < d; c++) out[i * d + c] = rowTerms(g, i, c, p).out;
  return out;
}

/** Gradients of L = Σ out ⊙ dout: x, the edge features and the exponent p. */
export function genPowerBackwardRef(
  g: GenInputs,
  p: number,
  dout: ArrayLike<number>,
): GenGrads & { dP: number } {
  check(g, 'genPowerBackwardRef');
  const { a, d } = g;
  const dx = new Float64Array(a.cols * d);
  const dEdge = g.edge ? new Float64Array(a.colIdx.length * d) : null;
  let dP = 0;
  for (let i = 0; i < a.rows; i++) {
    for (let c = 0; c < d; c++) {
      const { ks, ms, s, out } = rowTerms(g, i, c, p);
      if (!ks.length) continue;
      const go = dout[i * d + c];
      const sIn = s >= LO && s <= HI;
      // out = S^(1/p): ∂out/∂S = out / (p S); ∂S/∂m_k = p m_k^(p−1) / n where m_k is unclamped.
      ks.forEach((k, n) => {
        const m = ms[n];
        if (!sIn || m > HI || preact(g, k, c) <= 0) return;
        const gk = (go * (out / (p * s)) * p * m ** (p - 1)) / ks.length;
        dx[a.colIdx[k] * d + c] += gk;
        if (dEdge) dEdge[k * d + c] = gk;
      });
      // ln out = ln clamp(S) / p: the direct term, plus S's own dependence on p when unclamped.
      const lnS = Math.log(clamp(s));
      const dS = ms.reduce((acc, m) => acc + clamp(m) ** p * Math.log(clamp(m)), 0) / ks.length;
      dP += go * out * (-lnS / (p * p) + (sIn ? dS / (s * p) : 0));
    }
  }
  return { dx, dEdge, dP };
}
