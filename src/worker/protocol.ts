// The typed protocol between the page and the engine worker (carried by comlink). Long jobs
// (a training run, a depth sweep, a one-step capture) are one call each that resolves when the
// job ends; what happens meanwhile arrives through the listener the page passes with the call.
import type { AdapterSummary, DeviceLimits } from '../gpu/device';
import type { ByTag } from '../gpu/memory-tags';
import type { MemorySnapshot } from '../gpu/tracked-allocator';
import type { VariantChoice } from '../gpu/variants';
import type { KernelChoice } from '../kernels/variants';
import type { DatasetRef } from '../graph/catalog';
import type { LoadProgress } from '../graph/load';
import type { ModelConfig, ModelKind } from '../models/config';
import type { TrainOptions } from '../train/options';
import type { EpochRecord, StepInfo } from '../train/trainer';
import type { TimelineSeries } from './timeline';

export type { TimelineSeries } from './timeline';

export type InitResult =
  | {
      ok: true;
      adapter: AdapterSummary;
      limits: DeviceLimits;
      features: string[];
      memory: MemorySnapshot;
      /** Kernel variants chosen so far, by family (forced ones; the rest at the first run). */
      kernels: KernelVariants;
    }
  | { ok: false; reason: 'no-api' | 'no-adapter' | 'no-device' | 'error'; message: string };

/** The variant each kernel family dispatches, by family. */
export type KernelVariants = Record<string, VariantChoice>;

/** Engine-wide news, whatever job is running. */
export interface EngineEvents {
  memory(snapshot: MemorySnapshot): void;
  /** The autotuner (or a forced setting) changed which kernel variants run. */
  kernels(choices: KernelVariants): void;
  gpuError(message: string, kind: string): void;
  deviceLost(reason: string, message: string): void;
  /** A fresh device replaced a lost one (or could not be had: ok false). */
  deviceRestored(ok: boolean, message: string): void;
}

/** Which data a job trains or measures on. */
export interface DataSpec {
  dataset: DatasetRef;
  /** Shard indices; null = all. */
  shards: number[] | null;
  /** Random parts per epoch (1 = the whole loaded graph per step). */
  parts: number;
  /** Random parts of one evaluation pass (1 = the whole loaded graph; the paper: 5). Default 1. */
  evalParts?: number;
  /** Evaluation passes over independent random partitions whose predictions are averaged. Default 1. */
  evalViews?: number;
}

export interface RunSpec extends DataSpec {
  model: ModelConfig;
  train: TrainOptions;
  /** Simulates a smaller GPU: allocations past this many live bytes fail as out-of-memory. */
  budgetBytes: number | null;
  /** Continue from the weights given to loadWeights() instead of a fresh initialisation. */
  fromLoadedWeights: boolean;
}

export interface DatasetSummary {
  name: string;
  location: string;
  shards: number[];
  nodes: number;
  edges: number;
  task: 'multiclass' | 'multilabel';
  metric: 'accuracy' | 'rocauc';
}

export type RunStatus = 'done' | 'stopped' | 'oom' | 'diverged' | 'error';

export interface RunStarted {
  dataset: DatasetSummary;
  params: number;
  /** Epochs already done (weights loaded from a file continue from there). */
  startEpoch: number;
  /** Their records, when the run continues loaded weights. */
  history: EpochRecord[];
  epochs: number;
}

export interface RunStep extends StepInfo {
  /** Wall time since the run started training (after loading). */
  elapsedMs: number;
}

export interface RunListener {
  loading(p: LoadProgress): void;
  started(info: RunStarted): void;
  step(info: RunStep): void;
  epoch(record: EpochRecord, memory: MemorySnapshot): void;
  /** Bytes over one training step of this run, phase by phase. */
  timeline(series: TimelineSeries): void;
  paused(paused: boolean): void;
  /** The device was lost: the run is being rebuilt on a new one. */
  recovering(message: string): void;
  /** Training continues from the checkpoint of `epoch` on a new device. */
  recovered(epoch: number, message: string): void;
}

export interface RunResult {
  status: RunStatus;
  /** The data it trained on (null: it failed before the data was loaded). */
  dataset: DatasetSummary | null;
  /** Whether training began (a trainer was built); false when it was refused before. */
  began: boolean;
  /** Epochs already done when it began (continuing loaded weights). */
  startEpoch: number;
  /** Why it ended, in words, unless it simply finished. */
  message?: string;
  epochs: EpochRecord[];
  best: { epoch: number; valid: number; test: number };
  params: number;
  /** Peak bytes in use (handed out to tensors). */
  peakBytes: number;
  peakByTag: ByTag;
  /** Peak bytes the GPU held for the run (in use + pooled): what a "fits on a GPU" claim uses. */
  peakHeldBytes: number;
  peakHeldByTag: ByTag;
  /** Device losses the run came back from. */
  recoveries: number;
  /** The epoch of the weights exportWeights() now returns (null: none). */
  weightsEpoch: number | null;
}

export interface SweepSpec extends DataSpec {
  base: ModelConfig;
  models: ModelKind[];
  depths: number[];
  seed: number;
  budgetBytes: number | null;
}

export interface SweepRow {
  model: ModelKind;
  layers: number;
  /** invalid: the configuration cannot exist (e.g. groups); error: it failed another way. */
  status: 'ok' | 'oom' | 'invalid' | 'error';
  /** Peak bytes in use during the step, everything included. */
  peakBytes: number;
  /** Peak bytes the GPU held during the step (in use + pooled); absent in rows saved before. */
  peakHeldBytes?: number;
  /** Activations + workspace at that peak: the part the memory policy decides. */
  activationBytes: number;
  peakByTag: ByTag;
  params: number;
  ms: number;
  message?: string;
}

export interface SweepListener {
  loading(p: LoadProgress): void;
  point(row: SweepRow, done: number, total: number): void;
}

export type CaptureResult =
  { ok: true; series: TimelineSeries } | { ok: false; status: 'oom' | 'error'; message: string };

export interface WeightsInfo {
  model: ModelConfig;
  epoch: number;
  steps: number;
  params: number;
  dataset: string | null;
}

export interface EngineApi {
  init(
    events: EngineEvents,
    opts?: { budgetBytes?: number | null; kernels?: KernelChoice },
  ): Promise<InitResult>;
  memory(): MemorySnapshot | null;
  /** Trains until done, stopped or failed; one job at a time. */
  train(spec: RunSpec, listener: RunListener): Promise<RunResult>;
  pause(): void;
  resume(): void;
  /** Ends the current job (run or sweep) at the next step boundary. */
  stop(): void;
  /** One training step of the configuration on a fresh device, with its memory timeline. */
  captureStep(spec: RunSpec, listener: Pick<SweepListener, 'loading'>): Promise<CaptureResult>;
  /** One training step per (model, depth), each on a fresh device: peak memory by tag. */
  sweep(spec: SweepSpec, listener: SweepListener): Promise<SweepRow[]>;
  /** The latest run's weights and optimizer state as a checkpoint file (null: none yet). */
  exportWeights(): Promise<Uint8Array | null>;
  /**
   * Reads a weights file — the engine's .rgnn or a safetensors from the PyTorch export — named
   * `file` in messages; the next run with fromLoadedWeights continues from it.
   */
  loadWeights(bytes: Uint8Array, file?: string): Promise<WeightsInfo>;
  clearLoadedWeights(): void;
  /** Test hook: destroys the device as a driver reset would. */
  loseDevice(): void;
}
