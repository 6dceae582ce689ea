// What the device check measures, at real size (a GPU) and at dry-run size (SwiftShader here).
// Both plans have the same items, so a dry run writes the same JSON shape as a real one.
import type { BenchKernelsArgs } from '../../../src/headless/bench-kernels.ts';
import type { DeviceStepSpec } from '../../../src/headless/device-check.ts';

export interface PartSpec {
  nodes: number;
  /** Generator's average degree: ≈ stored in-edge entries per node. */
  avgDegree: number;
  tasks: number;
  edgeDim: number;
  modules: number;
  seed: number;
}

export interface CheckPlan {
  mode: 'real' | 'dry-run';
  part: PartSpec;
  kernels: BenchKernelsArgs;
  steps: DeviceStepSpec[];
  /** The peer's warm-up and timed steps per item (median reported), in the steps' order. */
  peerReps: { warmup: number; timed: number }[];
  /** No engine item starts after this; the peer gets what is left of `totalMs`. */
  engineBudgetMs: number;
  totalMs: number;
}

const gen = (model: 'rev' | 'res', layers: number, channels: number) => ({
  model,
  op: 'gen' as const,
  layers,
  channels,
  groups: 2,
  dropout: 0.1,
});

const label = (model: string, layers: number, channels: number) =>
  `${model} GEN ${layers}×${channels}`;

function steps(shallow: number, deep: number, d: number, timed: [number, number, number]) {
  return [
    { label: label('rev', shallow, d), model: gen('rev', shallow, d), timedSteps: timed[0] },
    { label: label('res', shallow, d), model: gen('res', shallow, d), timedSteps: timed[1] },
    { label: label('rev', deep, d), model: gen('rev', deep, d), timedSteps: timed[2] },
  ];
}

/** [warm-up, timed] for the two shallow networks and for the deep one. */
function reps(shallow: [number, number], deep: [number, number]) {
  const r = ([warmup, timed]: [number, number]) => ({ warmup, timed });
  return [r(shallow), r(shallow), r(deep)];
}

/** A proteins-sized part: ogbn-proteins (132 534 nodes, 79 M stored entries) cut into 10. */
export const REAL_PLAN: CheckPlan = {
  mode: 'real',
  part: { nodes: 13_253, avgDegree: 64, tasks: 112, edgeDim: 8, modules: 24, seed: 1 },
  kernels: { rows: 100_000, channels: [64, 128, 256], targetMs: 200, copyFloats: 32 * 2 ** 20 },
  steps: steps(112, 1001, 64, [5, 5, 2]),
  peerReps: reps([2, 10], [1, 3]),
  engineBudgetMs: 200_000,
  totalMs: 345_000,
};

/** The same items, small enough for SwiftShader on two cores. */
export const DRY_PLAN: CheckPlan = {
  mode: 'dry-run',
  part: { nodes: 300, avgDegree: 8, tasks: 112, edgeDim: 8, modules: 6, seed: 1 },
  kernels: { rows: 1024, channels: [64, 128, 256], targetMs: 10, copyFloats: 2 ** 18 },
  steps: steps(4, 8, 16, [1, 1, 1]),
  peerReps: reps([1, 2], [1, 1]),
  // SwiftShader on a shared machine: generous, the 6-minute bound is the real run's.
  engineBudgetMs: 400_000,
  totalMs: 600_000,
};
