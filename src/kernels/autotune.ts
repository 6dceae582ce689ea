// The autotuner: before a run, each kernel family's variants (./variants.ts) are timed on this
// adapter on the run's sizes (./tune-cases.ts), a few milliseconds each, and the fastest one whose
// results agree with the portable variant is chosen. The choice is kept in the runtime's table and
// in the host's cache, keyed by adapter and sizes, so the next run on the same adapter and sizes
// takes it without timing anything. A forced family is never timed.
import type { AdapterSummary } from '../gpu/device';
import { GpuOutOfMemoryError } from '../gpu/errors';
import type { GpuRuntime } from '../gpu/runtime';
import type { VariantChoice, VariantRecord } from '../gpu/variants';
import { timeCalls, type CallTiming } from './time-calls';
import { tuneCase, type TuneCase, type Workload } from './tune-cases';
import { candidates, FAMILIES, FAMILY_NAMES, unavailableReason, type Family } from './variants';

export type { Workload } from './tune-cases';

/** Part of every cache key: raise it when a variant changes enough that old timings are stale. */
export const KERNEL_SET_VERSION = 1;
/** Time the repetitions of one candidate fill. */
const TARGET_MS = 4;
const MAX_REPS = 50;
/** Larger parts are timed at this many nodes: the ranking of the variants has settled by then. */
const MAX_TUNE_NODES = 32_768;
/** A candidate whose results differ from the portable variant's by more than this is dropped. */
const AGREEMENT = 1e-3;

export type KernelChoices = Record<Family, VariantChoice>;

function pow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

/** The sizes actually timed: nodes capped, the mean degree kept. */
export function tunedWorkload(w: Workload): Workload {
  const nodes = Math.max(1, Math.min(w.nodes, MAX_TUNE_NODES));
  const degree = w.nnz / Math.max(1, w.nodes);
  return { nodes, width: Math.max(1, w.width), nnz: Math.round(degree * nodes) };
}

export function adapterKey(a: AdapterSummary): string {
  return [a.vendor, a.architecture, a.device, a.description].join('|');
}

/** One cache key per adapter, kernel set, family and size class (nodes and degree by octave). */
export function cacheKey(a: AdapterSummary, family: Family, w: Workload): string {
  const degree = family === 'spmm' ? `,deg≤${pow2(w.nnz / Math.max(1, w.nodes))}` : '';
  return `v${KERNEL_SET_VERSION}|${adapterKey(a)}|${family}|n≤${pow2(w.nodes)},w=${w.width}${degree}`;
}

/**
 * Chooses a variant for every family, sets it on the runtime, and returns the choices. Timing runs
 * only for families that are neither forced, nor alone, nor cached (and, by default, only on a
 * hardware adapter); a forced variant the adapter cannot run is refused here, in words.
 */
export async function autotuneKernels(rt: GpuRuntime, workload: Workload): Promise<KernelChoices> {
  const w = tunedWorkload(workload);
  const out = {} as KernelChoices;
  let timed = false;
  for (const family of FAMILY_NAMES) {
    out[family] = await chooseFamily(rt, family, w, () => (timed = true));
    rt.variants.set(family, out[family]);
  }
  // The trials' buffers are pooled sizes the run will not ask for; nothing of them stays.
  if (timed) {
    rt.releaseTimer();
    rt.allocator.trim();
  }
  return out;
}

