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

/** A proteins-sized part: ogbn-proteins (132 534 nodes, 79 M stored entries) cut into 10. */
export const REAL_PLAN: CheckPlan = {
  mode: 'real',
  part: { nodes: 13_253, avgDegree: 64, tasks: 112, edgeDim: 8, modules: 24, seed: 1 },
  kernels: { rows: 100_000, channels: [64, 128, 256], targetMs: 200, copyFloats: 32 * 2 ** 20 },
  steps: steps(112, 1001, 64, [5, 5, 2]),
  peerReps: [
    { warmup: 2, timed: 10 },
    { warmup: 2, timed: 10 },
    { warmup: 1, timed: 3 },
  ],
  engineBudgetMs: 200_000,
  totalMs: 345_000,
};

/** The same items, small enough for SwiftShader on two cores. */
export const DRY_PLAN: CheckPlan = {
  mode: 'dry-run',
  part: { nodes: 300, avgDegree: 8, tasks: 112, edgeDim: 8, modules: 6, seed: 1 },
  kernels: { rows: 1024, channels: [64, 128, 256], targetMs: 10, copyFloats: 2 ** 18 },
  steps: steps(4, 8, 16, [1, 1, 1]),
  peerReps: [
    { warmup: 1, timed: 2 },
    { warmup: 1, timed: 2 },
    { warmup: 1, timed: 1 },
  ],
  engineBudgetMs: 120_000,
  totalMs: 240_000,
};
