// spmm on the GPU against the float64 reference, once per variant (lanes, rowblock): awkward
// shapes, strided views, accumulation, the transposed product, and sparse bag-of-words features
// times a weight matrix (and its weight gradient). Tolerance: |gpu − ref| / max(|ref|, 1) ≤ 1e-5 — float32 sums of at most a few
// dozen products of magnitude ≤ 1 are good to ~1e-6 absolute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Csr } from '../graph/types';
import { transposeCsr } from '../graph/csr';
import { csrFromPairs, randomCsr, spmmRef } from '../reference/sparse';
import {
  expectClose,
  expectNoGpuErrors,
  randomArray,
  rng,
  sharedRuntime,
} from '../testing/gpu-fixture';
import { releaseCsr, uploadCsr, vec4Aligned } from './csr-gpu';
import { spmm } from './spmm';
import { forEachVariant } from '../testing/variants';

const TOL = 1e-5;
const FLOOR = 1;

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await sharedRuntime();
});
afterAll(async () => {
  rt.allocator.assertNoLeaks();
  await expectNoGpuErrors(rt);
});

/** Runs spmm on contiguous tensors and returns the result with the reference. */
async function runSpmm(
  a: Csr,
  d: number,
  seed: number,
  opts: { accumulate?: boolean } = {},
): Promise<{ gpu: Float32Array; ref: Float64Array }> {
  const xData = randomArray(a.cols * d, seed);
  const init = randomArray(a.rows * d, seed + 1);
  const g = uploadCsr(rt, a, 'A');
  const x = rt.upload(xData, a.cols, d, 'io');
  const out = rt.upload(init, a.rows, d, 'io');
  spmm(rt, g, x, out, opts);
  const gpu = (await rt.read(out)) as Float32Array;
  rt.release(x, out);
  releaseCsr(rt, g);
  const ref = spmmRef(a, xData, d);
  if (opts.accumulate) for (let n = 0; n < ref.length; n++) ref[n] += init[n];
  return { gpu, ref };
}

function emptyRows(a: Csr): number {
  let n = 0;
  for (let i = 0; i < a.rows; i++) if (a.rowPtr[i] === a.rowPtr[i + 1]) n++;
  return n;
}

