// Test helpers for kernels on strided views: place data as a contiguous tensor or as a column
// slice of a wider one (unaligned offset, bystander columns around it), check that a kernel left
// the bystanders alone, and take central finite differences of float64 references.
import { expect } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import type { MemoryTag } from '../gpu/memory-tags';
import { randomArray } from './gpu-fixture';

export type Layout = 'contiguous' | 'strided';
export const LAYOUTS: readonly Layout[] = ['contiguous', 'strided'];

/** Columns a strided view starts at, and bystander columns after it. */
const LEFT = 3;
const RIGHT = 2;

export interface Placed {
  t: Tensor;
  parent: Tensor;
  /** The parent's contents at upload, row-major. */
  parentInit: Float32Array;
}

export function place(
  rt: GpuRuntime,
  data: Float32Array,
  rows: number,
  cols: number,
  layout: Layout,
  tag: MemoryTag = 'io',
): Placed {
  if (layout === 'contiguous') {
    const parent = rt.upload(data, rows, cols, tag);
    return { t: parent, parent, parentInit: data.slice() };
  }
  const width = LEFT + cols + RIGHT;
  const parentInit = randomArray(rows * width, 7919 + rows * 31 + cols, -9, 9);
  for (let r = 0; r < rows; r++) {
    parentInit.set(data.subarray(r * cols, (r + 1) * cols), r * width + LEFT);
  }
  const parent = rt.upload(parentInit, rows, width, tag);
  return { t: parent.colSlice(LEFT, LEFT + cols), parent, parentInit };
}

/** The columns around a strided view are exactly what they were. */
export async function expectBystandersIntact(rt: GpuRuntime, p: Placed): Promise<void> {
  if (p.t === p.parent) return;
  const now = (await rt.read(p.parent)) as Float32Array;
  const width = p.parent.cols;
  const c0 = p.t.offset - p.parent.offset;
  const c1 = c0 + p.t.cols;
  let changed = 0;
  for (let i = 0; i < now.length; i++) {
    const c = i % width;
    if ((c < c0 || c >= c1) && !Object.is(now[i], p.parentInit[i])) changed++;
  }
  expect(changed, `${changed} bystander values outside the view changed`).toBe(0);
}

/** ∂f/∂x_i by central differences with step h (f evaluated in float64). */
export function centralDiff(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  h = 1e-6,
): Float64Array {
  const xs = Float64Array.from(x);
  const g = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x0 = xs[i];
    xs[i] = x0 + h;
    const fp = f(xs);
    xs[i] = x0 - h;
    const fm = f(xs);
    xs[i] = x0;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** Σ a_i·b_i in float64. */
export function dot64(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
