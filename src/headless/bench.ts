// `npm run bench`: the reproducible suite behind the README's results — memory against depth,
// the paper's L = 112 comparison, step time, a 1001-layer rev step and accuracy — on whatever
// adapter the browser gives (a software one is named as such: its figures are not GPU speeds).
import { GpuRuntime } from '../gpu/runtime';
import type { AdapterSummary } from '../gpu/device';
import { loadDataset, type LoadedDataset } from '../graph/load';
import type { ModelConfig, ModelKind, OpKind } from '../models/config';
import { DEFAULT_MODEL } from '../models/config';
import { availableModels } from '../models/index';
import { measureStep, type StepMeasurement } from '../train/measure';
import { timeSteps, type StepTiming } from '../train/timing';
import { trainData } from '../train/train-data';
import { DEFAULT_TRAIN, Trainer } from '../train/trainer';
import { benchKernels, type KernelBenchResult } from './bench-kernels';
import { datasetSource } from './dataset-ref';
import type { ProgressFn } from './types';

export interface BenchArgs {
  full: boolean;
  models: ModelKind[];
  /** Absolute folder of a converted CiteSeer, when ../shared/datasets was there. */
  citeseer: string | null;
  /** Run only these sections (all when absent). */
  sections?: BenchSection[];
}

export type BenchSection = 'memory' | 'paper' | 'speed' | 'deep' | 'accuracy' | 'kernels';

export interface MemoryRow extends StepMeasurement {
  dataset: string;
  nodes: number;
  channels: number;
  /** Activations + workspace at the step's peak. */
  actWs: number;
}

export interface SpeedRow extends StepTiming {
  model: ModelKind;
  layers: number;
  channels: number;
}

export interface AccuracyRow {
  dataset: string;
  model: ModelKind;
  op: OpKind;
  layers: number;
  channels: number;
  epochs: number;
  metric: string;
  best: { epoch: number; valid: number; test: number };
  seconds: number;
}

export interface BenchResult {
  adapter: AdapterSummary;
  software: boolean;
  date: string;
  full: boolean;
  sizes: BenchSizes;
  memory: MemoryRow[];
  paper: {
    dataset: string;
    channels: number;
    layers: number;
    rows: (StepMeasurement & { stepMs: number })[];
  } | null;
  speed: SpeedRow[];
  deep: StepMeasurement | null;
  accuracy: AccuracyRow[];
  kernels: KernelBenchResult | null;
}

export interface BenchSizes {
  depths: number[];
  widths: number[];
  /** Shards of each dataset used by the memory sweep (one shard keeps 1001-layer res in reach). */
  sweepShards: number[];
  speedDepths: number[];
  speedWidths: number[];
  paperWidth: number;
  deepWidth: number;
}

// Sized to finish within 20 minutes on 2 CPU cores (SwiftShader); --full is for real GPUs.
const SIZES: BenchSizes = {
  depths: [2, 4, 8, 16, 32, 64, 128, 256, 1001],
  widths: [32, 64],
  sweepShards: [0],
  speedDepths: [8, 32],
  speedWidths: [32, 64],
  paperWidth: 64,
  deepWidth: 64,
};

const FULL_SIZES: BenchSizes = {
  depths: [2, 4, 8, 16, 32, 64, 112, 128, 256, 448, 512, 1001],
  widths: [80, 224],
  sweepShards: [0, 1, 2, 3],
  speedDepths: [8, 32, 112],
  speedWidths: [64, 128, 224],
  paperWidth: 224,
  deepWidth: 80,
};

/** The operator the paper uses per dataset: GEN on proteins, GCN on citation graphs. */
const SWEEP_DATASETS: { name: string; op: OpKind }[] = [
  { name: 'citation', op: 'gcn' },
  { name: 'proteins', op: 'gen' },
];

function base(op: OpKind, channels: number): ModelConfig {
  return { ...DEFAULT_MODEL, op, channels, groups: 2, dropout: 0.1, aggregation: 'softmax' };
}