forEachVariant('spmm', () => {
  it('handles one node: with a self-loop, and with no edges', async () => {
    const loop = csrFromPairs(1, 1, [[0, 0]], [2.5]);
    for (const d of [1, 4, 6]) {
      const { gpu, ref } = await runSpmm(loop, d, 10 + d);
      expectClose(gpu, ref, TOL, FLOOR);
    }
    const bare = csrFromPairs(1, 1, []);
    const { gpu, ref } = await runSpmm(bare, 3, 20);
    expect(Array.from(gpu)).toEqual([0, 0, 0]);
    expect(Array.from(ref)).toEqual([0, 0, 0]);
    await expectNoGpuErrors(rt);
  });

  it('matches the reference on 37 nodes × 13 channels, accumulate off and on', async () => {
    const r = rng(1);
    for (const values of [true, false]) {
      const a = randomCsr(37, 37, 3, r, { values });
      expect(emptyRows(a)).toBeGreaterThan(0);
      for (const accumulate of [false, true]) {
        const { gpu, ref } = await runSpmm(a, 13, 2, { accumulate });
        expectClose(gpu, ref, TOL, FLOOR);
      }
    }
    await expectNoGpuErrors(rt);
  });

  it('covers channel counts, multiples of 4 or not, rows without neighbours, nnz = 0', async () => {
    const r = rng(3);
    const a = randomCsr(23, 19, 2, r, { values: true });
    expect(emptyRows(a)).toBeGreaterThan(0);
    // 4, 8, 12, 16 take the vec4 shader; 4 and 12 leave the second lane of a chunk empty.
    for (const d of [1, 2, 3, 4, 5, 7, 8, 9, 12, 16]) {
      const { gpu, ref } = await runSpmm(a, d, 4 + d);
      expectClose(gpu, ref, TOL, FLOOR);
    }
    const none = csrFromPairs(5, 4, []);
    for (const accumulate of [false, true]) {
      const { gpu, ref } = await runSpmm(none, 6, 30, { accumulate });
      expectClose(gpu, ref, TOL, FLOOR);
    }
    await expectNoGpuErrors(rt);
  });

  it('handles a self-loop-only graph', async () => {
    const n = 11;
    const a = csrFromPairs(
      n,
      n,
      Array.from({ length: n }, (_, i) => [i, i] as const),
      Array.from({ length: n }, (_, i) => 0.5 + i),
    );
    const { gpu, ref } = await runSpmm(a, 10, 40);
    expectClose(gpu, ref, TOL, FLOOR);
    await expectNoGpuErrors(rt);
  });

  // [d, x parent width, x first column, out parent width, out first column]; each view also
  // starts one row down. Odd layouts force the scalar shader, multiples of 4 the vec4 one.
  it.each([
    ['scalar', [7, 12, 3, 10, 2]],
    ['vec4', [8, 16, 4, 12, 4]],
  ] as const)(
    '%s: reads and writes strided views, leaving the other columns alone',
    async (family, lay) => {
      const [d, xw, xc, ow, oc] = lay;
      const a = randomCsr(29, 31, 3, rng(5), { values: true });
      const xWide = randomArray((a.cols + 1) * xw, 6);
      const g = uploadCsr(rt, a, 'A');
      const xT = rt.upload(xWide, a.cols + 1, xw, 'io');
      const outT = rt.upload(randomArray((a.rows + 1) * ow, 7), a.rows + 1, ow, 'io');
      const x = xT.rowSlice(1, a.cols + 1).colSlice(xc, xc + d);
      const out = outT.rowSlice(1, a.rows + 1).colSlice(oc, oc + d);
      expect(vec4Aligned(x, out)).toBe(family === 'vec4');
      const xData = Float64Array.from({ length: a.cols * d }, (_, n) => {
        const [j, c] = [Math.floor(n / d), n % d];
        return xWide[(j + 1) * xw + xc + c];
      });
      const ref = spmmRef(a, xData, d);
      for (const accumulate of [false, true]) {
        const before = (await rt.read(outT)) as Float32Array;
        spmm(rt, g, x, out, { accumulate });
        const after = (await rt.read(outT)) as Float32Array;
        const expected = Float64Array.from(before);
        for (let i = 0; i < a.rows; i++) {
          for (let c = 0; c < d; c++) {
            const n = (i + 1) * ow + oc + c;
            expected[n] = ref[i * d + c] + (accumulate ? before[n] : 0);
          }
        }
        expectClose(after, expected, TOL, FLOOR);
      }
      rt.release(xT, outT);
      releaseCsr(rt, g);
      await expectNoGpuErrors(rt);
    },
  );

  it('computes Aᵀ·y with the uploaded transposed CSR', async () => {
    const a = randomCsr(40, 25, 4, rng(8), { values: true });
    const d = 9;
    const y = randomArray(a.rows * d, 9);
    // Aᵀ·y straight from A's entries: out[j] += a_ij · y_i.
    const ref = new Float64Array(a.cols * d);
    for (let i = 0; i < a.rows; i++) {
      for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
        for (let c = 0; c < d; c++) ref[a.colIdx[k] * d + c] += a.values![k] * y[i * d + c];
      }
    }
    const gT = uploadCsr(rt, transposeCsr(a), 'AT');
    const yT = rt.upload(y, a.rows, d, 'io');
    const out = rt.tensor(a.cols, d, 'io');
    spmm(rt, gT, yT, out);
    expectClose(await rt.read(out), ref, TOL, FLOOR);
    rt.release(yT, out);
    releaseCsr(rt, gT);
    await expectNoGpuErrors(rt);
  });

  it('multiplies sparse bag-of-words features by a weight matrix, and gives its gradient', async () => {
    const r = rng(11);
    const n = 45;
    const f = 60;
    const d = 10;
    for (const values of [false, true]) {
      // Binary bag-of-words (no values) and tf-idf-like weights.
      const feats = randomCsr(n, f, 5, r, { values, selfLoops: true });
      const w = randomArray(f * d, 12);
      const dy = randomArray(n * d, 13);
      const xf = (k: number) => (feats.values ? feats.values[k] : 1);
      const refY = new Float64Array(n * d);
      const refDw = new Float64Array(f * d);
      for (let i = 0; i < n; i++) {
        for (let k = feats.rowPtr[i]; k < feats.rowPtr[i + 1]; k++) {
          const col = feats.colIdx[k];
          for (let c = 0; c < d; c++) {
            refY[i * d + c] += xf(k) * w[col * d + c];
            refDw[col * d + c] += xf(k) * dy[i * d + c];
          }
        }
      }
      const g = uploadCsr(rt, feats, 'features');
      const gT = uploadCsr(rt, transposeCsr(feats), 'featuresT');
      const wT = rt.upload(w, f, d, 'params');
      const dyT = rt.upload(dy, n, d, 'io');
      const yT = rt.tensor(n, d, 'activations');
      const dwT = rt.tensor(f, d, 'grads');
      spmm(rt, g, wT, yT);
      spmm(rt, gT, dyT, dwT);
      expectClose(await rt.read(yT), refY, TOL, FLOOR);
      expectClose(await rt.read(dwT), refDw, TOL, FLOOR);
      rt.release(wT, dyT, yT, dwT);
      releaseCsr(rt, g);
      releaseCsr(rt, gT);
    }
    await expectNoGpuErrors(rt);
  });

  it('matches the reference on 3000 nodes × 64 channels, ~10 edges per node', async () => {
    const a = randomCsr(3000, 3000, 10, rng(21), { values: true });
    const d = 64;
    const xData = randomArray(a.cols * d, 22);
    const g = uploadCsr(rt, a, 'A');
    const x = rt.upload(xData, a.cols, d, 'io');
    const out = rt.tensor(a.rows, d, 'io');
    spmm(rt, g, x, out); // compiles the pipeline outside the timing
    const t = await rt.timed(() => spmm(rt, g, x, out));
    console.info(
      `spmm 3000×3000 (nnz ${a.colIdx.length}) × 64: ${t.ms.toFixed(2)} ms (${t.source})`,
    );
    expectClose(await rt.read(out), spmmRef(a, xData, d), TOL, FLOOR);
    rt.release(x, out);
    releaseCsr(rt, g);
    await expectNoGpuErrors(rt);
  });

  it('walks rows longer than one staged step, and channels past one pass', async () => {
    // Row 0 has 150 entries (many 4·TPR-entry steps), rows 1–3 have none, the rest a few: one
    // workgroup's rows differ in length. 600 channels pass 8·64, the widest row block.
    const pairs: [number, number][] = [];
    for (let j = 0; j < 150; j++) pairs.push([0, j]);
    for (let i = 4; i < 9; i++) for (let j = 0; j < i; j++) pairs.push([i, (7 * j + i) % 150]);
    const weights = pairs.map((_, n) => ((n % 7) - 3) / 4);
    const a = csrFromPairs(9, 150, pairs, weights);
    for (const d of [3, 8, 600]) {
      for (const accumulate of [false, true]) {
        const { gpu, ref } = await runSpmm(a, d, 50 + d, { accumulate });
        expectClose(gpu, ref, TOL, FLOOR);
      }
    }
    await expectNoGpuErrors(rt);
  });
});

