// GAT attention on the GPU against the float64 reference, forward (output and attention weights)
// and backward (dz, the attention vectors, the edge embedding), on awkward graphs.
//
// Tolerances (|a − b| / max(|b|, floor 1)): forward 1e-5 — float32 exp and sums of a few terms;
// backward 2e-5 — two levels of such sums (the softmax Jacobian, then the gathers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { transposeCsr } from '../graph/csr';
import type { Csr } from '../graph/types';
import { gatBackwardRef, gatForwardRef, type GatRefInputs } from '../reference/gat';
import { randomCsr } from '../reference/sparse';
import { AWKWARD_GRAPHS } from '../testing/awkward-graphs';
import {
  expectClose,
  expectNoGpuErrors,
  randomArray,
  rng,
  sharedRuntime,
} from '../testing/gpu-fixture';
import { releaseCsr, uploadCsr } from './csr-gpu';
import { GAT_SLOPE, gatBackward, gatForward } from './gat';

const FWD_TOL = 1e-5;
const BWD_TOL = 2e-5;

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await sharedRuntime();
});
afterAll(async () => {
  rt.allocator.assertNoLeaks();
  await expectNoGpuErrors(rt);
});

interface Case {
  a: Csr;
  w: number;
  heads: number;
  withEdge: boolean;
}

function problem(c: Case, seed: number): GatRefInputs {
  return {
    a: c.a,
    z: randomArray(c.a.rows * c.w, seed),
    att: randomArray((c.withEdge ? 3 : 2) * c.w, seed + 1),
    edge: c.withEdge ? randomArray(c.a.colIdx.length * c.w, seed + 2) : null,
    heads: c.heads,
    w: c.w,
    slope: GAT_SLOPE,
  };
}

/** The reference's weights in the GPU layout: entry k at row k, node i's self-loop at nnz + i. */
function referenceAlphaLayout(a: Csr, heads: number, alpha: number[][][]): Float64Array {
  const nnz = a.colIdx.length;
  const out = new Float64Array((nnz + a.rows) * heads);
  for (let i = 0; i < a.rows; i++) {
    for (let h = 0; h < heads; h++) {
      const row = alpha[i][h];
      out[(nnz + i) * heads + h] = row[0];
      let m = 1;
      for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++)
        if (a.colIdx[k] !== i) out[k * heads + h] = row[m++];
    }
  }
  return out;
}

async function readAll(...ts: (Tensor | null)[]): Promise<(Float32Array | null)[]> {
  const out: (Float32Array | null)[] = [];
  for (const t of ts) out.push(t ? ((await rt.read(t)) as Float32Array) : null);
  return out;
}

/** Forward and backward on the GPU; z, att and edge are views into wider buffers (offset, stride). */
async function runGpu(p: GatRefInputs, dout: Float32Array, dAttInit: Float32Array) {
  const { a, w } = p;
  const nnz = a.colIdx.length;
  const g = uploadCsr(rt, a, 'A');
  const gT = uploadCsr(rt, transposeCsr(a), 'AT');
  const wide = (data: ArrayLike<number>, rows: number) => {
    const t = rt.upload(new Float32Array(rows * (w + 3)).fill(7), rows, w + 3, 'activations');
    const view = t.colSlice(1, 1 + w);
    const full = new Float32Array(rows * (w + 3)).fill(7);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < w; c++) full[r * (w + 3) + 1 + c] = data[r * w + c];
    rt.write(t, full);
    return { t, view };
  };
  const z = wide(p.z, a.rows);
  const attRows = p.att.length / w;
  const att = wide(p.att, attRows);
  const edge = p.edge ? wide(p.edge, nnz) : null;
  const out = rt.tensor(a.rows, w, 'activations');
  const inputs = { a: g, z: z.view, att: att.view, edge: edge?.view ?? null, heads: p.heads };
  const alpha = gatForward(rt, inputs, out);
  const doutT = rt.upload(dout, a.rows, w, 'grads');
  const dz = rt.tensor(a.rows, w, 'grads');
  const dAtt = rt.upload(dAttInit, attRows, w, 'grads');
  const dEdge = edge ? rt.upload(new Float32Array(nnz * w).fill(0.5), nnz, w, 'grads') : null;
  gatBackward(rt, inputs, gT, alpha, doutT, { dz, dAtt, dEdge });
  const [o, al, gz, ga, ge] = await readAll(out, alpha, dz, dAtt, dEdge);
  rt.release(z.t, att.t, edge?.t ?? null, out, alpha, doutT, dz, dAtt, dEdge);
  releaseCsr(rt, g);
  releaseCsr(rt, gT);
  return { out: o!, alpha: al!, dz: gz!, dAtt: ga!, dEdge: ge };
}

async function checkAgainstReference(c: Case, seed: number): Promise<void> {
  const p = problem(c, seed);
  const dout = randomArray(c.a.rows * c.w, seed + 3);
  const dAttInit = randomArray(p.att.length, seed + 4);
  const gpu = await runGpu(p, dout, dAttInit);
  const ref = gatForwardRef(p);
  expectClose(gpu.out, ref.out, FWD_TOL, 1);
  const alpha = referenceAlphaLayout(c.a, c.heads, ref.alpha);
  expectClose(gpu.alpha.map(Math.abs), alpha, FWD_TOL, 1);
  const grads = gatBackwardRef(p, dout);
  expectClose(gpu.dz, grads.dz, BWD_TOL, 1);
  // Attention-vector and edge gradients are added to what the tensors held.
  expectClose(
    gpu.dAtt,
    grads.dAtt.map((v, i) => v + dAttInit[i]),
    BWD_TOL,
    1,
  );
  if (c.withEdge)
    expectClose(
      gpu.dEdge!,
      grads.dEdge!.map((v) => v + 0.5),
      BWD_TOL,
      1,
    );
}

describe('GAT attention: GPU against the float64 reference', () => {
  for (const { name, a } of AWKWARD_GRAPHS) {
    for (const [w, heads, withEdge] of [
      [6, 3, false],
      [8, 2, true],
    ] as const) {
      it(`${name}: w = ${w}, ${heads} heads, ${withEdge ? 'edge features' : 'no edge features'}`, async () => {
        await checkAgainstReference({ a, w, heads, withEdge }, 20 + w);
      });
    }
  }

  it('a larger random graph: 40 nodes, w = 12, 4 heads (dh = 3 straddles the 4-channel chunks), edge features', async () => {
    const a = randomCsr(40, 40, 4, rng(9));
    await checkAgainstReference({ a, w: 12, heads: 4, withEdge: true }, 31);
  });

  it('one head over the whole width, 24 channels', async () => {
    const a = randomCsr(30, 30, 3, rng(10));
    await checkAgainstReference({ a, w: 24, heads: 1, withEdge: false }, 41);
  });

  it('refuses a head count that does not divide the width, saying so', () => {
    const a = uploadCsr(rt, randomCsr(3, 3, 1, rng(1)), 'A');
    const z = rt.tensor(3, 6, 'activations');
    const att = rt.tensor(2, 6, 'activations');
    const out = rt.tensor(3, 6, 'activations');
    expect(() => gatForward(rt, { a, z, att, edge: null, heads: 4 }, out)).toThrow(
      /4 heads do not split 6 channels/,
    );
    rt.release(z, att, out);
    releaseCsr(rt, a);
  });
});
