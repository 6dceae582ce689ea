// Shared dropout: the GPU mask must equal the JS reference hash bit for bit (exact equality:
// the kept value is the f32 of 1/(1 − p) in both), dropout(x) must equal x·mask rounded to f32
// exactly and lie within 2.5e-7 relative of the float64 reference, and the statistics of the keep
// bits must sit within 5 binomial standard deviations of their expectations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import { expectClose, expectNoGpuErrors, randomArray, sharedRuntime } from '../testing/gpu-fixture';
import { dot64, expectBystandersIntact, LAYOUTS, place } from '../testing/views';
import { transposeCsr } from '../graph/csr';
import type { Csr } from '../graph/types';
import { releaseCsr, uploadCsr } from './csr-gpu';
import { dropout, dropoutCsr, dropoutMask } from './dropout';
import { dropoutMaskRef, dropoutRef } from '../reference/dropout';

const SIGMAS = 5;

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await sharedRuntime();
});
afterAll(async () => {
  await expectNoGpuErrors(rt);
});

async function gpuMask(
  rows: number,
  cols: number,
  o: Parameters<typeof dropoutMask>[2],
): Promise<Float32Array> {
  const m = rt.tensor(rows, cols, 'workspace');
  dropoutMask(rt, m, o);
  const out = (await rt.read(m)) as Float32Array;
  rt.release(m);
  return out;
}

/** |observed − n·q| ≤ 5·sqrt(n·q·(1 − q)) for a count of n Bernoulli(q) events. */
function expectBinomial(what: string, observed: number, n: number, q: number): void {
  const sd = Math.sqrt(n * q * (1 - q));
  const dev = Math.abs(observed - n * q);
  expect(
    dev,
    `${what}: ${observed} of ${n}, expected ${n * q} ± ${SIGMAS}·${sd.toFixed(1)}`,
  ).toBeLessThanOrEqual(SIGMAS * sd);
}

describe('dropout mask', () => {
  it.each([
    [1, 1, 0.5, 0, 0],
    [37, 13, 0.1, 0, 5],
    [6, 7, 0.9, 3, 0],
    [1, 50, 0.5, 0, 0],
    [3000, 64, 0.3, 0, 0],
    [20, 9, 0.5, 2 ** 31 + 7, 2 ** 32 - 4],
  ])(
    '%i×%i, p = %f, offsets (%i, %i): the GPU mask is the reference hash exactly',
    async (rows, cols, p, rowOffset, colOffset) => {
      const o = { seed: 1234567, p, rowOffset, colOffset };
      const got = await gpuMask(rows, cols, o);
      const want = Float32Array.from(dropoutMaskRef(rows, cols, o));
      let mismatches = 0;
      for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) mismatches++;
      expect(mismatches).toBe(0);
      await expectNoGpuErrors(rt);
    },
  );

  it('keeps 1 − p of the elements, independently of neighbours (5σ binomial)', async () => {
    const rows = 3000;
    const cols = 64;
    for (const p of [0.1, 0.5, 0.8]) {
      const m = await gpuMask(rows, cols, { seed: 99, p });
      const q = 1 - p;
      let kept = 0;
      let rightPairs = 0;
      let downPairs = 0;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const k = m[r * cols + c] !== 0;
          kept += +k;
          if (c + 1 < cols) rightPairs += +(k && m[r * cols + c + 1] !== 0);
          if (r + 1 < rows) downPairs += +(k && m[(r + 1) * cols + c] !== 0);
        }
      }
      expectBinomial(`kept, p = ${p}`, kept, rows * cols, q);
      // Pairs overlap, so these counts are not quite binomial; 5σ of the binomial still bounds
      // a hash whose neighbouring bits are correlated by more than ~1%.
      expectBinomial(`kept right pairs, p = ${p}`, rightPairs, rows * (cols - 1), q * q);
      expectBinomial(`kept down pairs, p = ${p}`, downPairs, (rows - 1) * cols, q * q);
    }
    await expectNoGpuErrors(rt);
  });

  it('is the same for a seed across calls and different across seeds', async () => {
    const o = { seed: 5, p: 0.5 };
    const a = await gpuMask(500, 40, o);
    const b = await gpuMask(500, 40, o);
    expect(Array.from(a)).toEqual(Array.from(b));
    for (const seed of [6, 5 + 2 ** 31]) {
      const c = await gpuMask(500, 40, { ...o, seed });
      let differ = 0;
      for (let i = 0; i < a.length; i++) differ += +(a[i] !== c[i]);
      // Independent masks differ where exactly one keeps: probability 2p(1 − p).
      expectBinomial(`seed ${seed} vs 5 differ`, differ, a.length, 2 * 0.5 * 0.5);
    }
    await expectNoGpuErrors(rt);
  });

  it('a group slice with colOffset, or a row block with rowOffset, is that part of the full mask', async () => {
    const rows = 37;
    const width = 11;
    const groups = 3;
    const o = { seed: 77, p: 0.4 };
    const full = await gpuMask(rows, groups * width, o);
    for (let g = 0; g < groups; g++) {
      const part = await gpuMask(rows, width, { ...o, colOffset: g * width });
      const cols = Array.from({ length: rows * width }, (_, i) => {
        const r = Math.floor(i / width);
        return full[r * groups * width + g * width + (i % width)];
      });
      expect(Array.from(part), `group ${g}`).toEqual(cols);
    }
    const block = await gpuMask(10, groups * width, { ...o, rowOffset: 20 });
    expect(Array.from(block)).toEqual(
      Array.from(full.subarray(20 * groups * width, 30 * groups * width)),
    );
    await expectNoGpuErrors(rt);
  });
});

