// `npm run bench -- --scale`: the paper's experiment at the paper's size, by parts. On a
// proteins-sized graph, rev and res GEN (D = 80, C = 2) at L = 8 and L = 112, each measured over
// one training step on a training part (of P) and one forward on an evaluation part (of Q) —
// the two kinds of part an epoch is made of, so their peaks are an epoch's — plus one whole epoch
// at L = 8. On an arxiv-sized graph, rev GCN against res GCN (28 × 128) on the whole graph, the
// paper's Table 4 setting. Every figure is held bytes (in use + pooled) with in-use beside it.
import { GpuOutOfMemoryError } from '../gpu/errors';
import type { ByTag } from '../gpu/memory-tags';
import { GpuRuntime } from '../gpu/runtime';
import type { AdapterSummary } from '../gpu/device';
import { DEFAULT_MODEL, type ModelConfig, type ModelKind, type OpKind } from '../models/config';
import { stepContext } from '../nn/context';
import { releaseBatch, uploadBatch } from '../train/batch';
import { openTrainData } from '../train/open-data';
import type { DataPart, TrainData } from '../train/train-data';
import { DEFAULT_TRAIN, Trainer } from '../train/trainer';
import { datasetSource } from './dataset-ref';
import type { ProgressFn } from './types';

export interface BenchScaleArgs {
  /** Absolute folders of the generated datasets. */
  proteins: string;
  arxiv: string;
  /** Simulated GPU size for every run (a real adapter's memory, or this machine's RAM's share). */
  budgetBytes: number;
  parts: number;
  evalParts: number;
  /** Depths to compare (the paper: 8 against 112); the epoch is timed at the first. */
  depths: number[];
}

export interface ScaleMeasurement {
  dataset: string;
  model: ModelKind;
  op: OpKind;
  layers: number;
  channels: number;
  what: 'train part + eval part' | 'epoch' | 'whole-graph step';
  status: 'ok' | 'oom' | 'error';
  message?: string;
  peakHeldBytes: number;
  peakInUseBytes: number;
  peakHeldByTag: ByTag;
  ms: number;
  /** Part sizes seen (nodes, adjacency entries). */
  parts: { nodes: number; edges: number; kind: 'train' | 'eval' | 'whole' }[];
  params: number;
}

export interface BenchScaleResult {
  adapter: AdapterSummary;
  software: boolean;
  date: string;
  args: BenchScaleArgs;
  proteins: { nodes: number; edges: number; streamed: boolean };
  arxiv: { nodes: number; edges: number; streamed: boolean };
  rows: ScaleMeasurement[];
}

function cfg(op: OpKind, model: ModelKind, layers: number, channels: number): ModelConfig {
  return {
    ...DEFAULT_MODEL,
    op,
    model,
    layers,
    channels,
    groups: 2,
    dropout: 0.1,
    aggregation: 'max',
  };
}

async function measured(
  base: Omit<
    ScaleMeasurement,
    'status' | 'peakHeldBytes' | 'peakInUseBytes' | 'peakHeldByTag' | 'ms' | 'parts' | 'params'
  >,
  budgetBytes: number,
  body: (rt: GpuRuntime, m: ScaleMeasurement) => Promise<void>,
): Promise<ScaleMeasurement> {
  const rt = await GpuRuntime.create({ budgetBytes });
  const m: ScaleMeasurement = {
    ...base,
    status: 'ok',
    peakHeldBytes: 0,
    peakInUseBytes: 0,
    peakHeldByTag: rt.allocator.snapshot().atPeakHeldByTag,
    ms: 0,
    parts: [],
    params: 0,
  };
  const t0 = performance.now();
  try {
    rt.allocator.resetPeaks();
    await body(rt, m);
    await rt.allocator.checkDeviceErrors();
  } catch (e) {
    m.status = e instanceof GpuOutOfMemoryError ? 'oom' : 'error';
    m.message = e instanceof Error ? e.message : String(e);
  } finally {
    m.ms = performance.now() - t0;
    const s = rt.allocator.snapshot();
    m.peakHeldBytes = s.peakHeldBytes;
    m.peakInUseBytes = s.peakInUseBytes;
    m.peakHeldByTag = s.atPeakHeldByTag;
    rt.destroy();
  }
  return m;
}

type PartKind = ScaleMeasurement['parts'][number]['kind'];

function newTrainer(
  rt: GpuRuntime,
  data: TrainData,
  model: ModelConfig,
  m: ScaleMeasurement,
  lr = DEFAULT_TRAIN.lr,
): Trainer {
  const t = new Trainer(rt, data, model, { ...DEFAULT_TRAIN, epochs: 1, lr });
  m.params = t.network.paramCount;
  return t;
}