async function chooseFamily(
  rt: GpuRuntime,
  family: Family,
  w: Workload,
  onTiming: () => void,
): Promise<VariantChoice> {
  const forced = rt.variants.forced[family];
  if (forced) {
    const why = unavailableReason(rt, family, forced);
    if (why) throw new Error(`Kernel variant ${family}=${forced} was asked for, but ${why}.`);
    return { variant: forced, source: 'forced' };
  }
  const fallback: string = FAMILIES[family].fallback;
  const list: string[] = candidates(rt, family);
  if (list.length === 1) {
    const others = FAMILIES[family].variants.filter((v) => v.name !== fallback);
    const why = others.map((v) => `${v.name}: ${unavailableReason(rt, family, v.name)}`);
    return { variant: fallback, source: 'only', note: why.join('; ') };
  }
  const policy = rt.variants.autotune;
  if (policy === 'never') {
    return { variant: fallback, source: 'default', note: 'autotuning is off' };
  }
  if (policy === 'hardware' && rt.adapterInfo.isFallback) {
    return { variant: fallback, source: 'default', note: 'software adapter: not timed' };
  }
  const key = cacheKey(rt.adapterInfo, family, w);
  const hit = await rt.variants.cache.get(key).catch(() => undefined);
  if (hit && list.includes(hit.variant)) {
    return { variant: hit.variant, source: 'cached', timings: hit.timings };
  }
  onTiming();
  const trial = await timeCandidates(
    rt,
    family,
    [fallback, ...list.filter((v) => v !== fallback)],
    w,
  );
  if (!trial.record) return { variant: fallback, source: 'default', note: trial.notes.join('; ') };
  let note = trial.notes.join('; ');
  try {
    await rt.variants.cache.set(key, trial.record);
  } catch (e) {
    note = [note, `not cached: ${e instanceof Error ? e.message : String(e)}`]
      .filter(Boolean)
      .join('; ');
  }
  const choice: VariantChoice = {
    variant: trial.record.variant,
    source: 'tuned',
    timings: trial.record.timings,
  };
  return note ? { ...choice, note } : choice;
}

interface Trial {
  record: VariantRecord | null;
  notes: string[];
}

/** Times each candidate (the portable one first, as the reference its results must agree with). */
async function timeCandidates(
  rt: GpuRuntime,
  family: Family,
  list: string[],
  w: Workload,
): Promise<Trial> {
  let c: TuneCase;
  try {
    c = tuneCase(rt, family, w);
  } catch (e) {
    if (e instanceof GpuOutOfMemoryError) {
      return { record: null, notes: ['not timed: its test buffers do not fit in memory'] };
    }
    throw e;
  }
  const notes: string[] = [];
  const timings: Record<string, number> = {};
  let reference: Float32Array[] | null = null;
  let source: CallTiming['source'] = 'cpu';
  try {
    for (const variant of list) {
      const restore = rt.variants.pin(family, variant);
      try {
        const t = await scopedTiming(rt, c);
        if (typeof t === 'string') {
          notes.push(`${variant} failed: ${t}`);
          continue;
        }
        const outs = (await Promise.all(c.outputs.map((o) => rt.read(o)))) as Float32Array[];
        if (reference) {
          const err = maxRelDiff(outs, reference);
          if (err > AGREEMENT) {
            notes.push(
              `${variant} left out: its results differ from ${list[0]}'s by ${err.toExponential(1)}`,
            );
            continue;
          }
        } else reference = outs;
        timings[variant] = t.ms;
        source = t.source;
      } finally {
        restore();
      }
    }
  } finally {
    c.release();
  }
  const ranked = Object.entries(timings).sort((a, b) => a[1] - b[1]);
  if (!ranked.length) return { record: null, notes };
  return {
    record: { variant: ranked[0][0], timings, timing: source, at: new Date().toISOString() },
    notes,
  };
}

/** The candidate's timing, or the GPU's validation message when it cannot run here. */
async function scopedTiming(rt: GpuRuntime, c: TuneCase): Promise<CallTiming | string> {
  rt.device.pushErrorScope('validation');
  let t: CallTiming | Error;
  try {
    t = await timeCalls(rt, c.run, { targetMs: TARGET_MS, maxReps: MAX_REPS });
  } catch (e) {
    t = e instanceof Error ? e : new Error(String(e));
  }
  const err = await rt.device.popErrorScope();
  if (err) return err.message;
  if (t instanceof Error) throw t;
  return t;
}

/** Largest |a − b| / max(|b|, 1) over all outputs; Infinity for a NaN or infinity in a. */
function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  for (let k = 0; k < b.length; k++) {
    for (let i = 0; i < b[k].length; i++) {
      const d = Math.abs(a[k][i] - b[k][i]) / Math.max(1, Math.abs(b[k][i]));
      if (!Number.isFinite(d)) return Infinity;
      worst = Math.max(worst, d);
    }
  }
  return worst;
}
