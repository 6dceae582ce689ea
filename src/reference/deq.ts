// Float64 reference of DEQ-GNN: the same block, head and loss written on the autodiff tape, the
// fixed point solved by Anderson acceleration (a different method from the GPU's Broyden, so the
// two agree only if both find the same Z*), and the implicit gradient by the textbook route —
// solve the adjoint g = (∂F/∂Z)ᵀ·g + dL/dZ*, then one vector–Jacobian product for the parameters.
// Finite differences of the converged loss check this reference itself.
import type { Subgraph } from '../graph/types';
import { SPLIT_TRAIN } from '../graph/types';
import type { ModelConfig } from '../models/config';
import { Tape, type Var } from './autograd';
import { dropoutMaskRef } from './dropout';
import { paramLeaves, RefGraph, type Params, type Weights } from './layers';

export interface DeqRefOptions {
  dropout: number;
  seed: number;
  /** Relative residual ‖F(Z) − Z‖ / ‖F(Z)‖ both solves must reach (default 1e-13). */
  tolerance?: number;
  maxIterations?: number;
  /**
   * The Jacobian penalty γ·‖F(Z* + hε) − F(Z*)‖² / (N·D·h²) with ε = mask − 1 of the dropout
   * hash at p = ½ and `seed` (src/models/deq-adjoint.ts), Z* held fixed.
   */
  jacobian?: { gamma: number; h: number; seed: number };
}

export interface RefSolve {
  z: Float64Array;
  iterations: number;
  residual: number;
}

export interface DeqRefResult {
  loss: number;
  grads: Map<string, Float64Array>;
  forward: RefSolve;
  backward: RefSolve;
  /** The encoded input X (N×D). */
  x: Float64Array;
  /** The Jacobian penalty's value, when asked for. */
  penalty?: number;
}

/** The network's pieces, each recorded on whichever tape the caller passes. */
class DeqReference {
  readonly N: number;
  readonly D: number;
  private readonly mask: Float64Array | null;
  private readonly graph: RefGraph;

  constructor(
    readonly sub: Subgraph,
    readonly cfg: ModelConfig,
    readonly weights: Weights,
    readonly shapes: Map<string, [number, number]>,
    opts: { dropout: number; seed: number },
  ) {
    this.N = sub.numNodes;
    this.D = cfg.channels;
    this.mask =
      opts.dropout > 0
        ? dropoutMaskRef(this.N, this.D, { seed: opts.seed, p: opts.dropout })
        : null;
    this.graph = new RefGraph(sub, cfg);
  }

  /** Leaves for the weights on one tape; the map collects their gradients afterwards. */
  params(tape: Tape): { P: Params; vars: Map<string, Var> } {
    return paramLeaves(tape, this.weights, this.shapes);
  }

  encode(tape: Tape, P: Params): { x: Var; edges: Var | null } {
    return this.graph.encode(tape, P);
  }

  private conv(tape: Tape, P: Params, name: string, h: Var, edges: Var | null): Var {
    return this.graph.conv(tape, P, name, h, edges);
  }

  private dropout(tape: Tape, v: Var): Var {
    return this.mask ? tape.mulConst(v, this.mask) : v;
  }

  /** F(Z, X) = Norm2(ReLU(Conv2(Dropout(ReLU(Norm1(Conv1(Z) + X)))) + Conv1(Z))) */
  block(tape: Tape, P: Params, z: Var, x: Var, edges: Var | null): Var {
    const zp = this.conv(tape, P, 'deq.conv1', z, edges);
    const zpp = tape.layerNorm(tape.add(zp, x), P('deq.norm1.gamma'), P('deq.norm1.beta'));
    const zppp = this.conv(tape, P, 'deq.conv2', this.dropout(tape, tape.relu(zpp)), edges);
    return tape.layerNorm(tape.relu(tape.add(zppp, zp)), P('deq.norm2.gamma'), P('deq.norm2.beta'));
  }