describe('dropout', () => {
  it.each([
    [1, 1],
    [37, 13],
    [6, 7],
    [1, 50],
    [3000, 64],
  ])('%i×%i: x·mask on contiguous and strided views, in place too', async (rows, cols) => {
    const x = randomArray(rows * cols, rows * 7 + cols, -3, 3);
    const o = { seed: 31337, p: 0.35, colOffset: 4 };
    const scale = Math.fround(1 / (1 - o.p));
    const mask = dropoutMaskRef(rows, cols, o);
    const exact = x.map((v, i) => (mask[i] !== 0 ? Math.fround(v * scale) : 0));
    const ref = dropoutRef(x, rows, cols, o);
    for (const layout of LAYOUTS) {
      for (const inPlace of [false, true]) {
        const px = place(rt, x, rows, cols, layout);
        const po = inPlace ? px : place(rt, new Float32Array(rows * cols), rows, cols, layout);
        dropout(rt, px.t, po.t, o);
        const got = await rt.read(po.t);
        expect(Array.from(got)).toEqual(Array.from(exact));
        expectClose(got, ref, 2.5e-7, 1e-30);
        await expectBystandersIntact(rt, po);
        rt.release(px.parent);
        if (!inPlace) rt.release(po.parent);
      }
    }
    await expectNoGpuErrors(rt);
  });

  it('applied to ones equals dropoutMask; p = 0 is the identity', async () => {
    const o = { seed: 2024, p: 0.25, colOffset: 3, rowOffset: 9 };
    const ones = rt.upload(new Float32Array(37 * 13).fill(1), 37, 13, 'workspace');
    dropout(rt, ones, ones, o);
    expect(Array.from(await rt.read(ones))).toEqual(Array.from(await gpuMask(37, 13, o)));
    rt.release(ones);

    const x = randomArray(37 * 13, 3, -5, 5);
    for (const layout of LAYOUTS) {
      const px = place(rt, x, 37, 13, layout);
      const po = place(rt, new Float32Array(37 * 13), 37, 13, layout);
      dropout(rt, px.t, po.t, { seed: 1, p: 0 });
      expect(Array.from(await rt.read(po.t))).toEqual(Array.from(x));
      rt.release(px.parent, po.parent);
    }
    await expectNoGpuErrors(rt);
  });

  it('is its own adjoint: ⟨dropout(x), w⟩ = ⟨x, dropout(w)⟩, so dropout(dy) is the backward', async () => {
    const rows = 37;
    const cols = 13;
    const o = { seed: 8, p: 0.5 };
    const xs = randomArray(rows * cols, 41);
    const ws = randomArray(rows * cols, 42);
    const x = rt.upload(xs, rows, cols, 'activations');
    const w = rt.upload(ws, rows, cols, 'workspace');
    dropout(rt, x, x, o);
    dropout(rt, w, w, o);
    const lhs = dot64(await rt.read(x), ws);
    const rhs = dot64(xs, await rt.read(w));
    // Both sides sum the same kept products x·w·2 in float64; each term differs only by the one
    // f32 rounding of x·2 or w·2 (exact here: scaling by 2), so the sides agree to float64 noise.
    expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * rows * cols);
    rt.release(x, w);
    await expectNoGpuErrors(rt);
  });

  it('rejects p outside [0, 1) and non-integer seeds or offsets', async () => {
    const x = rt.tensor(2, 2, 'io');
    expect(() => dropout(rt, x, x, { seed: 1, p: 1 })).toThrow(/p must be in \[0, 1\), found 1/);
    expect(() => dropout(rt, x, x, { seed: 1, p: -0.1 })).toThrow(/p must be in/);
    expect(() => dropoutMask(rt, x, { seed: 1, p: NaN })).toThrow(/p must be in/);
    expect(() => dropout(rt, x, x, { seed: 1.5, p: 0.1 })).toThrow(/seed must be an integer/);
    expect(() => dropout(rt, x, x, { seed: 1, p: 0.1, colOffset: -1 })).toThrow(/colOffset/);
    const y = rt.tensor(2, 3, 'io');
    expect(() => dropout(rt, x, y, { seed: 1, p: 0.1 })).toThrow(/out .* must be 2×2, found 2×3/);
    rt.release(x, y);
    await expectNoGpuErrors(rt);
  });
});

