// The named entry points of headless runs, whatever the host: the page registers them on
// window.revgnnHeadless, the Node host calls them directly.
import { runBench, type BenchArgs } from './bench';
import { runBenchScale, type BenchScaleArgs } from './bench-scale';
import { benchKernels, type BenchKernelsArgs } from './bench-kernels';
import { deviceCheck, type DeviceCheckArgs } from './device-check';
import { initialWeightsHeadless, type InitialWeightsArgs } from './initial-weights';
import { inspectHeadless, type InspectArgs } from './inspect';
import { predictHeadless, type PredictArgs } from './predict';
import { sweepHeadless, type SweepArgs } from './sweep';
import { trainHeadless, type TrainArgs } from './train';
import type { HeadlessEntry } from './types';

export const ENTRIES: Record<string, HeadlessEntry> = {
  'bench-kernels': (args, progress) => benchKernels((args ?? {}) as BenchKernelsArgs, progress),
  bench: (args, progress) => runBench(args as BenchArgs, progress),
  'bench-scale': (args, progress) => runBenchScale(args as BenchScaleArgs, progress),
  train: (args, progress) => trainHeadless(args as TrainArgs, progress),
  sweep: (args, progress) => sweepHeadless(args as SweepArgs, progress),
  'device-check': (args, progress) => deviceCheck(args as DeviceCheckArgs, progress),
  predict: (args, progress) => predictHeadless(args as PredictArgs, progress),
  'initial-weights': (args) => initialWeightsHeadless(args as InitialWeightsArgs),
  inspect: (args, progress) => inspectHeadless(args as InspectArgs, progress),
};

/** The entry called `name`, or an error listing the registered ones. */
export function entryNamed(name: string): HeadlessEntry {
  const entry = ENTRIES[name];
  if (!entry) {
    throw new Error(
      `No headless entry point "${name}". Registered: ${Object.keys(ENTRIES).join(', ')}.`,
    );
  }
  return entry;
}