  loss(tape: Tape, P: Params, z: Var): Var {
    const a = this.dropout(
      tape,
      tape.relu(tape.layerNorm(z, P('head.norm.gamma'), P('head.norm.beta'))),
    );
    const logits = tape.addBias(tape.matmul(a, P('head.linear.weight')), P('head.linear.bias'));
    const sub = this.sub;
    const train = (i: number) => sub.split[i] === SPLIT_TRAIN;
    return sub.labels.kind === 'multiclass'
      ? tape.crossEntropy(logits, sub.labels.y, train)
      : tape.bceWithLogits(logits, sub.labels.y, train);
  }

  /** F's value at z (nothing differentiated). */
  apply(z: Float64Array, x: Float64Array, edges: Float64Array | null): Float64Array {
    const tape = new Tape();
    const { P } = this.params(tape);
    const e = edges ? tape.leaf(edges.length / this.D, this.D, edges) : null;
    const out = this.block(tape, P, this.leaf(tape, z), this.leaf(tape, x), e);
    return out.data;
  }

  leaf(tape: Tape, data: Float64Array): Var {
    return tape.leaf(this.N, this.D, data);
  }
}

/** Σ v ⊙ c as a 1×1 Var: seeding the tape with c as v's output gradient. */
function dotConst(tape: Tape, v: Var, c: Float64Array): Var {
  const prod = tape.mulConst(v, c);
  const rows = tape.matmul(tape.leaf(1, v.rows, new Float64Array(v.rows).fill(1)), prod);
  return tape.matmul(rows, tape.leaf(v.cols, 1, new Float64Array(v.cols).fill(1)));
}

function norm(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s);
}

/** Solves k×k A·x = b by Gaussian elimination with partial pivoting (A row-major, overwritten). */
function solveSmall(A: Float64Array, b: Float64Array, k: number): Float64Array {
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r * k + c]) > Math.abs(A[piv * k + c])) piv = r;
    if (piv !== c) {
      for (let j = 0; j < k; j++) [A[c * k + j], A[piv * k + j]] = [A[piv * k + j], A[c * k + j]];
      [b[c], b[piv]] = [b[piv], b[c]];
    }
    const d = A[c * k + c];
    if (d === 0) continue;
    for (let r = c + 1; r < k; r++) {
      const f = A[r * k + c] / d;
      for (let j = c; j < k; j++) A[r * k + j] -= f * A[c * k + j];
      b[r] -= f * b[c];
    }
  }
  const x = new Float64Array(k);
  for (let r = k - 1; r >= 0; r--) {
    let s = b[r];
    for (let j = r + 1; j < k; j++) s -= A[r * k + j] * x[j];
    x[r] = A[r * k + r] === 0 ? 0 : s / A[r * k + r];
  }
  return x;
}

/**
 * z = Φ(z) from z = 0 by Anderson acceleration (type II, mixing 1, window m): each step is
 * x + g − (ΔX + ΔG)·γ with γ the least-squares fit of g by the window's residual differences.
 */
export function andersonRef(
  phi: (z: Float64Array) => Float64Array,
  n: number,
  opts: { tolerance: number; maxIterations: number; window?: number },
): RefSolve {
  const m = opts.window ?? 6;
  let x = new Float64Array(n);
  let f = phi(x);
  let g = f.map((v, i) => v - x[i]);
  const dX: Float64Array[] = [];
  const dG: Float64Array[] = [];
  let best: RefSolve = { z: x, iterations: 0, residual: norm(g) / Math.max(norm(f), 1e-300) };
  for (let it = 1; it <= opts.maxIterations; it++) {
    const next = Float64Array.from(x, (v, i) => v + g[i]);
    const k = dG.length;
    if (k > 0) {
      const A = new Float64Array(k * k);
      const b = new Float64Array(k);
      let trace = 0;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          let s = 0;
          for (let p = 0; p < n; p++) s += dG[i][p] * dG[j][p];
          A[i * k + j] = s;
        }
        trace += A[i * k + i];
        let s = 0;
        for (let p = 0; p < n; p++) s += dG[i][p] * g[p];
        b[i] = s;
      }
      for (let i = 0; i < k; i++) A[i * k + i] += 1e-15 * trace;
      const gamma = solveSmall(A, b, k);
      for (let i = 0; i < k; i++)
        for (let p = 0; p < n; p++) next[p] -= gamma[i] * (dX[i][p] + dG[i][p]);
    }
    const fNext = phi(next);
    const gNext = fNext.map((v, i) => v - next[i]);
    dX.push(next.map((v, i) => v - x[i]));
    dG.push(gNext.map((v, i) => v - g[i]));
    if (dX.length > m) {
      dX.shift();
      dG.shift();
    }
    x = next;
    f = fNext;
    g = gNext;
    const rel = norm(g) / Math.max(norm(f), 1e-300);
    if (!Number.isFinite(rel)) throw new Error(`deq reference: the solve diverged at ${it}.`);
    if (rel < best.residual) best = { z: x, iterations: it, residual: rel };
    if (rel < opts.tolerance) break;
  }
  if (!(best.residual < opts.tolerance)) {
    throw new Error(
      `deq reference: the solve reached ${best.residual.toExponential(2)}, not ` +
        `${opts.tolerance} in ${opts.maxIterations} iterations.`,
    );
  }
  return best;
}

