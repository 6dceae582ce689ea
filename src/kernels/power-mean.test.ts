// GEN's power-mean aggregation and the learned aggregation parameters (softmax's β, the power
// mean's p read from aux's spare element) on the GPU against the float64 reference: outputs,
// dx, dEdge and the parameter's own gradient.
//
// Tolerances (|a − b| / max(|b|, floor 1)): forward 1e-5 and backward 2e-5 — float32 exp/log
// powers of a few terms; the parameter gradient 1e-4 — a sum over every (row, channel) term.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { transposeCsr } from '../graph/csr';
import type { Csr } from '../graph/types';
import {
  genSoftmaxBackwardRef,
  genSoftmaxBetaGradRef,
  genSoftmaxForwardRef,
  type GenInputs,
} from '../reference/aggregate';
import { genPowerBackwardRef, genPowerForwardRef } from '../reference/power-mean';
import { randomCsr } from '../reference/sparse';
import { AWKWARD_GRAPHS } from '../testing/awkward-graphs';
import {
  expectClose,
  expectNoGpuErrors,
  randomArray,
  rng,
  sharedRuntime,
} from '../testing/gpu-fixture';
import {
  aggregationState,
  genSoftmaxBackward,
  genSoftmaxBetaGrad,
  genSoftmaxForward,
} from './aggregate';
import { releaseCsr, uploadCsr } from './csr-gpu';
import { genPowerBackward, genPowerForward, genPowerPGrad } from './power-mean';

const FWD_TOL = 1e-5;
const BWD_TOL = 2e-5;
const PARAM_TOL = 1e-4;

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await sharedRuntime();
});
afterAll(async () => {
  rt.allocator.assertNoLeaks();
  await expectNoGpuErrors(rt);
});

type Kind = 'softmax' | 'power';

function problem(a: Csr, d: number, withEdge: boolean, seed: number, scale = 1): GenInputs {
  return {
    a,
    d,
    x: randomArray(a.cols * d, seed).map((v) => v * scale),
    edge: withEdge ? randomArray(a.colIdx.length * d, seed + 1).map((v) => v * scale) : null,
    // Large enough that a kernel forgetting eps fails; keeps messages off the lower clamp.
    eps: 0.125,
  };
}

interface GpuResult {
  out: Float32Array;
  dx: Float32Array;
  dEdge: Float32Array | null;
  dParam: number;
}

/**
 * Forward, backward and the parameter gradient with the parameter on the GPU (in the state's
 * spare element) or, when `asNumber`, in the uniform block.
 */
async function runGpu(
  kind: Kind,
  p: GenInputs,
  param: number,
  dout: Float32Array,
  asNumber: boolean,
): Promise<GpuResult> {
  const { a, d } = p;
  const g = uploadCsr(rt, a, 'A');
  const gT = uploadCsr(rt, transposeCsr(a), 'AT');
  const x = rt.upload(Float32Array.from(p.x), a.cols, d, 'activations');
  const edge = p.edge
    ? rt.upload(Float32Array.from(p.edge), a.colIdx.length, d, 'activations')
    : null;
  const out = rt.tensor(a.rows, d, 'activations');
  const st = aggregationState(rt, a.rows, d, 'activations', { label: 'state' });
  const init = new Float32Array((a.rows + 1) * d);
  init[a.rows * d] = param;
  rt.write(st.state, init);
  const pArg: number | Tensor = asNumber ? param : st.param;
  const doutT = rt.upload(dout, a.rows, d, 'grads');
  const dx = rt.tensor(a.cols, d, 'grads', { zero: true });
  const dEdge = edge ? rt.tensor(a.colIdx.length, d, 'grads') : null;
  const dParam = rt.upload(Float32Array.of(0.25), 1, 1, 'grads');
  const acc = { accumulate: true };
  if (kind === 'softmax') {
    genSoftmaxForward(rt, g, x, edge, p.eps, pArg, out, st.aux);
    genSoftmaxBackward(rt, gT, g, x, edge, p.eps, pArg, out, st.aux, doutT, dx, dEdge, acc);
    genSoftmaxBetaGrad(rt, g, x, edge, p.eps, pArg, out, st.aux, doutT, dParam);
  } else {
    genPowerForward(rt, g, x, edge, p.eps, pArg, out, st.aux);
    genPowerBackward(rt, gT, g, x, edge, p.eps, pArg, st.aux, doutT, dx, dEdge, acc);
    genPowerPGrad(rt, g, x, edge, p.eps, pArg, st.aux, doutT, dParam);
  }
  const res: GpuResult = {
    out: (await rt.read(out)) as Float32Array,
    dx: (await rt.read(dx)) as Float32Array,
    dEdge: dEdge ? ((await rt.read(dEdge)) as Float32Array) : null,
    dParam: ((await rt.read(dParam)) as Float32Array)[0] - 0.25,
  };
  rt.release(x, edge, out, st.state, doutT, dx, dEdge, dParam);
  releaseCsr(rt, g);
  releaseCsr(rt, gT);
  return res;
}

