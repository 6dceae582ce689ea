// GEN aggregation (max and softmax) on the GPU against the float64 reference, and the reference's
// gradients against central finite differences.
//
// Tolerances (|a − b| / max(|b|, floor)):
// - max forward: out 1e-6 (floor 1e-3), argmax exactly equal. Max inputs are multiples of 2^-10
//   so x_j + e_k is exact in float32 and float32 ties are float64 ties: the argmax must agree.
// - max backward: dx, dEdge 1e-5 (floor 1): sums of a few float32 values.
// - softmax forward: out and lse 1e-5 (floor 1); backward 1e-5 (floor 1): float32 exp/log and the
//   cancellation in 1 + beta·(m − out).
// - reference vs finite differences (float64, h = 1e-5): 1e-6 (floor 1). Max inputs there keep
//   every pre-activation ≥ 0.08 from 0 and from each other, so no step crosses a kink or a tie.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Csr } from '../graph/types';
import { transposeCsr } from '../graph/csr';
import { csrFromPairs, randomCsr } from '../reference/sparse';
import {
  genMaxBackwardRef,
  genMaxForwardRef,
  genSoftmaxBackwardRef,
  genSoftmaxForwardRef,
  type GenInputs,
} from '../reference/aggregate';
import {
  expectClose,
  expectNoGpuErrors,
  maxRelError,
  randomArray,
  rng,
  sharedRuntime,
} from '../testing/gpu-fixture';
import { releaseCsr, uploadCsr, vec4Aligned } from './csr-gpu';
import {
  genMaxBackward,
  genMaxForward,
  genSoftmaxBackward,
  genSoftmaxForward,
  NO_ARGMAX,
} from './aggregate';

const MAX_OUT_TOL = 1e-6;
const MAX_GRAD_TOL = 1e-5;
const SOFT_FWD_TOL = 1e-5;
const SOFT_GRAD_TOL = 1e-5;
const FD_TOL = 1e-6;

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await sharedRuntime();
});
afterAll(async () => {
  rt.allocator.assertNoLeaks();
  await expectNoGpuErrors(rt);
});

type Kind = 'max' | 'softmax';

/** Multiples of 2^-10 in [-1, 1]: sums of two are exact in float32. */
function quantised(n: number, seed: number): Float32Array {
  return randomArray(n, seed).map((v) => Math.round(v * 1024) / 1024);
}

interface Problem {
  a: Csr;
  d: number;
  x: Float32Array;
  edge: Float32Array | null;
  eps: number;
}

function problem(a: Csr, d: number, kind: Kind, withEdge: boolean, seed: number): Problem {
  const gen = kind === 'max' ? quantised : randomArray;
  return {
    a,
    d,
    x: gen(a.cols * d, seed),
    edge: withEdge ? gen(a.colIdx.length * d, seed + 1) : null,
    // Large enough that a kernel forgetting eps fails; exact in float32.
    eps: 0.125,
  };
}

interface GpuResult {
  out: Float32Array;
  aux: Float32Array | Uint32Array;
  dx: Float32Array;
  dEdge: Float32Array | null;
}

