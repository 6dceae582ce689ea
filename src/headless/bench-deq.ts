// The bench's DEQ section: does DEQ-GNN keep pace, and does it keep converging?
//   pace      — epoch time of DEQ at iteration cap K against a K-layer rev network of the same
//               width on the same graph (the target: at most 2×), with the solves' iterations;
//   stability — DEQ trained for a few epochs on the built-in proteins graph (GEN, edge features)
//               at widths where its solves used to diverge at initialisation.
import { GpuRuntime } from '../gpu/runtime';
import { loadDataset } from '../graph/load';
import { DEFAULT_MODEL, type ModelConfig, type OpKind } from '../models/config';
import { trainData } from '../train/train-data';
import { DEFAULT_TRAIN, Trainer, type EpochRecord, type EpochSolverStats } from '../train/trainer';
import { datasetSource } from './dataset-ref';
import type { ProgressFn } from './types';

export interface DeqPaceRow {
  dataset: string;
  op: OpKind;
  channels: number;
  /** DEQ's iteration cap, and the rev network's depth. */
  cap: number;
  /** Epochs timed (after one untimed warm-up epoch). */
  epochs: number;
  deqMs: number;
  revMs: number;
  /** Mean iterations per step of the forward and backward solves. */
  forwardIterations: number;
  backwardIterations: number;
  unconverged: number;
}

export interface DeqStabilityRow {
  dataset: string;
  op: OpKind;
  channels: number;
  cap: number;
  status: 'ok' | 'failed';
  message?: string;
  epochs: ({ loss: number } & EpochSolverStats)[];
  test: number;
}

export interface DeqBenchResult {
  pace: DeqPaceRow[];
  stability: DeqStabilityRow[];
}

export interface DeqBenchSizes {
  pace: { dataset: string; op: OpKind; channels: number; cap: number; epochs: number }[];
  stability: { dataset: string; op: OpKind; channels: number; cap: number; epochs: number }[];
}

export const DEQ_SIZES: DeqBenchSizes = {
  pace: [
    { dataset: 'citation', op: 'gcn', channels: 64, cap: 30, epochs: 3 },
    { dataset: 'proteins', op: 'gen', channels: 64, cap: 30, epochs: 3 },
  ],
  stability: [
    { dataset: 'proteins', op: 'gen', channels: 64, cap: 64, epochs: 5 },
    { dataset: 'proteins', op: 'gen', channels: 128, cap: 64, epochs: 5 },
  ],
};

function config(op: OpKind, channels: number, layers: number, model: 'deq' | 'rev'): ModelConfig {
  return { ...DEFAULT_MODEL, model, op, channels, layers, groups: 2, dropout: 0.1 };
}

async function train(dataset: string, model: ModelConfig, epochs: number) {
  const ds = await loadDataset(datasetSource(dataset));
  const rt = await GpuRuntime.create();
  try {
    const trainer = new Trainer(rt, trainData(ds, { parts: 1, seed: 0 }), model, {
      ...DEFAULT_TRAIN,
      epochs,
      lr: 0.01,
      evalEvery: epochs,
    });
    const r = await trainer.run();
    trainer.release();
    return r;
  } finally {
    rt.destroy();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

/** Mean epoch time after the first (pipelines compile and the pool fills in epoch 1). */
function epochMs(epochs: EpochRecord[]): number {
  return mean(epochs.slice(1).map((e) => e.ms));
}

export async function benchDeq(
  sizes: DeqBenchSizes,
  progress: ProgressFn,
): Promise<DeqBenchResult> {
  const out: DeqBenchResult = { pace: [], stability: [] };
  const total = sizes.pace.length + sizes.stability.length;
  let done = 0;
  for (const p of sizes.pace) {
    progress({ label: `deq pace ${p.dataset} D=${p.channels} K=${p.cap}`, done: done++, total });
    const deq = await train(p.dataset, config(p.op, p.channels, p.cap, 'deq'), p.epochs + 1);
    const rev = await train(p.dataset, config(p.op, p.channels, p.cap, 'rev'), p.epochs + 1);
    const solves = deq.epochs.slice(1).map((e) => e.solver!);
    out.pace.push({
      ...p,
      deqMs: epochMs(deq.epochs),
      revMs: epochMs(rev.epochs),
      forwardIterations: mean(solves.map((s) => s.forwardIterations)),
      backwardIterations: mean(solves.map((s) => s.backwardIterations)),
      unconverged: solves.reduce((t, s) => t + s.unconverged, 0),
    });
  }
  for (const s of sizes.stability) {
    progress({ label: `deq stability ${s.dataset} D=${s.channels}`, done: done++, total });
    const row: DeqStabilityRow = { ...s, status: 'ok', epochs: [], test: NaN };
    try {
      const r = await train(s.dataset, config(s.op, s.channels, s.cap, 'deq'), s.epochs);
      row.epochs = r.epochs.map((e) => ({ loss: e.loss, ...e.solver! }));
      row.test = r.best.test;
    } catch (e) {
      row.status = 'failed';
      row.message = e instanceof Error ? e.message : String(e);
    }
    out.stability.push(row);
  }
  return out;
}