export async function runBench(args: BenchArgs, progress: ProgressFn): Promise<BenchResult> {
  const sizes = args.full ? FULL_SIZES : SIZES;
  // A model this build lacks is left out (and the report says which were measured).
  args = { ...args, models: args.models.filter((m) => availableModels().includes(m)) };
  const want = (s: BenchSection) => !args.sections || args.sections.includes(s);
  const probe = await GpuRuntime.create();
  const adapter = probe.adapterInfo;
  probe.destroy();
  const result: BenchResult = {
    adapter,
    software: adapter.isFallback,
    date: new Date().toISOString(),
    full: args.full,
    sizes,
    memory: [],
    paper: null,
    speed: [],
    deep: null,
    accuracy: [],
    kernels: null,
  };
  const say = (label: string, done: number, total: number) => progress({ label, done, total });

  if (want('memory')) {
    const total =
      SWEEP_DATASETS.length * sizes.widths.length * args.models.length * sizes.depths.length;
    let done = 0;
    for (const d of SWEEP_DATASETS) {
      const ds = await loadDataset(datasetSource(d.name), { shards: sizes.sweepShards });
      const data = trainData(ds, { parts: 1, seed: 0 });
      for (const channels of sizes.widths) {
        for (const model of args.models) {
          for (const layers of sizes.depths) {
            say(`memory ${d.name} D=${channels} ${model} L=${layers}`, done++, total);
            const m = await measureStep(
              data,
              { ...base(d.op, channels), model, layers },
              { seed: 0, budgetBytes: null },
            );
            result.memory.push({
              ...m,
              dataset: d.name,
              nodes: ds.graph.numNodes,
              channels,
              actWs: m.peakByTag.activations + m.peakByTag.workspace,
            });
          }
        }
      }
    }
  }

  const citation =
    want('paper') || want('speed') || want('deep')
      ? await loadDataset(datasetSource('citation'))
      : null;
  const citationData = citation ? trainData(citation, { parts: 1, seed: 0 }) : null;

  if (want('paper') && citationData) {
    const layers = 112;
    const channels = sizes.paperWidth;
    const rows = [];
    for (const [i, model] of args.models.entries()) {
      say(`paper L=112 ${model}`, i, args.models.length);
      const cfg = { ...base('gcn', channels), model, layers };
      const m = await measureStep(citationData, cfg, { seed: 0, budgetBytes: null });
      const t = m.status === 'ok' ? await timed(citationData, cfg) : null;
      rows.push({ ...m, stepMs: t?.ms ?? NaN });
    }
    result.paper = { dataset: 'citation', channels, layers, rows };
  }

  if (want('speed') && citationData) {
    const total = sizes.speedDepths.length * sizes.speedWidths.length * args.models.length;
    let done = 0;
    for (const layers of sizes.speedDepths) {
      for (const channels of sizes.speedWidths) {
        for (const model of args.models) {
          say(`speed ${model} L=${layers} D=${channels}`, done++, total);
          const t = await timed(citationData, { ...base('gcn', channels), model, layers });
          result.speed.push({ ...t, model, layers, channels });
        }
      }
    }
  }

  if (want('deep') && citationData) {
    say('a 1001-layer rev step', 0, 1);
    const cfg = { ...base('gcn', sizes.deepWidth), model: 'rev' as const, layers: 1001 };
    result.deep = await measureStep(citationData, cfg, { seed: 0, budgetBytes: null });
  }

  if (want('accuracy')) {
    const runs: {
      dataset: string;
      ref: string;
      cfg: Partial<ModelConfig>;
      epochs: number;
      lr: number;
      wd: number;
    }[] = [
      {
        dataset: 'citation',
        ref: 'citation',
        cfg: { op: 'gcn', layers: 8, channels: 64, dropout: 0.5 },
        epochs: 40,
        lr: 0.01,
        wd: 5e-4,
      },
      {
        dataset: 'long-range',
        ref: 'long-range',
        cfg: { op: 'gcn', layers: 24, channels: 32, dropout: 0 },
        epochs: 60,
        lr: 0.01,
        wd: 0,
      },
    ];
    if (args.citeseer) {
      runs.push({
        dataset: 'CiteSeer (public split)',
        ref: args.citeseer,
        cfg: { op: 'gcn', layers: 2, channels: 128, dropout: 0.7 },
        epochs: 100,
        lr: 0.01,
        wd: 5e-4,
      });
    }
    for (const [i, r] of runs.entries()) {
      say(`accuracy ${r.dataset}`, i, runs.length);
      const ds = await loadDataset(datasetSource(r.ref));
      result.accuracy.push(
        await accuracyRun(
          ds,
          r.dataset,
          { ...base('gcn', 64), model: 'rev', ...r.cfg },
          r.epochs,
          r.lr,
          r.wd,
        ),
      );
    }
  }

  if (want('kernels')) {
    result.kernels = await benchKernels(
      { rows: 10_000, channels: [32, 64, 128], targetMs: 300 },
      progress,
    );
  }
  return result;
}

async function timed(data: ReturnType<typeof trainData>, cfg: ModelConfig): Promise<StepTiming> {
  const rt = await GpuRuntime.create();
  try {
    return await timeSteps(rt, data, cfg, { seed: 0, steps: 3 });
  } finally {
    rt.destroy();
  }
}

async function accuracyRun(
  ds: LoadedDataset,
  name: string,
  model: ModelConfig,
  epochs: number,
  lr: number,
  weightDecay: number,
): Promise<AccuracyRow> {
  const rt = await GpuRuntime.create();
  try {
    const t0 = performance.now();
    const trainer = new Trainer(rt, trainData(ds, { parts: 1, seed: 0 }), model, {
      ...DEFAULT_TRAIN,
      epochs,
      lr,
      weightDecay,
      evalEvery: 1,
    });
    const r = await trainer.run();
    trainer.release();
    return {
      dataset: name,
      model: model.model,
      op: model.op,
      layers: model.layers,
      channels: model.channels,
      epochs,
      metric: ds.manifest.metric,
      best: r.best,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    rt.destroy();
  }
}