/** Forward then backward on the GPU, everything contiguous. */
async function runGpu(
  kind: Kind,
  p: Problem,
  beta: number,
  dout: Float32Array,
  dxInit: Float32Array,
  opts: { accumulate: boolean; wantDEdge: boolean },
): Promise<GpuResult> {
  const { a, d } = p;
  const g = uploadCsr(rt, a, 'A');
  const gT = uploadCsr(rt, transposeCsr(a), 'AT');
  const x = rt.upload(p.x, a.cols, d, 'activations');
  const edge = p.edge ? rt.upload(p.edge, a.colIdx.length, d, 'activations') : null;
  const out = rt.tensor(a.rows, d, 'activations');
  const aux = rt.tensor(a.rows, d, 'activations', { dtype: kind === 'max' ? 'u32' : 'f32' });
  const doutT = rt.upload(dout, a.rows, d, 'grads');
  const dx = rt.upload(dxInit, a.cols, d, 'grads');
  const dEdge =
    edge && opts.wantDEdge
      ? rt.upload(randomArray(a.colIdx.length * d, 99), a.colIdx.length, d, 'grads')
      : null;
  const bw = { accumulate: opts.accumulate };
  if (kind === 'max') {
    genMaxForward(rt, g, x, edge, p.eps, out, aux);
    genMaxBackward(rt, gT, g, x, edge, p.eps, aux, doutT, dx, dEdge, bw);
  } else {
    genSoftmaxForward(rt, g, x, edge, p.eps, beta, out, aux);
    genSoftmaxBackward(rt, gT, g, x, edge, p.eps, beta, out, aux, doutT, dx, dEdge, bw);
  }
  const res: GpuResult = {
    out: (await rt.read(out)) as Float32Array,
    aux: (await rt.read(aux)) as Float32Array | Uint32Array,
    dx: (await rt.read(dx)) as Float32Array,
    dEdge: dEdge ? ((await rt.read(dEdge)) as Float32Array) : null,
  };
  rt.release(x, edge, out, aux, doutT, dx, dEdge);
  releaseCsr(rt, g);
  releaseCsr(rt, gT);
  return res;
}

function inputs(p: Problem): GenInputs {
  return { a: p.a, x: p.x, edge: p.edge, d: p.d, eps: p.eps };
}

/** GPU forward + backward vs the float64 reference, accumulate off and on. */
async function checkAgainstReference(
  kind: Kind,
  p: Problem,
  beta = 1,
  seed = 0,
): Promise<{ fwd: number; grad: number }> {
  const { a, d } = p;
  const dout = randomArray(a.rows * d, seed + 50);
  const dxInit = randomArray(a.cols * d, seed + 51);
  const g = inputs(p);
  let worstFwd = 0;
  let worstGrad = 0;
  for (const accumulate of [false, true]) {
    for (const wantDEdge of p.edge ? [true, false] : [false]) {
      const r = await runGpu(kind, p, beta, dout, dxInit, { accumulate, wantDEdge });
      let ref: { dx: Float64Array; dEdge: Float64Array | null };
      if (kind === 'max') {
        const f = genMaxForwardRef(g);
        expect(Array.from(r.aux)).toEqual(Array.from(f.argmax));
        worstFwd = Math.max(worstFwd, maxRelError(r.out, f.out, 1e-3));
        expectClose(r.out, f.out, MAX_OUT_TOL, 1e-3);
        ref = genMaxBackwardRef(g, f.argmax, dout);
      } else {
        const f = genSoftmaxForwardRef(g, beta);
        worstFwd = Math.max(worstFwd, maxRelError(r.out, f.out, 1), maxRelError(r.aux, f.lse, 1));
        expectClose(r.out, f.out, SOFT_FWD_TOL, 1);
        expectClose(r.aux, f.lse, SOFT_FWD_TOL, 1);
        ref = genSoftmaxBackwardRef(g, beta, dout);
      }
      const tol = kind === 'max' ? MAX_GRAD_TOL : SOFT_GRAD_TOL;
      const dxRef = ref.dx.map((v, n) => v + (accumulate ? dxInit[n] : 0));
      worstGrad = Math.max(worstGrad, maxRelError(r.dx, dxRef, 1));
      expectClose(r.dx, dxRef, tol, 1);
      if (r.dEdge) {
        worstGrad = Math.max(worstGrad, maxRelError(r.dEdge, ref.dEdge!, 1));
        expectClose(r.dEdge, ref.dEdge!, tol, 1);
      }
    }
  }
  return { fwd: worstFwd, grad: worstGrad };
}

function emptyRows(a: Csr): number {
  let n = 0;
  for (let i = 0; i < a.rows; i++) if (a.rowPtr[i] === a.rowPtr[i + 1]) n++;
  return n;
}

