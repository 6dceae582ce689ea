// Mean GPU time of one kernel call, shared by the autotuner and the kernel benchmark: a warm-up
// (pipeline compilation, first touch of buffers), a probe that sizes the repetitions, then enough
// repetitions to fill the target time, recorded into as few submits as the batcher allows so
// per-submit overhead is amortised. Timestamp queries where the adapter has them (src/gpu/timer.ts),
// wall time to queue completion otherwise.
import type { GpuRuntime } from '../gpu/runtime';

export interface CallTiming {
  /** Mean milliseconds of one call. */
  ms: number;
  reps: number;
  source: 'gpu' | 'cpu';
}

export interface TimeOptions {
  /** Time the repetitions should fill. */
  targetMs: number;
  minReps?: number;
  maxReps?: number;
}

export async function timeCalls(
  rt: GpuRuntime,
  run: () => void,
  opts: TimeOptions,
): Promise<CallTiming> {
  const minReps = opts.minReps ?? 2;
  const maxReps = opts.maxReps ?? 200;
  run();
  await rt.sync();
  const probe = await rt.timed(run);
  const reps = Math.min(
    maxReps,
    Math.max(minReps, Math.ceil(opts.targetMs / Math.max(probe.ms, 1e-3))),
  );
  const t = await rt.timed(() => {
    for (let i = 0; i < reps; i++) run();
  });
  return { ms: t.ms / reps, reps, source: t.source };
}
