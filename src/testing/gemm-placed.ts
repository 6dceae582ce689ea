// Dense matrices for the GEMM tests: placed as a whole tensor or as a column slice of a wider
// one (an unaligned slice takes the scalar path, a 16-byte aligned one the vec4 path), with a
// float64 copy for the reference and a check that nothing spilled outside the view.
//
// Tolerances: maxRelError with floor 1, i.e. absolute error for |expected| < 1 and relative
// above. Inputs are uniform in [-1, 1]; float32 accumulation over P terms errs by about
// P·2^-24·Σ|terms| at worst, so reductions up to ~100 terms use 2e-5 and the N = 3000
// reductions use 1e-4.
import { expect } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { refMatrix, type RefMatrix } from '../reference/gemm';
import { expectClose, expectNoGpuErrors, randomArray } from './gpu-fixture';

export const TOL = 2e-5;
export const TOL_LONG = 1e-4;
export const FLOOR = 1;

/** Where a matrix lives: `left` unused columns before it and `right` after, in a wider parent. */
export interface Layout {
  left: number;
  right: number;
}
export const DENSE: Layout = { left: 0, right: 0 };

export interface Placed {
  parent: Tensor;
  view: Tensor;
  /** The parent's contents as uploaded (padding included), to check nothing spilled. */
  initial: Float32Array;
  ref: RefMatrix;
}

let seed = 1;

export function place(rt: GpuRuntime, rows: number, cols: number, layout: Layout = DENSE): Placed {
  const width = layout.left + cols + layout.right;
  const initial = randomArray(rows * width, seed++);
  const parent = rt.upload(initial, rows, width, 'io');
  const view =
    layout.left || layout.right ? parent.colSlice(layout.left, layout.left + cols) : parent;
  const ref = refMatrix(rows, cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) ref.data[r * cols + c] = initial[r * width + layout.left + c];
  return { parent, view, initial, ref };
}

/** Checks the view against `expected` and that the parent's other columns are untouched. */
export async function expectPlaced(
  rt: GpuRuntime,
  p: Placed,
  expected: RefMatrix,
  tol: number,
): Promise<void> {
  const full = await rt.read(p.parent);
  const width = p.parent.cols;
  const left = p.view.offset - p.parent.offset;
  const got: number[] = [];
  for (let r = 0; r < p.view.rows; r++) {
    for (let c = 0; c < width; c++) {
      const v = full[r * width + c];
      if (c >= left && c < left + p.view.cols) got.push(v);
      else expect(v, `padding at (${r}, ${c}) changed`).toBe(p.initial[r * width + c]);
    }
  }
  expectClose(got, expected.data, tol, FLOOR);
}

export function clone(m: RefMatrix): RefMatrix {
  return refMatrix(m.rows, m.cols, m.data);
}

export const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [37, 13, 11],
  [37, 13, 17],
  [10, 5, 7],
  [1, 7, 3],
  [1, 12, 8],
  [33, 16, 12],
  [64, 64, 64],
  // Several 64×64 workgroup tiles with ragged edges, and a reduction over two 16-deep steps.
  [130, 20, 70],
];
// Column slices: unaligned (scalar path) and 16-byte aligned with a wider stride (vec4 path).
export const LAYOUTS: [string, Layout][] = [
  ['dense', DENSE],
  ['slice +3/+2', { left: 3, right: 2 }],
  ['slice +4/+4', { left: 4, right: 4 }],
];

type Dims = [number, number];

/**
 * Places a, b and out (each rows × cols as given) in every layout, runs the product with
 * accumulate off and on, and checks out against the reference (given a copy of out's initial
 * contents), and that nothing spilled outside it.
 */
export async function expectProduct(
  rt: GpuRuntime,
  dims: [Dims, Dims, Dims],
  run: (a: Tensor, b: Tensor, out: Tensor, accumulate: boolean) => void,
  ref: (a: RefMatrix, b: RefMatrix, out: RefMatrix, accumulate: boolean) => RefMatrix,
  tol: number,
): Promise<void> {
  for (const [, layout] of LAYOUTS) {
    for (const accumulate of [false, true]) {
      const [a, b, out] = dims.map(([r, c]) => place(rt, r, c, layout));
      run(a.view, b.view, out.view, accumulate);
      await expectPlaced(rt, out, ref(a.ref, b.ref, clone(out.ref), accumulate), tol);
      rt.release(a.parent, b.parent, out.parent);
    }
  }
  await expectNoGpuErrors(rt);
}