const selfLoops = (n: number) =>
  csrFromPairs(
    n,
    n,
    Array.from({ length: n }, (_, i) => [i, i] as const),
  );

describe.each(['max', 'softmax'] as const)(
  'GEN %s aggregation vs the float64 reference',
  (kind) => {
    it('handles one node: with a self-loop, and with no edges', async () => {
      for (const withEdge of [false, true]) {
        await checkAgainstReference(kind, problem(selfLoops(1), 5, kind, withEdge, 1));
      }
      const bare = problem(csrFromPairs(1, 1, []), 3, kind, false, 2);
      const r = await runGpu(kind, bare, 1, new Float32Array(3).fill(1), new Float32Array(3), {
        accumulate: false,
        wantDEdge: false,
      });
      expect(Array.from(r.out)).toEqual([0, 0, 0]);
      if (kind === 'max') expect(Array.from(r.aux)).toEqual([NO_ARGMAX, NO_ARGMAX, NO_ARGMAX]);
      expect(Array.from(r.dx)).toEqual([0, 0, 0]);
      await expectNoGpuErrors(rt);
    });

    it('matches on 37 nodes × 13 channels, with and without edge features', async () => {
      const a = randomCsr(37, 37, 3, rng(3));
      expect(emptyRows(a)).toBeGreaterThan(0);
      for (const withEdge of [false, true]) {
        const errs = await checkAgainstReference(kind, problem(a, 13, kind, withEdge, 4));
        console.info(`${kind} 37×13 edge=${withEdge}: worst fwd ${errs.fwd}, grad ${errs.grad}`);
      }
      await expectNoGpuErrors(rt);
    });

    it('covers channel counts, multiples of 4 or not, empty rows, isolated nodes, nnz = 0', async () => {
      // Node 9 is isolated: no in-edges and no out-edges.
      const pairs: [number, number][] = [];
      const base = randomCsr(9, 9, 2, rng(5));
      for (let i = 0; i < 9; i++) {
        for (let k = base.rowPtr[i]; k < base.rowPtr[i + 1]; k++) pairs.push([i, base.colIdx[k]]);
      }
      const a = csrFromPairs(10, 10, pairs);
      expect(emptyRows(a)).toBeGreaterThan(1);
      // 4, 8, 12 take the vec4 shaders; 12 leaves the second lane of its last chunk empty.
      for (const d of [1, 2, 3, 4, 5, 6, 8, 12]) {
        await checkAgainstReference(kind, problem(a, d, kind, d % 2 === 0, 6 + d));
      }
      await checkAgainstReference(kind, problem(csrFromPairs(4, 4, []), 7, kind, true, 12));
      await expectNoGpuErrors(rt);
    });

    it('handles a self-loop-only graph', async () => {
      for (const withEdge of [false, true]) {
        await checkAgainstReference(kind, problem(selfLoops(17), 6, kind, withEdge, 13));
      }
      await expectNoGpuErrors(rt);
    });

    it('matches on random duplicate-free graphs for several beta', async () => {
      const r = rng(14);
      for (const [n, deg, d] of [
        [25, 4, 8],
        [60, 6, 4],
        [12, 11, 9],
      ]) {
        const a = randomCsr(n, n, deg, r);
        for (const beta of kind === 'max' ? [1] : [0, 0.5, 4, -1]) {
          await checkAgainstReference(kind, problem(a, d, kind, true, n + d), beta, n);
        }
      }
      await expectNoGpuErrors(rt);
    });

    it('matches on 3000 nodes × 64 channels, ~10 edges per node', async () => {
      const a = randomCsr(3000, 3000, 10, rng(21));
      const p = problem(a, 64, kind, true, 22);
      const errs = await checkAgainstReference(kind, p, 1, 23);
      console.info(`${kind} 3000×64: worst fwd ${errs.fwd}, grad ${errs.grad}`);
      await expectNoGpuErrors(rt);
    });
  },
);