function addInto(grads: Map<string, Float64Array>, vars: Map<string, Var>): void {
  for (const [name, v] of vars) {
    const g = grads.get(name);
    if (!g) grads.set(name, Float64Array.from(v.grad));
    else for (let i = 0; i < g.length; i++) g[i] += v.grad[i];
  }
}

/** The converged loss and its implicit gradient with respect to every weight. */
export function deqReferenceStep(
  sub: Subgraph,
  cfg: ModelConfig,
  weights: Weights,
  shapes: Map<string, [number, number]>,
  opts: DeqRefOptions,
): DeqRefResult {
  const ref = new DeqReference(sub, cfg, weights, shapes, opts);
  const solveOpts = {
    tolerance: opts.tolerance ?? 1e-13,
    maxIterations: opts.maxIterations ?? 500,
  };
  const n = ref.N * ref.D;

  const encTape = new Tape();
  const enc = ref.params(encTape);
  const { x, edges } = ref.encode(encTape, enc.P);
  const edgeData = edges ? edges.data : null;
  const forward = andersonRef((z) => ref.apply(z, x.data, edgeData), n, solveOpts);

  const grads = new Map<string, Float64Array>();
  const headTape = new Tape();
  const head = ref.params(headTape);
  const zHead = ref.leaf(headTape, forward.z);
  const loss = ref.loss(headTape, head.P, zHead);
  headTape.backward(loss);
  addInto(grads, head.vars);
  const dz = zHead.grad;

  // One product of F at Z*: (∂F/∂Z)ᵀ·c, and — on the returned tape — the other inputs' parts.
  const vjp = (c: Float64Array) => {
    const tape = new Tape();
    const p = ref.params(tape);
    const zv = ref.leaf(tape, forward.z);
    const xv = ref.leaf(tape, x.data);
    const ev = edgeData ? tape.leaf(edgeData.length / ref.D, ref.D, edgeData) : null;
    tape.backward(dotConst(tape, ref.block(tape, p.P, zv, xv, ev), c));
    return { dz: zv.grad, dx: xv.grad, dEdges: ev?.grad ?? null, vars: p.vars };
  };
  const backward = andersonRef(
    (g) => {
      const out = vjp(g).dz;
      for (let i = 0; i < n; i++) out[i] += dz[i];
      return out;
    },
    n,
    solveOpts,
  );
  const last = vjp(backward.z);
  addInto(grads, last.vars);
  const penalty = opts.jacobian
    ? jacobianPenalty(ref, forward.z, x.data, edgeData, opts.jacobian)
    : null;
  if (penalty) {
    addInto(grads, penalty.vars);
    for (let i = 0; i < n; i++) last.dx[i] += penalty.dx[i];
    if (last.dEdges && penalty.dEdges)
      for (let i = 0; i < last.dEdges.length; i++) last.dEdges[i] += penalty.dEdges[i];
  }

  let seed = dotConst(encTape, x, last.dx);
  if (edges && last.dEdges) seed = encTape.add(seed, dotConst(encTape, edges, last.dEdges));
  encTape.backward(seed);
  addInto(grads, enc.vars);
  return {
    loss: loss.data[0],
    grads,
    forward,
    backward,
    x: Float64Array.from(x.data),
    ...(penalty ? { penalty: penalty.value } : {}),
  };
}

