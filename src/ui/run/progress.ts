// How far a run has come and how long it has left, from the step events the worker sends.
import type { RunStep } from '../../worker/protocol';

export interface RunProgress {
  /** 0..1 of this run's epochs. */
  fraction: number;
  epoch: number;
  step: number;
  steps: number;
  /** Estimated milliseconds left; null until there is something to go by. */
  etaMs: number | null;
}

export function runProgress(
  step: RunStep | null,
  startEpoch: number,
  epochs: number,
  finished: boolean,
): RunProgress {
  const total = Math.max(1, epochs - startEpoch);
  if (!step) {
    return { fraction: finished ? 1 : 0, epoch: startEpoch, step: 0, steps: 0, etaMs: null };
  }
  const done = Math.min(total, step.epoch - 1 - startEpoch + step.step / Math.max(1, step.steps));
  const fraction = finished ? 1 : Math.max(0, done / total);
  const etaMs =
    finished || fraction <= 0
      ? finished
        ? 0
        : null
      : (step.elapsedMs / fraction) * (1 - fraction);
  return { fraction, epoch: step.epoch, step: step.step, steps: step.steps, etaMs };
}

/** "1 h 02 min", "3 min 05 s", "12 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Short spans in milliseconds, longer ones as formatDuration. */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1000
    ? `${Math.round(ms)} ms`
    : ms < 10_000
      ? `${(ms / 1000).toFixed(1)} s`
      : formatDuration(ms);
}