/**
 * Inputs whose pre-activations z = x_j + e_k sit on a grid of step 0.2 (plus jitter ≤ 0.02),
 * distinct within each destination row and ≥ 0.08 from 0: central differences with a small step
 * cross no relu kink and change no argmax. Without edge features every x is distinct per channel.
 */
function kinkFreeProblem(a: Csr, d: number, withEdge: boolean, seed: number): Problem {
  const r = rng(seed);
  const jitter = () => (r() - 0.5) * 0.04;
  const shuffled = (n: number) => {
    const v = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [v[i], v[j]] = [v[j], v[i]];
    }
    return v;
  };
  const level = (rank: number, n: number) => (rank - n / 2 + 0.5) * 0.2 + jitter();
  const x = new Float32Array(a.cols * d);
  const nnz = a.colIdx.length;
  if (!withEdge) {
    for (let c = 0; c < d; c++) {
      shuffled(a.cols).forEach((rank, j) => (x[j * d + c] = level(rank, a.cols)));
    }
    return { a, d, x, edge: null, eps: 0.125 };
  }
  for (let n = 0; n < x.length; n++) x[n] = r() * 2 - 1;
  const edge = new Float32Array(nnz * d);
  for (let i = 0; i < a.rows; i++) {
    const k0 = a.rowPtr[i];
    const deg = a.rowPtr[i + 1] - k0;
    for (let c = 0; c < d; c++) {
      shuffled(deg).forEach((rank, t) => {
        const k = k0 + t;
        edge[k * d + c] = level(rank, deg) - x[a.colIdx[k] * d + c];
      });
    }
  }
  return { a, d, x, edge, eps: 0.125 };
}

/** Central differences of L = Σ out ⊙ G with respect to every x and edge value, in float64. */
function finiteDifferences(
  kind: Kind,
  p: Problem,
  beta: number,
  G: Float32Array,
  h = 1e-5,
): { dx: Float64Array; dEdge: Float64Array | null } {
  const x = Float64Array.from(p.x);
  const edge = p.edge ? Float64Array.from(p.edge) : null;
  const loss = () => {
    const g: GenInputs = { a: p.a, x, edge, d: p.d, eps: p.eps };
    const out = kind === 'max' ? genMaxForwardRef(g).out : genSoftmaxForwardRef(g, beta).out;
    return out.reduce((s, v, n) => s + v * G[n], 0);
  };
  const grad = (arr: Float64Array) =>
    arr.map((v0, n) => {
      arr[n] = v0 + h;
      const up = loss();
      arr[n] = v0 - h;
      const down = loss();
      arr[n] = v0;
      return (up - down) / (2 * h);
    });
  return { dx: grad(x), dEdge: edge ? grad(edge) : null };
}

describe('GEN reference gradients vs central finite differences', () => {
  // 9 nodes: a self-loop, an empty row, a node without out-edges.
  const a = csrFromPairs(9, 9, [
    [0, 1],
    [0, 2],
    [0, 3],
    [1, 0],
    [1, 1],
    [2, 4],
    [2, 5],
    [2, 6],
    [2, 7],
    [3, 2],
    [5, 3],
    [5, 0],
    [6, 5],
    [7, 6],
    [7, 0],
    [8, 7],
  ]);
  for (const kind of ['max', 'softmax'] as const) {
    for (const withEdge of [false, true]) {
      it(`${kind}, ${withEdge ? 'with' : 'without'} edge features`, () => {
        const p = kinkFreeProblem(a, 3, withEdge, withEdge ? 70 : 71);
        const G = randomArray(a.rows * p.d, 72);
        for (const beta of kind === 'max' ? [1] : [1, 2.5, -0.7]) {
          const fd = finiteDifferences(kind, p, beta, G);
          const g = inputs(p);
          const an =
            kind === 'max'
              ? genMaxBackwardRef(g, genMaxForwardRef(g).argmax, G)
              : genSoftmaxBackwardRef(g, beta, G);
          expect(an.dx.some((v) => v !== 0)).toBe(true);
          expectClose(an.dx, fd.dx, FD_TOL, 1);
          if (withEdge) expectClose(an.dEdge!, fd.dEdge!, FD_TOL, 1);
          else expect(an.dEdge).toBeNull();
        }
      });
    }
  }
});

