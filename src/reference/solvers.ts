// Float64 twin of the GPU fixed-point solvers (shaders/solver.wgsl): the same limited-memory
// Broyden and Anderson iterations with the same ring of history slots, restarts, damped fallback
// and stopping test, on plain arrays — so the GPU's residual trace can be checked step by step.

export interface FixedPointRefOptions {
  method: 'broyden' | 'anderson';
  history: number;
  maxIterations: number;
  tolerance: number;
  damping: number;
  fallbackAfter: number;
  ridge: number;
}

export interface FixedPointRefResult {
  z: Float64Array;
  trace: number[];
  iterations: number;
  converged: boolean;
  restarts: number;
  fallback: boolean;
}

const RESTART_FACTOR = 10;
const GROWTH_LIMIT = 1e3;
const TINY = 1e-30;

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Solves z = Φ(z) from z = 0 exactly as the GPU does (see shaders/solver.wgsl). */
export function fixedPointRef(
  phi: (z: Float64Array) => Float64Array,
  size: number,
  o: FixedPointRefOptions,
): FixedPointRefResult {
  const m = o.history;
  let z = new Float64Array(size);
  const U = Array.from({ length: m }, () => new Float64Array(size));
  const V = Array.from({ length: m }, () => new Float64Array(size));
  const H = Array.from({ length: m }, () => new Float64Array(m));
  // The first step: z₁ = Φ(0).
  let gPrev = phi(z);
  let dx = Float64Array.from(gPrev);
  z = Float64Array.from(gPrev);
  let best = Float64Array.from(z);
  let gBest = Float64Array.from(gPrev);
  let bestRel = 3.4e38;
  let zzBest = 3.4e38;
  let restarts = 0;
  let fallback = false;
  const trace: number[] = [];
  for (let n = 1; n <= o.maxIterations; n++) {
    const f = phi(z);
    const g = f.map((v, i) => v - z[i]);
    const dg = g.map((v, i) => v - gPrev[i]);
    const rel = Math.sqrt(dot(g, g)) / Math.max(Math.sqrt(Math.min(dot(f, f), dot(z, z))), TINY);
    trace.push(rel);
    let keep = false;
    let reset = false;
    const zz = dot(z, z);
    const runaway = zz > GROWTH_LIMIT * GROWTH_LIMIT * zzBest;
    if (rel < bestRel && !runaway) {
      bestRel = rel;
      zzBest = zz;
      keep = true;
    } else if (rel > RESTART_FACTOR * bestRel || runaway) {
      reset = true;
      if (++restarts >= o.fallbackAfter) fallback = true;
    }
    const done = rel < o.tolerance;
    const damped = reset || fallback || o.fallbackAfter <= 0;
    const idle = done || damped;
    const slot = (n - 1) % m;
    let dir: Float64Array;
    if (reset) {
      z = Float64Array.from(best);
      dir = Float64Array.from(gBest);
      for (const h of [...U, ...V, ...H]) h.fill(0);
      g.set(gBest);
    } else {
      if (keep) {
        best = Float64Array.from(z);
        gBest = Float64Array.from(g);
      }
      dir =
        o.method === 'broyden'
          ? broydenStep(U, V, g, dg, dx, slot, idle)
          : andersonStep(U, V, H, g, dg, dx, slot, idle, o.ridge);
    }
    if (done)
      return { z: keep ? z : best, trace, iterations: n, converged: true, restarts, fallback };
    const scale = damped ? o.damping : 1;
    dx = dir.map((v) => scale * v);
    z = z.map((v, i) => v + dx[i]);
    gPrev = g;
  }
  return { z: best, trace, iterations: o.maxIterations, converged: false, restarts, fallback };
}

/** The direction −B'g after Broyden's rank-one update of B = −I + U·Vᵀ (the new pair in slot). */
function broydenStep(
  U: Float64Array[],
  V: Float64Array[],
  g: Float64Array,
  dg: Float64Array,
  dx: Float64Array,
  slot: number,
  idle: boolean,
): Float64Array {
  const a = U.map((u) => dot(u, dx));
  const b = V.map((v) => dot(v, dg));
  const vg = V.map((v) => dot(v, g));
  const vdg = -dot(dx, dg) + a.reduce((s, x, j) => s + x * b[j], 0);
  const recip = !idle && Number.isFinite(vdg) && Math.abs(vdg) > TINY ? 1 / vdg : 0;
  const c = vg.slice();
  c[slot] = -dot(dx, g) + a.reduce((s, x, j) => s + x * vg[j], 0);
  const v = dx.map((x, i) => -x + V.reduce((s, col, j) => s + col[i] * a[j], 0));
  const u = dx.map((x, i) => (x + dg[i] - U.reduce((s, col, j) => s + col[i] * b[j], 0)) * recip);
  U[slot] = u;
  V[slot] = v;
  return g.map((x, i) => (idle ? x : x - U.reduce((s, col, j) => s + col[i] * c[j], 0)));
}

/** Anderson type II, mixing 1: γ = (ΔGᵀΔG + ridge)⁻¹ΔGᵀg, direction g − (ΔX + ΔG)γ. */
function andersonStep(
  U: Float64Array[],
  V: Float64Array[],
  H: Float64Array[],
  g: Float64Array,
  dg: Float64Array,
  dx: Float64Array,
  slot: number,
  idle: boolean,
  ridgeRel: number,
): Float64Array {
  const m = U.length;
  for (let j = 0; j < m; j++) {
    const h = j === slot ? dot(dg, dg) : dot(V[j], dg);
    H[slot][j] = h;
    H[j][slot] = h;
  }
  U[slot] = Float64Array.from(dx);
  V[slot] = Float64Array.from(dg);
  const r = V.map((v) => dot(v, g));
  const used = H.map((row, i) => row[i] > 0);
  const top = Math.max(...H.map((row, i) => row[i]));
  const ridge = Math.max(ridgeRel * top, TINY);
  const A = H.map((row, i) => [
    ...row.map((h, j) => (used[i] && used[j] ? h : 0) + (i === j ? ridge : 0)),
    used[i] ? r[i] : 0,
  ]);
  const gamma = solve(A);
  if (idle) return Float64Array.from(g);
  return g.map((x, i) => x - U.reduce((s, col, j) => s + (col[i] + V[j][i]) * gamma[j], 0));
}

/** Gaussian elimination with partial pivoting on an augmented m × (m + 1) system. */
function solve(A: number[][]): number[] {
  const m = A.length;
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let i = c + 1; i < m; i++) if (Math.abs(A[i][c]) > Math.abs(A[p][c])) p = i;
    [A[c], A[p]] = [A[p], A[c]];
    for (let i = c + 1; i < m; i++) {
      const f = A[i][c] / A[c][c];
      for (let j = c; j <= m; j++) A[i][j] -= f * A[c][j];
    }
  }
  const x = new Array<number>(m).fill(0);
  for (let i = m - 1; i >= 0; i--) {
    let t = A[i][m];
    for (let j = i + 1; j < m; j++) t -= A[i][j] * x[j];
    x[i] = t / A[i][i];
  }
  return x;
}
