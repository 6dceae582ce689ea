// Masked losses against float64. Tolerances (|gpu − ref| ≤ tol·max(|ref|, floor)): the mean loss
// to 2e-6 with floor 1 (float32 exp/log per row, a fixed-tree sum; observed ≤ 2e-7), gradients
// to 2e-6 with floor 1/denominator (each entry is a float32 softmax or sigmoid difference scaled
// by it). The float64 gradients match central differences (h = 1e-6) to 1e-6 with floor 1e-4.
// Rows that are not selected, or unlabelled, must get a gradient of exactly 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import { Tensor } from '../gpu/tensor';
import {
  expectClose,
  expectNoGpuErrors,
  randomArray,
  rng,
  sharedRuntime,
} from '../testing/gpu-fixture';
import { centralDiff, expectBystandersIntact, LAYOUTS, place, type Layout } from '../testing/views';
import { bceWithLogits, softmaxCrossEntropy } from './loss';
import { bceWithLogitsRef, softmaxCrossEntropyRef } from '../reference/loss';

const SELECT = 1;

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await sharedRuntime();
});
afterAll(async () => {
  await expectNoGpuErrors(rt);
});

interface Split {
  labels: Int32Array;
  mask: Uint32Array;
  /** selected rows with a label (what cross-entropy divides by) */
  labelled: number;
  /** selected rows (what BCE divides by, times the tasks) */
  selected: number;
}

function split(rows: number, k: number, seed: number): Split {
  const r = rng(seed);
  const labels = new Int32Array(rows);
  const mask = new Uint32Array(rows);
  let labelled = 0;
  let selected = 0;
  for (let i = 0; i < rows; i++) {
    // Mostly train (1); some valid (2), test (0) and unlabelled (−1) rows; row 0 always counts.
    mask[i] = i === 0 ? SELECT : [0, 1, 1, 2][Math.floor(r() * 4)];
    labels[i] = i > 0 && r() < 0.15 ? -1 : Math.floor(r() * k);
    if (mask[i] === SELECT) {
      selected++;
      if (labels[i] >= 0) labelled++;
    }
  }
  return { labels, mask, labelled, selected };
}

/** An N×1 integer column, alone or as column 1 of an N×2 tensor (row stride 2). */
function column(data: Int32Array | Uint32Array, layout: Layout): { t: Tensor; parent: Tensor } {
  if (layout === 'contiguous') {
    const parent = rt.upload(data, data.length, 1, 'graph');
    return { t: parent, parent };
  }
  const wide = new (data.constructor as Int32ArrayConstructor)(data.length * 2).fill(-7);
  data.forEach((v, i) => (wide[2 * i + 1] = v));
  const parent = rt.upload(wide, data.length, 2, 'graph');
  return { t: parent.colSlice(1, 2), parent };
}

function expectZeroRows(grad: ArrayLike<number>, k: number, skip: (r: number) => boolean): void {
  let nonzero = 0;
  for (let i = 0; i < grad.length; i++) if (skip(Math.floor(i / k)) && grad[i] !== 0) nonzero++;
  expect(nonzero, 'gradient entries on rows that do not count').toBe(0);
}

describe.each([
  [1, 1],
  [37, 13],
  [6, 7],
  [1, 50],
  [3000, 64],
  [20000, 3],
])('losses on %i×%i', (rows, k) => {
  const n = rows * k;
  const z = randomArray(n, 60 + n, -3, 3);
  const s = split(rows, k, 61 + n);
  const targets = Float32Array.from(randomArray(n, 62 + n), (v) => (v > 0 ? 1 : 0));

  it.each(LAYOUTS)('softmaxCrossEntropy on %s views', async (layout) => {
    const ref = softmaxCrossEntropyRef(z, rows, k, s.labels, s.mask, SELECT, s.labelled);
    const pz = place(rt, z, rows, k, layout);
    // The gradient starts as garbage: every entry must be written.
    const pg = place(rt, randomArray(n, 5, 10, 20), rows, k, layout);
    const lab = column(s.labels, layout);
    const msk = column(s.mask, layout);
    const loss = rt.tensor(1, 1, 'io');
    softmaxCrossEntropy(rt, pz.t, lab.t, msk.t, SELECT, s.labelled, pg.t, loss);
    expectClose(await rt.read(loss), [ref.loss], 2e-6, 1);
    const grad = await rt.read(pg.t);
    expectClose(grad, ref.grad, 2e-6, 1 / Math.max(1, s.labelled));
    expectZeroRows(grad, k, (r) => s.mask[r] !== SELECT || s.labels[r] < 0);
    await expectBystandersIntact(rt, pg);
    rt.release(pz.parent, pg.parent, lab.parent, msk.parent, loss);
    await expectNoGpuErrors(rt);
  });

  it.each(LAYOUTS)('bceWithLogits on %s views', async (layout) => {
    const ref = bceWithLogitsRef(z, rows, k, targets, s.mask, SELECT, s.selected);
    const pz = place(rt, z, rows, k, layout);
    const pt = place(rt, targets, rows, k, layout);
    const pg = place(rt, randomArray(n, 6, 10, 20), rows, k, layout);
    const msk = column(s.mask, layout);
    const loss = rt.tensor(1, 1, 'io');
    bceWithLogits(rt, pz.t, pt.t, msk.t, SELECT, s.selected, pg.t, loss);
    expectClose(await rt.read(loss), [ref.loss], 2e-6, 1);
    const grad = await rt.read(pg.t);
    expectClose(grad, ref.grad, 2e-6, 1 / Math.max(1, s.selected * k));
    expectZeroRows(grad, k, (r) => s.mask[r] !== SELECT);
    await expectBystandersIntact(rt, pg);
    rt.release(pz.parent, pt.parent, pg.parent, msk.parent, loss);
    await expectNoGpuErrors(rt);
  });
});