async function check(kind: Kind, p: GenInputs, param: number, asNumber = false): Promise<void> {
  const dout = randomArray(p.a.rows * p.d, 77);
  const r = await runGpu(kind, p, param, dout, asNumber);
  let out: Float64Array;
  let grads: { dx: Float64Array; dEdge: Float64Array | null };
  let dParam: number;
  if (kind === 'softmax') {
    out = genSoftmaxForwardRef(p, param).out;
    grads = genSoftmaxBackwardRef(p, param, dout);
    dParam = genSoftmaxBetaGradRef(p, param, dout);
  } else {
    out = genPowerForwardRef(p, param);
    const g = genPowerBackwardRef(p, param, dout);
    grads = g;
    dParam = g.dP;
  }
  expectClose(r.out, out, FWD_TOL, 1);
  expectClose(r.dx, grads.dx, BWD_TOL, 1);
  if (p.edge) expectClose(r.dEdge!, grads.dEdge!, BWD_TOL, 1);
  expectClose([r.dParam], [dParam], PARAM_TOL, 1);
}

describe('GEN power mean and learned β / p: GPU against the float64 reference', () => {
  for (const { name, a } of AWKWARD_GRAPHS) {
    it(`${name}: power (p = 1 and 2.5) and softmax (β = 1.5), 3 and 8 channels`, async () => {
      for (const [d, withEdge] of [
        [3, false],
        [8, true],
      ] as const) {
        for (const pw of [1, 2.5]) await check('power', problem(a, d, withEdge, 3 + d), pw);
        await check('softmax', problem(a, d, withEdge, 5 + d), 1.5);
      }
    });
  }

  it('37 nodes × 13 channels with empty rows: learned p = 0.7 and β = -0.8, and the same values as numbers', async () => {
    const a = randomCsr(37, 37, 3, rng(3));
    for (const withEdge of [false, true]) {
      const p = problem(a, 13, withEdge, 21);
      for (const asNumber of [false, true]) {
        await check('power', p, 0.7, asNumber);
        await check('softmax', p, -0.8, asNumber);
      }
    }
  });

  it('where the clamps bind: messages past 10, and means of powers past 10', async () => {
    const a = randomCsr(20, 20, 3, rng(4));
    await check('power', problem(a, 8, true, 31, 14), 1.2);
    await check('power', problem(a, 8, false, 33, 3), 3);
  });

  it('refuses a tensor parameter outside aux’s spare element, saying where it must be', () => {
    const a = uploadCsr(rt, randomCsr(3, 3, 1, rng(1)), 'A');
    const x = rt.tensor(3, 4, 'activations');
    const out = rt.tensor(3, 4, 'activations');
    const st = aggregationState(rt, 3, 4, 'activations', { label: 'state' });
    const elsewhere = rt.tensor(1, 1, 'activations');
    expect(() => genPowerForward(rt, a, x, null, 0.1, elsewhere, out, st.aux)).toThrow(
      /spare element of the aux tensor's buffer/,
    );
    rt.release(x, out, st.state, elsewhere);
    releaseCsr(rt, a);
  });
});
