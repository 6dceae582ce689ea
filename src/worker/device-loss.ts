// Telling a lost device apart from other failures: a lost device may never settle what was
// pending, and its 'lost' can arrive just after the error it caused.
import { GpuOutOfMemoryError } from '../gpu/errors';
import type { GpuRuntime } from '../gpu/runtime';
import { TrainingDivergedError } from '../train/trainer';

export class DeviceLostSignal extends Error {
  constructor() {
    super('The GPU device was lost.');
  }
}

/** One per runtime (a listener per call would pile up over a long run). */
const lostPromises = new WeakMap<GpuRuntime, Promise<never>>();

function lostPromise(rt: GpuRuntime): Promise<never> {
  let p = lostPromises.get(rt);
  if (!p) {
    p = new Promise<never>((_, reject) => rt.onLost(() => reject(new DeviceLostSignal())));
    p.catch(() => undefined);
    lostPromises.set(rt, p);
  }
  return p;
}

/** Rejects as soon as the device is lost. */
export function untilLost<T>(rt: GpuRuntime, p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return Promise.race([p, lostPromise(rt)]);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether an error came from a lost device. */
export async function causedByLoss(rt: GpuRuntime, e: unknown): Promise<boolean> {
  if (e instanceof DeviceLostSignal || rt.isLost) return true;
  if (e instanceof GpuOutOfMemoryError || e instanceof TrainingDivergedError) return false;
  await Promise.race([lostPromise(rt).catch(() => undefined), sleep(500)]);
  return rt.isLost;
}
