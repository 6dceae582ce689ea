// GEN's learnable aggregation parameters in the float64 reference: the power mean's gradients
// (x, edge features, p) and softmax's temperature gradient against central differences, in the
// plain regime and where the official code's clamps bind.
import { describe, expect, it } from 'vitest';
import { initStream } from '../nn/params';
import { AWKWARD_GRAPHS } from '../testing/awkward-graphs';
import { genSoftmaxBetaGradRef, genSoftmaxForwardRef, type GenInputs } from './aggregate';
import { genPowerBackwardRef, genPowerForwardRef } from './power-mean';
import { randomCsr } from './sparse';

const H = 1e-6;
const TOL = 1e-6;

/**
 * x_j = ±U(lo, hi) and e_k ∈ [0, 0.2): every pre-activation at least 0.1 from relu's kink (for
 * lo ≥ 0.3), so no central difference straddles it.
 */
function problem(a: GenInputs['a'], d: number, withEdge: boolean, seed: number, lo = 0.3, hi = 1) {
  const r = initStream(seed);
  const x = Float64Array.from(
    { length: a.cols * d },
    () => (r() < 0.5 ? -1 : 1) * (lo + (hi - lo) * r()),
  );
  const edge = withEdge
    ? Float64Array.from({ length: a.colIdx.length * d }, () => 0.2 * r())
    : null;
  return { a, x, edge, d, eps: 1e-7 } satisfies GenInputs;
}

function lossOf(out: Float64Array, dout: Float64Array): number {
  return out.reduce((s, v, i) => s + v * dout[i], 0);
}

function central(f: (h: number) => number): number {
  return (f(H) - f(-H)) / (2 * H);
}

function expectNear(got: number, want: number, what: string): void {
  expect(Math.abs(got - want) / Math.max(Math.abs(want), 1), what).toBeLessThan(TOL);
}

function checkPower(g: ReturnType<typeof problem>, p: number, seed: number): void {
  const r = initStream(seed);
  const dout = Float64Array.from({ length: g.a.rows * g.d }, () => 2 * r() - 1);
  const grads = genPowerBackwardRef(g, p, dout);
  const loss = (pp = p) => lossOf(genPowerForwardRef(g, pp), dout);
  expectNear(
    grads.dP,
    central((h) => loss(p + h)),
    'dP',
  );
  for (const [name, arr, grad] of [
    ['x', g.x, grads.dx],
    ['edge', g.edge, grads.dEdge],
  ] as const) {
    if (!arr || !grad) continue;
    for (let i = 0; i < arr.length; i++) {
      const keep = arr[i];
      const fd = central((h) => {
        arr[i] = keep + h;
        const v = loss();
        arr[i] = keep;
        return v;
      });
      expectNear(grad[i], fd, `${name}[${i}]`);
    }
  }
}

describe('GEN power mean: reference gradients against central differences', () => {
  for (const { name, a } of AWKWARD_GRAPHS) {
    // Not p = 1: a row whose messages are all eps has mean eps^p, at the lower clamp exactly when
    // p = 1 — a genuine kink in p that central differences straddle.
    it(`${name}: p = 1.3, 2.5, 0.6, with and without edge features`, () => {
      for (const p of [1.3, 2.5, 0.6]) {
        for (const withEdge of [false, true]) checkPower(problem(a, 3, withEdge, 7), p, 8);
      }
    });
  }

  it('a random graph with empty rows, 5 channels', () => {
    const a = randomCsr(12, 12, 2, initStream(4));
    checkPower(problem(a, 5, true, 9), 1.7, 10);
  });

  it('where the clamps bind: messages above 10 and means above 10 send no gradient through them', () => {
    const a = randomCsr(8, 8, 2, initStream(5));
    // Messages in (10.3, 14): clamped to 10; with p = 2 every mean of powers is 100, clamped.
    const big = problem(a, 2, false, 11, 10.3, 14);
    const grads = genPowerBackwardRef(big, 2, new Float64Array(8 * 2).fill(1));
    expect(Array.from(grads.dx).every((v) => v === 0)).toBe(true);
    checkPower(big, 2, 12);
    // Messages in (3, 4) with p = 2: unclamped messages, clamped means.
    checkPower(problem(a, 2, true, 13, 3, 4), 2, 14);
  });

  it('p = 1 is the mean of the messages', () => {
    const a = randomCsr(6, 6, 2, initStream(6));
    const g = problem(a, 3, true, 15);
    const out = genPowerForwardRef(g, 1);
    const { out: softmaxAtZero } = genSoftmaxForwardRef(g, 0);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(softmaxAtZero[i], 12);
  });
});

describe('GEN softmax temperature: reference gradient against central differences', () => {
  for (const { name, a } of AWKWARD_GRAPHS) {
    it(`${name}: β = 1, 2.5, -0.7`, () => {
      for (const beta of [1, 2.5, -0.7]) {
        const g = problem(a, 4, true, 16);
        const r = initStream(17);
        const dout = Float64Array.from({ length: a.rows * 4 }, () => 2 * r() - 1);
        const fd = central((h) => lossOf(genSoftmaxForwardRef(g, beta + h).out, dout));
        expectNear(genSoftmaxBetaGradRef(g, beta, dout), fd, `dβ at β = ${beta}`);
      }
    });
  }
});