describe('dropout of a sparse matrix’s entries (input dropout on sparse features)', () => {
  it('keeps entry (r, c) of a CSR and of its transpose exactly as the dense mask keeps (r, c)', async () => {
    const rows = 23;
    const cols = 17;
    const r = randomArray(rows * cols, 5, 0, 1);
    const rowPtr = new Uint32Array(rows + 1);
    const colIdx: number[] = [];
    const values: number[] = [];
    // Row 0 empty, the rest about 30 % full, values away from 1 so the scaling shows.
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (i > 0 && r[i * cols + j] < 0.3) {
          colIdx.push(j);
          values.push(0.5 + r[i * cols + j]);
        }
      }
      rowPtr[i + 1] = colIdx.length;
    }
    const csr: Csr = {
      rows,
      cols,
      rowPtr,
      colIdx: Uint32Array.from(colIdx),
      values: Float32Array.from(values),
    };
    const o = { seed: 31337, p: 0.4 };
    const mask = dropoutMaskRef(rows, cols, o);
    for (const [transposed, m] of [
      [false, csr],
      [true, transposeCsr(csr)],
    ] as const) {
      for (const withValues of [true, false]) {
        const host = withValues ? m : { ...m, values: undefined };
        const a = uploadCsr(rt, host, 'test features');
        const out = rt.tensor(1, a.nnz, 'workspace');
        dropoutCsr(rt, a, out, { ...o, transposed });
        const got = (await rt.read(out)) as Float32Array;
        for (let i = 0; i < m.rows; i++) {
          for (let k = m.rowPtr[i]; k < m.rowPtr[i + 1]; k++) {
            const [node, word] = transposed ? [m.colIdx[k], i] : [i, m.colIdx[k]];
            const v = withValues ? m.values![k] : 1;
            expect(got[k], `entry (${node}, ${word})`).toBe(
              Math.fround(v * Math.fround(mask[node * cols + word])),
            );
          }
        }
        releaseCsr(rt, a);
        rt.release(out);
      }
    }
    await expectNoGpuErrors(rt);
  });
});
