// The engine's half of the device check (scripts/commands/device-check.ts): the adapter and its
// limits, kernel throughputs (GEMM against the naive kernel, SpMM against a copy) and training
// steps of named networks on one generated part, each with its step time and its peak memory
// (held: in use + pool; in use: tensors). A failed or out-of-time item is recorded, not thrown,
// so a one-shot run on a remote machine always leaves its JSON.
import { GpuRuntime } from '../gpu/runtime';
import type { AdapterSummary } from '../gpu/device';
import type { ByTag } from '../gpu/memory-tags';
import { loadDataset } from '../graph/load';
import { DEFAULT_MODEL, type ModelConfig } from '../models/config';
import { measureStep } from '../train/measure';
import { timeSteps } from '../train/timing';
import { trainData } from '../train/train-data';
import { benchKernels, type BenchKernelsArgs, type KernelBenchResult } from './bench-kernels';
import { datasetSource } from './dataset-ref';
import type { ProgressFn } from './types';

export interface DeviceStepSpec {
  /** e.g. "rev GEN 112×64". */
  label: string;
  model: Pick<ModelConfig, 'model' | 'op' | 'layers' | 'channels' | 'groups' | 'dropout'>;
  /** Timed steps after one warm-up; the median is reported. */
  timedSteps: number;
}

export interface DeviceCheckArgs {
  /** The generated part: a dataset folder of one shard. */
  data: string;
  kernels: BenchKernelsArgs;
  steps: DeviceStepSpec[];
  seed: number;
  /** No item starts after this many ms from the entry's start (it is reported as skipped). */
  budgetMs: number;
}

export interface DeviceStepResult {
  label: string;
  config: ModelConfig;
  status: 'ok' | 'oom' | 'error' | 'skipped';
  message?: string;
  params: number;
  /** The first step on a fresh device (pipelines compiled, pool empty). */
  firstStepMs: number;
  /** Median of the timed steps (forward, backward, Adam, loss read back). */
  stepMs: number;
  stepMsAll: number[];
  /** Peak bytes in use (tensors) during one step, and by tag at that peak. */
  peakBytes: number;
  peakByTag: ByTag | null;
  /** Peak bytes the GPU held (in use + pool). */
  peakHeldBytes: number;
}

export interface KernelSummary {
  rows: number;
  timing: 'gpu' | 'cpu';
  gemm: { channels: number; gflops: number; naiveGflops: number; overNaive: number }[];
  copyGbps: number;
  spmm: { channels: number; nnz: number; gbps: number; overCopy: number }[];
  /**
   * Every kernel variant this adapter runs (src/kernels/variants.ts): GEMMs in GFLOP/s over the
   * naive GEMM at the same width, the others in GB/s over the copy.
   */
  variants: {
    family: string;
    variant: string;
    op: string;
    channels: number;
    unit: 'GFLOP/s' | 'GB/s';
    value: number;
    overBaseline: number;
  }[];
}

export interface DeviceCheckEngineResult {
  adapter: AdapterSummary;
  features: string[];
  limits: Record<string, number>;
  kernels: KernelSummary | { status: 'error' | 'skipped'; message: string };
  graph: { nodes: number; edges: number; edgeDim: number; featureDim: number; tasks: number };
  steps: DeviceStepResult[];
}

export async function deviceCheck(
  args: DeviceCheckArgs,
  progress: ProgressFn,
): Promise<DeviceCheckEngineResult> {
  const t0 = performance.now();
  const late = () => performance.now() - t0 > args.budgetMs;
  const total = args.steps.length + 2;
  progress({ label: 'adapter', done: 0, total });
  const probe = await GpuRuntime.create();
  const adapter = probe.adapterInfo;
  const features = [...probe.features].sort();
  const limits = limitsOf(probe.device.limits);
  probe.destroy();

  progress({ label: 'kernels', done: 1, total });
  let kernels: DeviceCheckEngineResult['kernels'];
  try {
    kernels = summarize(await benchKernels(args.kernels, () => undefined));
  } catch (e) {
    kernels = { status: 'error', message: messageOf(e) };
  }

  const ds = await loadDataset(datasetSource(args.data));
  const data = trainData(ds, { parts: 1, seed: args.seed });
  const steps: DeviceStepResult[] = [];
  for (const [i, spec] of args.steps.entries()) {
    progress({ label: spec.label, done: 2 + i, total });
    const config: ModelConfig = { ...DEFAULT_MODEL, ...spec.model };
    steps.push(late() ? skipped(spec.label, config) : await measure(data, spec, config, args.seed));
  }
  progress({ label: 'done', done: total, total });
  return {
    adapter,
    features,
    limits,
    kernels,
    graph: {
      nodes: data.numNodes,
      edges: data.numEdges,
      edgeDim: data.shape.edgeDim,
      featureDim: data.shape.inputDim,
      tasks: data.shape.outputDim,
    },
    steps,
  };
}

async function measure(
  data: ReturnType<typeof trainData>,
  spec: DeviceStepSpec,
  config: ModelConfig,
  seed: number,
): Promise<DeviceStepResult> {
  const first = await measureStep(data, config, { seed, budgetBytes: null });
  const base = {
    label: spec.label,
    config,
    params: first.params,
    firstStepMs: first.ms,
    peakBytes: first.peakBytes,
    peakByTag: first.status === 'ok' ? first.peakByTag : null,
    peakHeldBytes: first.peakHeldBytes,
  };
  if (first.status !== 'ok') {
    return { ...base, status: first.status, message: first.message, stepMs: 0, stepMsAll: [] };
  }
  const rt = await GpuRuntime.create();
  try {
    const t = await timeSteps(rt, data, config, { seed, steps: spec.timedSteps });
    return { ...base, status: 'ok', stepMs: t.ms, stepMsAll: t.all };
  } catch (e) {
    return { ...base, status: 'error', message: messageOf(e), stepMs: 0, stepMsAll: [] };
  } finally {
    rt.destroy();
  }
}

function skipped(label: string, config: ModelConfig): DeviceStepResult {
  return {
    label,
    config,
    status: 'skipped',
    message: 'not started: the time budget was spent',
    params: 0,
    firstStepMs: 0,
    stepMs: 0,
    stepMsAll: [],
    peakBytes: 0,
    peakByTag: null,
    peakHeldBytes: 0,
  };
}

function summarize(r: KernelBenchResult): KernelSummary {
  const naive = new Map(r.gemmNaive.map((g) => [g.channels, g.gflops]));
  return {
    rows: r.gemm[0]?.rows ?? 0,
    timing: r.timing,
    gemm: r.gemm.map((g) => ({
      channels: g.channels,
      gflops: g.gflops,
      naiveGflops: naive.get(g.channels) ?? 0,
      overNaive: g.gflops / (naive.get(g.channels) ?? NaN),
    })),
    copyGbps: r.copy.gbps,
    spmm: r.spmm.map((s) => ({
      channels: s.channels,
      nnz: s.nnz,
      gbps: s.gbps,
      overCopy: s.gbps / r.copy.gbps,
    })),
    variants: r.variants.map((v) => ({
      family: v.family,
      variant: v.variant,
      op: v.op,
      channels: v.channels,
      unit: v.unit,
      value: v.value,
      overBaseline: v.value / (v.unit === 'GFLOP/s' ? (naive.get(v.channels) ?? NaN) : r.copy.gbps),
    })),
  };
}

/** Every numeric limit the device reports (WebIDL attributes enumerate in browsers and Dawn). */
function limitsOf(l: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in l) {
    const v = (l as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number') out[k] = v;
  }
  return out;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
