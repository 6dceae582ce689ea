// Float64 reference of GAT attention (the aggregation between z = x·W and the bias): per head h,
// row i's candidates are its in-edges j → i (entry k, a stored self-loop skipped) and an
// implicit self-loop; score e = LeakyReLU(a_srcᵀ z_j + a_dstᵀ z_i + a_edgeᵀ E_k), the self-loop's
// edge term being the mean of the row's others; α = softmax(e); out_i = Σ α z_j. Written from the
// formulas with an explicit softmax Jacobian, sharing nothing with the GPU kernels.
import type { Csr } from '../graph/types';

export interface GatRefInputs {
  a: Csr;
  /** N × w, row-major */
  z: ArrayLike<number>;
  /** (edge ? 3 : 2) × w: a_src, a_dst, a_edge */
  att: ArrayLike<number>;
  /** nnz × w, aligned with a's entries; null: no edge features */
  edge: ArrayLike<number> | null;
  heads: number;
  w: number;
  slope: number;
}

export interface GatRefGrads {
  dz: Float64Array;
  dAtt: Float64Array;
  dEdge: Float64Array | null;
}

/** One candidate of a row: its source, its CSR entry (−1 for the self-loop). */
interface Candidate {
  j: number;
  k: number;
}

function candidates(a: Csr, i: number): Candidate[] {
  const out: Candidate[] = [{ j: i, k: -1 }];
  for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
    if (a.colIdx[k] !== i) out.push({ j: a.colIdx[k], k });
  }
  return out;
}

/** Σ over head h's channels of u[uRow]·v[vRow], both w wide. */
function headDot(
  g: GatRefInputs,
  h: number,
  u: ArrayLike<number>,
  uRow: number,
  v: ArrayLike<number>,
  vRow: number,
): number {
  const dh = g.w / g.heads;
  let s = 0;
  for (let c = h * dh; c < (h + 1) * dh; c++) s += u[uRow * g.w + c] * v[vRow * g.w + c];
  return s;
}

/** Everything one (row, head) needs, forward and backward alike. */
function rowHead(g: GatRefInputs, i: number, h: number) {
  const cands = candidates(g.a, i);
  const edgeTerm = (k: number) => (g.edge ? headDot(g, h, g.edge, k, g.att, 2) : 0);
  const others = cands.slice(1).map((c) => edgeTerm(c.k));
  const selfEdge = others.length ? others.reduce((s, v) => s + v, 0) / others.length : 0;
  const t = headDot(g, h, g.z, i, g.att, 1);
  const pre = cands.map(
    (c, n) => headDot(g, h, g.z, c.j, g.att, 0) + t + (n === 0 ? selfEdge : others[n - 1]),
  );
  const e = pre.map((x) => (x > 0 ? x : g.slope * x));
  const mx = Math.max(...e);
  const ex = e.map((v) => Math.exp(v - mx));
  const total = ex.reduce((s, v) => s + v, 0);
  const alpha = ex.map((v) => v / total);
  return { cands, pre, alpha };
}

function check(g: GatRefInputs, fn: string): void {
  const n = g.a.rows;
  if (g.a.cols !== n) throw new Error(`${fn}: the adjacency must be square.`);
  if (g.w % g.heads !== 0) throw new Error(`${fn}: ${g.heads} heads do not divide ${g.w}.`);
  if (g.z.length !== n * g.w)
    throw new Error(`${fn}: z has ${g.z.length} values, expected ${n}×${g.w}.`);
  const rows = g.edge ? 3 : 2;
  if (g.att.length !== rows * g.w)
    throw new Error(`${fn}: att has ${g.att.length} values, expected ${rows}×${g.w}.`);
  if (g.edge && g.edge.length !== g.a.colIdx.length * g.w) {
    throw new Error(
      `${fn}: edge has ${g.edge.length} values, expected ${g.a.colIdx.length}×${g.w}.`,
    );
  }
}

/** out (N × w) and the attention weights: alpha[i][h] lists row i's candidates, self first. */
export function gatForwardRef(g: GatRefInputs): { out: Float64Array; alpha: number[][][] } {
  check(g, 'gatForwardRef');
  const { w, heads } = g;
  const dh = w / heads;
  const n = g.a.rows;
  const out = new Float64Array(n * w);
  const alpha: number[][][] = [];
  for (let i = 0; i < n; i++) {
    alpha.push([]);
    for (let h = 0; h < heads; h++) {
      const r = rowHead(g, i, h);
      alpha[i].push(r.alpha);
      r.cands.forEach((c, m) => {
        for (let ch = h * dh; ch < (h + 1) * dh; ch++)
          out[i * w + ch] += r.alpha[m] * g.z[c.j * w + ch];
      });
    }
  }
  return { out, alpha };
}

/** Gradients of L = Σ out ⊙ dout. */
export function gatBackwardRef(g: GatRefInputs, dout: ArrayLike<number>): GatRefGrads {
  check(g, 'gatBackwardRef');
  const { w, heads, slope } = g;
  const dh = w / heads;
  const n = g.a.rows;
  const dz = new Float64Array(n * w);
  const dAtt = new Float64Array(g.att.length);
  const dEdge = g.edge ? new Float64Array(g.edge.length) : null;
  const ds = new Float64Array(n * heads);
  const dt = new Float64Array(n * heads);
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < heads; h++) {
      const { cands, pre, alpha } = rowHead(g, i, h);
      // out_i = Σ α_m z_jm: the value path, then the softmax Jacobian to the scores.
      const dAlpha = cands.map((c) => headDot(g, h, dout, i, g.z, c.j));
      cands.forEach((c, m) => {
        for (let ch = h * dh; ch < (h + 1) * dh; ch++)
          dz[c.j * w + ch] += alpha[m] * dout[i * w + ch];
      });
      const dPre = cands.map((_, m) => {
        let de = 0;
        for (let q = 0; q < cands.length; q++)
          de += dAlpha[q] * alpha[q] * ((q === m ? 1 : 0) - alpha[m]);
        return de * (pre[m] > 0 ? 1 : slope);
      });
      const others = cands.length - 1;
      cands.forEach((c, m) => {
        ds[c.j * heads + h] += dPre[m];
        dt[i * heads + h] += dPre[m];
        if (!g.edge || !dEdge) return;
        // The self-loop's edge term is the mean of the others': its gradient spreads evenly.
        const targets =
          m === 0
            ? cands.slice(1).map((o) => [o.k, dPre[0] / others] as const)
            : [[c.k, dPre[m]] as const];
        for (const [k, d] of targets) {
          for (let ch = h * dh; ch < (h + 1) * dh; ch++) {
            dAtt[2 * w + ch] += d * g.edge[k * w + ch];
            dEdge[k * w + ch] += d * g.att[2 * w + ch];
          }
        }
      });
    }
  }
  // s_j = a_srcᵀ z_j and t_i = a_dstᵀ z_i per head.
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < w; ch++) {
      const h = Math.floor(ch / dh);
      dAtt[ch] += ds[i * heads + h] * g.z[i * w + ch];
      dAtt[w + ch] += dt[i * heads + h] * g.z[i * w + ch];
      dz[i * w + ch] += ds[i * heads + h] * g.att[ch] + dt[i * heads + h] * g.att[w + ch];
    }
  }
  return { dz, dAtt, dEdge };
}