describe('loss gradients', () => {
  const rows = 6;
  const k = 5;
  const z = randomArray(rows * k, 70, -2, 2);
  const s = split(rows, k, 71);
  const targets = Float32Array.from(randomArray(rows * k, 72), (v) => (v > 0 ? 1 : 0));

  it('float64 gradients match central differences of the float64 losses', async () => {
    const xe = (x: Float64Array) =>
      softmaxCrossEntropyRef(x, rows, k, s.labels, s.mask, SELECT, s.labelled).loss;
    expectClose(
      softmaxCrossEntropyRef(z, rows, k, s.labels, s.mask, SELECT, s.labelled).grad,
      centralDiff(xe, z),
      1e-6,
      1e-4,
    );
    const bce = (x: Float64Array) =>
      bceWithLogitsRef(x, rows, k, targets, s.mask, SELECT, s.selected).loss;
    expectClose(
      bceWithLogitsRef(z, rows, k, targets, s.mask, SELECT, s.selected).grad,
      centralDiff(bce, z),
      1e-6,
      1e-4,
    );
    await expectNoGpuErrors(rt);
  });

  it('stay finite and accurate for extreme logits (stable forms)', async () => {
    const wild = Float32Array.from(z, (v, i) => v * [1, 20, 50, 100][i % 4]);
    const zt = rt.upload(wild, rows, k, 'activations');
    const g = rt.tensor(rows, k, 'workspace');
    const loss = rt.tensor(1, 1, 'io');
    const lab = rt.upload(s.labels, rows, 1, 'graph');
    const msk = rt.upload(s.mask, rows, 1, 'graph');
    const tg = rt.upload(targets, rows, k, 'graph');
    softmaxCrossEntropy(rt, zt, lab, msk, SELECT, s.labelled, g, loss);
    let ref = softmaxCrossEntropyRef(wild, rows, k, s.labels, s.mask, SELECT, s.labelled);
    expectClose(await rt.read(loss), [ref.loss], 2e-6, 1);
    expectClose(await rt.read(g), ref.grad, 2e-6, 1 / s.labelled);
    bceWithLogits(rt, zt, tg, msk, SELECT, s.selected, g, loss);
    ref = bceWithLogitsRef(wild, rows, k, targets, s.mask, SELECT, s.selected);
    expectClose(await rt.read(loss), [ref.loss], 2e-6, 1);
    expectClose(await rt.read(g), ref.grad, 2e-6, 1 / (s.selected * k));
    rt.release(zt, g, loss, lab, msk, tg);
    await expectNoGpuErrors(rt);
  });

  it('reads labels (i32) and mask (u32) from one shared buffer', async () => {
    // Interleaved [label, mask] per row: one binding, two dtypes, reinterpreted in the shader.
    const both = new Int32Array(rows * 2);
    s.labels.forEach((v, i) => (both[2 * i] = v));
    s.mask.forEach((v, i) => (both[2 * i + 1] = v));
    const parent = rt.upload(both, rows, 2, 'graph');
    const lab = parent.colSlice(0, 1);
    const msk = new Tensor(parent.buffer, rows, 1, {
      offset: 1,
      rowStride: 2,
      dtype: 'u32',
      view: true,
    });
    const zt = rt.upload(z, rows, k, 'activations');
    const g = rt.tensor(rows, k, 'workspace');
    const loss = rt.tensor(1, 1, 'io');
    softmaxCrossEntropy(rt, zt, lab, msk, SELECT, s.labelled, g, loss);
    const ref = softmaxCrossEntropyRef(z, rows, k, s.labels, s.mask, SELECT, s.labelled);
    expectClose(await rt.read(loss), [ref.loss], 2e-6, 1);
    expectClose(await rt.read(g), ref.grad, 2e-6, 1 / s.labelled);
    rt.release(parent, zt, g, loss);
    await expectNoGpuErrors(rt);
  });

  it('count 0 gives a zero loss and gradient; shape mismatches name the argument', async () => {
    const zt = rt.upload(z, rows, k, 'activations');
    const g = rt.upload(randomArray(rows * k, 3), rows, k, 'workspace');
    const loss = rt.upload(Float32Array.of(5), 1, 1, 'io');
    const lab = rt.upload(s.labels, rows, 1, 'graph');
    const none = rt.upload(new Uint32Array(rows).fill(9), rows, 1, 'graph');
    softmaxCrossEntropy(rt, zt, lab, none, SELECT, 0, g, loss);
    expect((await rt.read(loss))[0]).toBe(0);
    expect(Array.from(await rt.read(g)).every((v) => v === 0)).toBe(true);

    const short = rt.tensor(rows - 1, 1, 'graph', { dtype: 'u32' });
    expect(() => softmaxCrossEntropy(rt, zt, lab, short, SELECT, 1, g, loss)).toThrow(
      /softmaxCrossEntropy: mask .* must be 6×1, found 5×1/,
    );
    expect(() => bceWithLogits(rt, zt, g.colSlice(0, 2), none, SELECT, 1, g, loss)).toThrow(
      /bceWithLogits: targets .* must be 6×5, found 6×2/,
    );
    expect(() => softmaxCrossEntropy(rt, zt, zt.colSlice(0, 1), none, SELECT, 1, g, loss)).toThrow(
      /labels .* must be i32, found f32/,
    );
    expect(() => softmaxCrossEntropy(rt, zt, lab, none, SELECT, 7, g, loss)).toThrow(
      /count must be an integer in \[0, 6\]/,
    );
    rt.release(zt, g, loss, lab, none, short);
    await expectNoGpuErrors(rt);
  });
});
