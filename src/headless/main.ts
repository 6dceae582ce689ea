// The page behind headless runs (headless.html, driven by scripts/lib/headless.ts). It registers
// named entry points on window.revgnnHeadless; the Node side calls one by name with JSON-able
// arguments and gets its JSON-able result back. Progress goes out through window.revgnnProgress,
// which the Node side exposes.
import { runBench, type BenchArgs } from './bench';
import { runBenchScale, type BenchScaleArgs } from './bench-scale';
import { benchKernels, type BenchKernelsArgs } from './bench-kernels';
import { configureKernels } from './kernel-host';
import { sweepHeadless, type SweepArgs } from './sweep';
import { trainHeadless, type TrainArgs } from './train';

export interface HeadlessProgress {
  label: string;
  done: number;
  total: number;
}

export type ProgressFn = (p: HeadlessProgress) => void;

/** An entry point as written here: arguments from Node, and a progress callback. */
export type HeadlessEntry = (args: unknown, progress: ProgressFn) => Promise<unknown>;

/**
 * What the Node side sees on window.revgnnHeadless: name → async function(args, kernels), where
 * kernels is the `--kernels` text (src/kernels/variants.ts) for the runtimes the entry creates.
 */
export type HeadlessRegistry = Record<
  string,
  (args: unknown, kernels?: string | null) => Promise<unknown>
>;

declare global {
  interface Window {
    revgnnHeadless?: HeadlessRegistry;
    /** Exposed by the Node side with page.exposeFunction; absent when the page is opened by hand. */
    revgnnProgress?: (p: HeadlessProgress) => Promise<void>;
  }
}

const ENTRIES: Record<string, HeadlessEntry> = {
  'bench-kernels': (args, progress) => benchKernels((args ?? {}) as BenchKernelsArgs, progress),
  bench: (args, progress) => runBench(args as BenchArgs, progress),
  'bench-scale': (args, progress) => runBenchScale(args as BenchScaleArgs, progress),
  train: (args, progress) => trainHeadless(args as TrainArgs, progress),
  sweep: (args, progress) => sweepHeadless(args as SweepArgs, progress),
};

const PROGRESS_INTERVAL_MS = 100;

/**
 * Forwards progress to Node at most every 100 ms (each call crosses the DevTools protocol), but
 * always when the label changes or a phase completes, so the bar never misses a step.
 */
function throttledProgress(): ProgressFn {
  let last = 0;
  let lastLabel = '';
  return (p) => {
    const now = performance.now();
    if (p.label === lastLabel && p.done < p.total && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    lastLabel = p.label;
    void window.revgnnProgress?.(p).catch(() => undefined);
  };
}

window.revgnnHeadless = Object.fromEntries(
  Object.entries(ENTRIES).map(([name, entry]) => [
    name,
    (args: unknown, kernels?: string | null) => {
      configureKernels(kernels);
      return entry(args, throttledProgress());
    },
  ]),
);
