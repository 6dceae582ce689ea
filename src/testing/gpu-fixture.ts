// Shared helpers for browser tests: one runtime per test file, closeness checks with a stated
// tolerance, and a guard that no uncaptured GPU error slipped through.
import { expect } from 'vitest';
import { GpuRuntime, type RuntimeOptions } from '../gpu/runtime';
import { initStream } from '../nn/params';

let shared: GpuRuntime | null = null;

export async function sharedRuntime(): Promise<GpuRuntime> {
  if (!shared || shared.isLost) shared = await GpuRuntime.create();
  return shared;
}

export async function freshRuntime(opts: RuntimeOptions = {}): Promise<GpuRuntime> {
  return GpuRuntime.create(opts);
}

/** Asserts the runtime raised no validation/internal errors, after the queue has drained. */
export async function expectNoGpuErrors(rt: GpuRuntime): Promise<void> {
  await rt.sync();
  expect(rt.errors, rt.errors.map((e) => e.message).join('\n')).toEqual([]);
}

/**
 * Max relative error: |a - b| / max(|b|, floor), the floor keeping near-zero entries from
 * dominating. Returns the worst value so failures say how far off they were.
 */
export function maxRelError(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  floor = 1e-3,
): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!Number.isFinite(a) && a !== e) return Infinity;
    const err = Math.abs(a - e) / Math.max(Math.abs(e), floor);
    if (err > worst || Number.isNaN(err)) worst = err;
  }
  return worst;
}

export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  floor = 1e-3,
): void {
  const err = maxRelError(actual, expected, floor);
  expect(err, `max relative error ${err} exceeds ${tol}`).toBeLessThanOrEqual(tol);
}

/** A seeded PRNG (mulberry32): the generator parameter initialisation uses. */
export const rng = initStream;

export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}