describe('GEN max aggregation: ties and zero in-degree', () => {
  it('sends the gradient to the first entry of a tie only, and nothing from empty rows', async () => {
    // Node 2 hears 0 then 1; node 3 hears 1 then 0; node 4 hears nobody; node 5 hears 4 alone.
    const a = csrFromPairs(6, 6, [
      [2, 0],
      [2, 1],
      [3, 1],
      [3, 0],
      [5, 4],
    ]);
    const d = 2;
    // x_0 = x_1 in both channels: equal messages on both rows.
    const x = Float32Array.from([0.5, 0.25, 0.5, 0.25, 0.75, -1, 0.1, 0.1, 0.25, -0.75, 0.4, 0.2]);
    const dout = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const p: Problem = { a, d, x, edge: null, eps: 0.125 };
    const r = await runGpu('max', p, 1, dout, new Float32Array(12), {
      accumulate: false,
      wantDEdge: false,
    });
    const N = NO_ARGMAX;
    // Entries: 0 = (2←0), 1 = (2←1), 2 = (3←1), 3 = (3←0), 4 = (5←4).
    expect(Array.from(r.aux)).toEqual([N, N, N, N, 0, 0, 2, 2, N, N, 4, 4]);
    expect(Array.from(r.out)).toEqual([0, 0, 0, 0, 0.625, 0.375, 0.625, 0.375, 0, 0, 0.375, 0.125]);
    // dx_0 = dout_2 and dx_1 = dout_3 (each is its row's first entry); x_4 feeds node 5, but its
    // channel 1 is negative, so relu passes nothing there.
    expect(Array.from(r.dx)).toEqual([5, 6, 7, 8, 0, 0, 0, 0, 11, 0, 0, 0]);
    expect(Array.from(r.dx)).toEqual(
      Array.from(genMaxBackwardRef(inputs(p), r.aux as Uint32Array, dout).dx),
    );

    // The same ties through edge features: x_j + e_k equal on both entries of rows 2 and 3.
    const edge = Float32Array.from([0, 0, 0.25, -0.25, 0.25, -0.25, 0, 0, 0.5, 0.5]);
    const x2 = Float32Array.from([0.5, 0.25, 0.25, 0.5, 0, 0, 0, 0, 0.5, -0.75, 0, 0]);
    const p2: Problem = { a, d, x: x2, edge, eps: 0.125 };
    const r2 = await runGpu('max', p2, 1, dout, new Float32Array(12), {
      accumulate: false,
      wantDEdge: true,
    });
    expect(Array.from(r2.aux)).toEqual([N, N, N, N, 0, 0, 2, 2, N, N, 4, 4]);
    expect(Array.from(r2.dEdge!)).toEqual([5, 6, 0, 0, 7, 8, 0, 0, 11, 0]);
    expect(Array.from(r2.dx)).toEqual([5, 6, 7, 8, 0, 0, 0, 0, 11, 0, 0, 0]);
    await expectNoGpuErrors(rt);
  });
});

