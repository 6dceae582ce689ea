// The GAT attention reference's gradients against central differences of its own output, on the
// awkward graphs the GPU kernels are also checked on (isolated nodes, stored self-loops only, one
// node, no edges at all), with and without edge features and with several heads.
import { describe, expect, it } from 'vitest';
import type { Csr } from '../graph/types';
import { initStream } from '../nn/params';
import { gatBackwardRef, gatForwardRef, type GatRefInputs } from './gat';
import { AWKWARD_GRAPHS } from '../testing/awkward-graphs';
import { csrFromPairs } from './sparse';

const H = 1e-6;
/** |fd − g| / max(|g|, 1): float64 central differences of a smooth function at h = 1e-6. */
const TOL = 1e-6;

function inputs(a: Csr, w: number, heads: number, withEdge: boolean, seed: number): GatRefInputs {
  const r = initStream(seed);
  const v = (n: number) => Float64Array.from({ length: n }, () => 2 * r() - 1);
  return {
    a,
    z: v(a.rows * w),
    att: v((withEdge ? 3 : 2) * w),
    edge: withEdge ? v(a.colIdx.length * w) : null,
    heads,
    w,
    slope: 0.2,
  };
}

/** L = Σ out ⊙ dout as a function of one input array's entry. */
function lossOf(g: GatRefInputs, dout: Float64Array): number {
  const { out } = gatForwardRef(g);
  return out.reduce((s, v, i) => s + v * dout[i], 0);
}

function expectFd(
  g: GatRefInputs,
  dout: Float64Array,
  name: 'z' | 'att' | 'edge',
  grad: Float64Array,
): void {
  const arr = g[name] as Float64Array;
  for (let i = 0; i < arr.length; i++) {
    const keep = arr[i];
    arr[i] = keep + H;
    const up = lossOf(g, dout);
    arr[i] = keep - H;
    const down = lossOf(g, dout);
    arr[i] = keep;
    const fd = (up - down) / (2 * H);
    expect(Math.abs(fd - grad[i]) / Math.max(Math.abs(grad[i]), 1), `${name}[${i}]`).toBeLessThan(
      TOL,
    );
  }
}

describe('GAT attention reference against central differences', () => {
  for (const { name, a } of AWKWARD_GRAPHS) {
    for (const [w, heads, withEdge] of [
      [6, 1, false],
      [6, 3, true],
      [8, 2, true],
    ] as const) {
      it(`${name}: w = ${w}, ${heads} head(s), ${withEdge ? 'edge features' : 'no edge features'}`, () => {
        const g = inputs(a, w, heads, withEdge, 11 + w + heads);
        const r = initStream(5);
        const dout = Float64Array.from({ length: a.rows * w }, () => 2 * r() - 1);
        const grads = gatBackwardRef(g, dout);
        expectFd(g, dout, 'z', grads.dz);
        expectFd(g, dout, 'att', grads.dAtt);
        if (withEdge) expectFd(g, dout, 'edge', grads.dEdge!);
      });
    }
  }

  it('an isolated node attends to itself alone: out = z', () => {
    const g = inputs(csrFromPairs(2, 2, []), 4, 2, false, 1);
    expect(Array.from(gatForwardRef(g).out)).toEqual(Array.from(g.z));
  });

  it('attention weights of each row and head sum to one', () => {
    const g = inputs(AWKWARD_GRAPHS[0].a, 6, 3, true, 2);
    for (const row of gatForwardRef(g).alpha)
      for (const head of row) expect(head.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });
});