describe('spmm reference and checks', () => {
  it('reference: Aᵀ·G is the gradient of Σ (A·x) ⊙ G, by central differences (tol 1e-6)', () => {
    const a = randomCsr(7, 6, 2, rng(40), { values: true });
    const d = 3;
    const x = Float64Array.from(randomArray(a.cols * d, 41));
    const G = randomArray(a.rows * d, 42);
    const loss = () => spmmRef(a, x, d).reduce((s, v, n) => s + v * G[n], 0);
    const h = 1e-5;
    const fd = x.map((v0, n) => {
      x[n] = v0 + h;
      const up = loss();
      x[n] = v0 - h;
      const down = loss();
      x[n] = v0;
      return (up - down) / (2 * h);
    });
    expectClose(spmmRef(transposeCsr(a), G, d), fd, 1e-6, 1);
  });

  it('names the argument on shape mismatches and refuses an output sharing a buffer', () => {
    const a = randomCsr(6, 5, 2, rng(30));
    const g = uploadCsr(rt, a, 'A');
    const x = rt.tensor(5, 4, 'io');
    const badX = rt.tensor(6, 4, 'io');
    const badOut = rt.tensor(6, 3, 'io');
    const out = rt.tensor(6, 4, 'io');
    const wide = rt.tensor(6, 8, 'io');
    expect(() => spmm(rt, g, badX, out)).toThrow(/spmm: x is 6×4, expected 5×4/);
    expect(() => spmm(rt, g, x, badOut)).toThrow(/spmm: out is 6×3, expected 6×4/);
    expect(() => spmm(rt, g, wide.rowSlice(0, 5).colSlice(0, 4), wide.colSlice(4, 8))).toThrow(
      /share a buffer/,
    );
    rt.release(x, badX, badOut, out, wide);
    releaseCsr(rt, g);
  });

  it('rejects a malformed CSR with a clear message', () => {
    const bad: Csr = {
      rows: 2,
      cols: 2,
      rowPtr: Uint32Array.from([0, 1, 2]),
      colIdx: Uint32Array.from([0, 5]),
    };
    expect(() => uploadCsr(rt, bad, 'bad')).toThrow(/colIdx\[1\] = 5 is not below cols = 2/);
    const short: Csr = { ...bad, rowPtr: Uint32Array.from([0, 2]) };
    expect(() => uploadCsr(rt, short, 'short')).toThrow(/rowPtr has 2 entries, expected/);
  });
});