describe.each(['max', 'softmax'] as const)('GEN %s aggregation on strided views', (kind) => {
  // [width, first column] of each tensor's parent: odd ones force the scalar shaders, multiples
  // of 4 (with d = 8) the vec4 ones.
  const scalarLayout = {
    x: [11, 2],
    edge: [9, 1],
    out: [10, 3],
    aux: [8, 1],
    dout: [12, 5],
    dx: [9, 4],
    dEdge: [10, 2],
  } as const;
  const vec4Layout = {
    x: [16, 4],
    edge: [12, 4],
    out: [12, 0],
    aux: [12, 4],
    dout: [16, 8],
    dx: [12, 4],
    dEdge: [16, 8],
  } as const;
  it.each([
    ['scalar', 5, scalarLayout],
    ['vec4', 8, vec4Layout],
  ] as const)(
    '%s: reads and writes column slices with row offsets, leaving other columns alone',
    async (family, d, lay) => {
      const a = randomCsr(21, 21, 3, rng(80));
      const nnz = a.colIdx.length;
      const beta = 1.5;
      for (const withEdge of [false, true]) {
        const p = problem(a, d, kind, withEdge, 81);
        const dout = randomArray(a.rows * d, 82);
        const dxInit = randomArray(a.cols * d, 83);
        // Each tensor is a d-wide window of a wider one, one row down: offset = stride + c0.
        const wide = (
          rows: number,
          [width, c0]: readonly [number, number],
          data: ArrayLike<number> | null,
        ) => {
          const all = randomArray((rows + 1) * width, 84 + width + c0);
          if (data) {
            for (let r = 0; r < rows; r++) {
              for (let c = 0; c < d; c++) all[(r + 1) * width + c0 + c] = data[r * d + c];
            }
          }
          return { all, width, c0, rows };
        };
        const layouts = {
          x: wide(a.cols, lay.x, p.x),
          edge: wide(nnz, lay.edge, p.edge),
          out: wide(a.rows, lay.out, null),
          aux: wide(a.rows, lay.aux, null),
          dout: wide(a.rows, lay.dout, dout),
          dx: wide(a.cols, lay.dx, dxInit),
          dEdge: wide(nnz, lay.dEdge, null),
        };
        const gpu = Object.fromEntries(
          Object.entries(layouts).map(([name, l]) => {
            const dtype = name === 'aux' && kind === 'max' ? 'u32' : 'f32';
            const t = rt.upload(l.all, l.rows + 1, l.width, 'activations', { dtype });
            return [name, { parent: t, view: t.rowSlice(1, l.rows + 1).colSlice(l.c0, l.c0 + d) }];
          }),
        );
        const g = uploadCsr(rt, a, 'A');
        const gT = uploadCsr(rt, transposeCsr(a), 'AT');
        const v = (name: keyof typeof layouts) => gpu[name].view;
        const edge = withEdge ? v('edge') : null;
        const dEdge = withEdge ? v('dEdge') : null;
        expect(vec4Aligned(...Object.values(gpu).map((t) => t.view))).toBe(family === 'vec4');
        const acc = { accumulate: true };
        if (kind === 'max') {
          genMaxForward(rt, g, v('x'), edge, p.eps, v('out'), v('aux'));
          genMaxBackward(rt, gT, g, v('x'), edge, p.eps, v('aux'), v('dout'), v('dx'), dEdge, acc);
        } else {
          genSoftmaxForward(rt, g, v('x'), edge, p.eps, beta, v('out'), v('aux'));
          const [o, lse, gOut] = [v('out'), v('aux'), v('dout')];
          genSoftmaxBackward(
            rt,
            gT,
            g,
            v('x'),
            edge,
            p.eps,
            beta,
            o,
            lse,
            gOut,
            v('dx'),
            dEdge,
            acc,
          );
        }
        const ref: Record<string, ArrayLike<number>> = {};
        const gi = inputs(p);
        if (kind === 'max') {
          const f = genMaxForwardRef(gi);
          const b = genMaxBackwardRef(gi, f.argmax, dout);
          Object.assign(ref, { out: f.out, aux: f.argmax, dx: b.dx, dEdge: b.dEdge });
        } else {
          const f = genSoftmaxForwardRef(gi, beta);
          const b = genSoftmaxBackwardRef(gi, beta, dout);
          Object.assign(ref, { out: f.out, aux: f.lse, dx: b.dx, dEdge: b.dEdge });
        }
        for (const [name, l] of Object.entries(layouts)) {
          if (name === 'dEdge' && !withEdge) continue;
          const got = await rt.read(gpu[name].parent);
          const expected = Float64Array.from(l.all);
          if (name in ref) {
            for (let r = 0; r < l.rows; r++) {
              for (let c = 0; c < d; c++) {
                const n = (r + 1) * l.width + l.c0 + c;
                expected[n] = ref[name][r * d + c] + (name === 'dx' ? dxInit[r * d + c] : 0);
              }
            }
          }
          if (name === 'aux' && kind === 'max') {
            const bits = new Uint32Array(Float32Array.from(l.all).buffer);
            const want = Array.from(expected, (e, n) => (n >= l.width ? e : bits[n]));
            // Outside the window the parent keeps the float bits it was uploaded with.
            for (let n = 0; n < want.length; n++) {
              const r = Math.floor(n / l.width) - 1;
              const c = (n % l.width) - l.c0;
              if (r < 0 || c < 0 || c >= d) want[n] = bits[n];
            }
            expect(Array.from(got)).toEqual(want);
          } else {
            const tol = kind === 'max' ? MAX_GRAD_TOL : SOFT_GRAD_TOL;
            expectClose(got, expected, tol, 1);
          }
        }
        rt.release(...Object.values(gpu).map((t) => t.parent));
        releaseCsr(rt, g);
        releaseCsr(rt, gT);
      }
      await expectNoGpuErrors(rt);
    },
  );
});