/** The finite-difference Jacobian penalty at a fixed Z*, its value and its gradients. */
function jacobianPenalty(
  ref: DeqReference,
  z: Float64Array,
  x: Float64Array,
  edgeData: Float64Array | null,
  o: { gamma: number; h: number; seed: number },
) {
  const n = ref.N * ref.D;
  const eps = dropoutMaskRef(ref.N, ref.D, { seed: o.seed, p: 0.5 }).map((v) => v - 1);
  const tape = new Tape();
  const p = ref.params(tape);
  const xv = ref.leaf(tape, x);
  const ev = edgeData ? tape.leaf(edgeData.length / ref.D, ref.D, edgeData) : null;
  const fh = ref.block(
    tape,
    p.P,
    ref.leaf(
      tape,
      z.map((v, i) => v + o.h * eps[i]),
    ),
    xv,
    ev,
  );
  const f0 = ref.block(tape, p.P, ref.leaf(tape, z), xv, ev);
  const d = fh.data.map((v, i) => v - f0.data[i]);
  // R = γ‖d‖²/(n h²): seeding with its gradient r = 2γ d/(n h²) at d differentiates R exactly.
  const r = d.map((v) => (2 * o.gamma * v) / (n * o.h * o.h));
  tape.backward(
    tape.add(
      dotConst(tape, fh, r),
      dotConst(
        tape,
        f0,
        r.map((v) => -v),
      ),
    ),
  );
  const value = (o.gamma * d.reduce((t, v) => t + v * v, 0)) / (n * o.h * o.h);
  return { value, vars: p.vars, dx: xv.grad, dEdges: ev?.grad ?? null };
}

/** The loss at the converged fixed point only: what finite differences differentiate. */
export function deqReferenceLoss(
  sub: Subgraph,
  cfg: ModelConfig,
  weights: Weights,
  shapes: Map<string, [number, number]>,
  opts: DeqRefOptions,
): number {
  const ref = new DeqReference(sub, cfg, weights, shapes, opts);
  const tape = new Tape();
  const { P } = ref.params(tape);
  const { x, edges } = ref.encode(tape, P);
  const edgeData = edges ? edges.data : null;
  const z = andersonRef((zz) => ref.apply(zz, x.data, edgeData), ref.N * ref.D, {
    tolerance: opts.tolerance ?? 1e-13,
    maxIterations: opts.maxIterations ?? 500,
  }).z;
  return ref.loss(tape, P, ref.leaf(tape, z)).data[0];
}

/** F(Z, X) in float64 at the given weights: the residual check of a GPU fixed point. */
export function deqBlockRef(
  sub: Subgraph,
  cfg: ModelConfig,
  weights: Weights,
  shapes: Map<string, [number, number]>,
  opts: { dropout: number; seed: number },
  z: Float64Array,
): Float64Array {
  const ref = new DeqReference(sub, cfg, weights, shapes, opts);
  const tape = new Tape();
  const { P } = ref.params(tape);
  const { x, edges } = ref.encode(tape, P);
  return ref.apply(z, x.data, edges ? edges.data : null);
}

/** The weight-tied unrolled network of the warm-up: Z_{k+1} = F(Z_k, X) from 0, `depth` times. */
export function deqUnrolledReferenceStep(
  sub: Subgraph,
  cfg: ModelConfig,
  weights: Weights,
  shapes: Map<string, [number, number]>,
  opts: { dropout: number; seed: number },
  depth: number,
): { loss: number; grads: Map<string, Float64Array> } {
  const ref = new DeqReference(sub, cfg, weights, shapes, opts);
  const tape = new Tape();
  const { P, vars } = ref.params(tape);
  const { x, edges } = ref.encode(tape, P);
  let z = ref.leaf(tape, new Float64Array(ref.N * ref.D));
  for (let k = 0; k < depth; k++) z = ref.block(tape, P, z, x, edges);
  const loss = ref.loss(tape, P, z);
  tape.backward(loss);
  const grads = new Map<string, Float64Array>();
  addInto(grads, vars);
  return { loss: loss.data[0], grads };
}
