// Progress as both hosts report it: at most every 100 ms (in the page each call crosses the
// DevTools protocol), but always when the label changes or a phase completes, so a terminal bar
// never misses a step and both hosts print the same lines.
import type { ProgressFn } from './types';

const PROGRESS_INTERVAL_MS = 100;

export function throttledProgress(send: ProgressFn): ProgressFn {
  let last = 0;
  let lastLabel = '';
  return (p) => {
    const now = performance.now();
    if (p.label === lastLabel && p.done < p.total && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    lastLabel = p.label;
    send(p);
  };
}