describe('GEN aggregation argument checks', () => {
  it('names the argument on shape and dtype mismatches and refuses shared output buffers', () => {
    const a = randomCsr(6, 6, 2, rng(90));
    const nnz = a.colIdx.length;
    const g = uploadCsr(rt, a, 'A');
    const gT = uploadCsr(rt, transposeCsr(a), 'AT');
    const x = rt.tensor(6, 4, 'activations');
    const edge = rt.tensor(nnz, 4, 'activations');
    const out = rt.tensor(6, 4, 'activations');
    const argmax = rt.tensor(6, 4, 'activations', { dtype: 'u32' });
    const lse = rt.tensor(6, 4, 'activations');
    const dout = rt.tensor(6, 4, 'grads');
    const dx = rt.tensor(6, 4, 'grads');
    const dEdge = rt.tensor(nnz, 4, 'grads');
    const short = rt.tensor(5, 4, 'activations');
    const wide = rt.tensor(6, 8, 'grads');
    expect(() => genMaxForward(rt, g, short, null, 0, out, argmax)).toThrow(
      /genMaxForward: x is 5×4, expected 6×4/,
    );
    expect(() => genMaxForward(rt, g, x, short, 0, out, argmax)).toThrow(
      new RegExp(`edge is 5×4, expected ${nnz}×4`),
    );
    expect(() => genMaxForward(rt, g, x, null, 0, out, lse)).toThrow(
      /argmax has dtype f32, expected u32/,
    );
    expect(() => genSoftmaxForward(rt, g, x, null, 0, 1, out, argmax)).toThrow(
      /lse has dtype u32, expected f32/,
    );
    expect(() => genMaxForward(rt, g, x, null, 0, x, argmax)).toThrow(/share a buffer/);
    expect(() => genMaxBackward(rt, g, g, x, edge, 0, argmax, dout, dx, dEdge)).toThrow(
      /aT has no perm/,
    );
    expect(() => genMaxBackward(rt, gT, g, x, null, 0, argmax, dout, dx, dEdge)).toThrow(
      /dEdge was given but edge is null/,
    );
    expect(() => genMaxBackward(rt, gT, g, x, edge, 0, argmax, dout, short, dEdge)).toThrow(
      /dx is 5×4, expected 6×4/,
    );
    expect(() =>
      genSoftmaxBackward(
        rt,
        gT,
        g,
        x,
        null,
        0,
        1,
        out,
        lse,
        wide.colSlice(0, 4),
        wide.colSlice(4, 8),
        null,
      ),
    ).toThrow(/dx .* and dout .* share a buffer/);
    rt.release(x, edge, out, argmax, lse, dout, dx, dEdge, short, wide);
    releaseCsr(rt, g);
    releaseCsr(rt, gT);
  });
});