/** Only this part on the GPU: upload it, run one training step or one forward, release it. */
async function onPart(
  rt: GpuRuntime,
  trainer: Trainer,
  part: DataPart,
  m: ScaleMeasurement,
  kind: PartKind,
): Promise<void> {
  m.parts.push({ nodes: part.graph.numNodes, edges: part.graph.adj.colIdx.length, kind });
  const batch = uploadBatch(rt, part.graph);
  try {
    if (kind === 'eval') {
      const ctx = stepContext(rt, batch.graph, { dropout: 0, seed: 0 });
      const logits = await trainer.network.forward(ctx);
      await rt.read(logits);
      rt.release(logits);
    } else {
      await trainer.step(batch, 1, 0, false);
    }
  } finally {
    releaseBatch(rt, batch);
  }
}

/** One training step on the first training part, then one forward on the first evaluation part. */
async function partsProbe(
  rt: GpuRuntime,
  data: TrainData,
  model: ModelConfig,
  m: ScaleMeasurement,
) {
  const trainer = newTrainer(rt, data, model, m);
  await onPart(rt, trainer, await data.trainParts(1).get(0), m, 'train');
  await onPart(rt, trainer, await data.evalParts(0).get(0), m, 'eval');
  trainer.release();
}

export async function runBenchScale(
  args: BenchScaleArgs,
  progress: ProgressFn,
): Promise<BenchScaleResult> {
  const probe = await GpuRuntime.create();
  const adapter = probe.adapterInfo;
  probe.destroy();
  const plan = { parts: args.parts, evalParts: args.evalParts, evalViews: 1, seed: 0 };
  const proteins = await openTrainData(datasetSource(args.proteins), { plan });
  const arxivWhole = await openTrainData(datasetSource(args.arxiv), {
    plan: { parts: 1, evalParts: 1, evalViews: 1, seed: 0 },
  });
  const rows: ScaleMeasurement[] = [];
  const D = 80;
  const jobs: (() => Promise<ScaleMeasurement>)[] = [];
  for (const model of ['rev', 'res'] as const) {
    for (const layers of args.depths) {
      jobs.push(() =>
        measured(
          {
            dataset: 'proteins-sized',
            model,
            op: 'gen',
            layers,
            channels: D,
            what: 'train part + eval part',
          },
          args.budgetBytes,
          (rt, m) => partsProbe(rt, proteins.data, cfg('gen', model, layers, D), m),
        ),
      );
    }
    const layers = args.depths[0];
    jobs.push(() =>
      measured(
        { dataset: 'proteins-sized', model, op: 'gen', layers, channels: D, what: 'epoch' },
        args.budgetBytes,
        async (rt, m) => {
          const t = newTrainer(rt, proteins.data, cfg('gen', model, layers, D), m, 0.001);
          await t.trainEpoch({
            onStep: (st) =>
              progress({
                label: `scale: ${model} epoch step ${st.step}/${st.steps}`,
                done: st.step,
                total: st.steps,
              }),
          });
          t.release();
        },
      ),
    );
  }
  for (const model of ['rev', 'res'] as const) {
    jobs.push(() =>
      measured(
        {
          dataset: 'arxiv-sized',
          model,
          op: 'gcn',
          layers: 28,
          channels: 128,
          what: 'whole-graph step',
        },
        args.budgetBytes,
        async (rt, m) => {
          const t = newTrainer(rt, arxivWhole.data, cfg('gcn', model, 28, 128), m);
          await onPart(rt, t, await arxivWhole.data.trainParts(1).get(0), m, 'whole');
          t.release();
        },
      ),
    );
  }
  const result = (): BenchScaleResult => ({
    adapter,
    software: adapter.isFallback,
    date: new Date().toISOString(),
    args,
    proteins: { nodes: proteins.nodes, edges: proteins.edges, streamed: proteins.streamed },
    arxiv: { nodes: arxivWhole.nodes, edges: arxivWhole.edges, streamed: arxivWhole.streamed },
    rows,
  });
  for (const [i, job] of jobs.entries()) {
    progress({ label: `scale ${i + 1}/${jobs.length}`, done: i, total: jobs.length });
    rows.push(await job());
    // Hours of measurements are not lost to a later failure: the caller keeps each row as it comes.
    progress({
      label: `scale: ${i + 1} of ${jobs.length} measured`,
      done: i + 1,
      total: jobs.length,
      partial: result(),
    });
  }
  return result();
}
