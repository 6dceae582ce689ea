// What a person configures on the page, its defaults, and every reason it cannot run — tied to
// the field it concerns so the page can explain it beside that control before anything runs.
import type { DatasetRef } from '../../graph/catalog';
import {
  configProblems,
  DEFAULT_MODEL,
  isReversible,
  MODEL_KINDS,
  type ModelConfig,
  type ModelKind,
} from '../../models/config';
import { DEFAULT_TRAIN, type TrainOptions } from '../../train/options';
import type { RunSpec, SweepSpec } from '../../worker/protocol';

export interface RunConfig {
  dataset: DatasetRef;
  /** Shard indices to load; null = all of them. */
  shards: number[] | null;
  model: ModelConfig;
  epochs: number;
  lr: number;
  /** Random parts per epoch: each part's induced subgraph is one optimizer step. */
  parts: number;
  /** Random parts each evaluation pass is cut into (only one on the GPU at a time). */
  evalParts: number;
  /** Evaluation passes over independent partitions, their predictions averaged. */
  evalViews: number;
  seed: number;
  /** Simulated GPU size in MiB; null = the real device's. */
  budgetMiB: number | null;
}

export interface SweepConfig {
  models: ModelKind[];
  depths: number[];
}

export const MAX_DEPTH_SLIDER = 2048;
/** A depth a person may type: far past the paper's 1001 layers, short of absurd. */
export const MAX_DEPTH = 100_000;

export const DEFAULT_RUN: RunConfig = {
  dataset: { kind: 'builtin', name: 'citation' },
  shards: null,
  model: { ...DEFAULT_MODEL, layers: 16, channels: 32 },
  epochs: 20,
  lr: 0.01,
  parts: 1,
  evalParts: 1,
  evalViews: 1,
  seed: 0,
  budgetMiB: null,
};

export const DEFAULT_SWEEP: SweepConfig = {
  models: ['res', 'rev'],
  depths: [2, 8, 32, 128],
};

export type ProblemField =
  | 'dataset'
  | 'shards'
  | 'model'
  | 'op'
  | 'layers'
  | 'channels'
  | 'groups'
  | 'dropout'
  | 'tolerance'
  | 'warmup'
  | 'epochs'
  | 'lr'
  | 'parts'
  | 'evalParts'
  | 'evalViews'
  | 'seed'
  | 'budget'
  | 'sweep';

export interface Problem {
  field: ProblemField;
  text: string;
}

/** Which control a problem from configProblems() is about (it words them for people). */
function fieldOf(text: string): ProblemField {
  if (text.startsWith('Depth') || text.startsWith('The iteration cap')) return 'layers';
  if (text.startsWith('The solver tolerance')) return 'tolerance';
  if (text.startsWith('Warm-up')) return 'warmup';
  if (text.startsWith('Channels')) return 'channels';
  if (text.startsWith('Dropout')) return 'dropout';
  if (text.startsWith('Unknown model')) return 'model';
  if (text.startsWith('Unknown operator')) return 'op';
  if (/groups/.test(text)) return 'groups';
  return 'model';
}

export interface DataFacts {
  /** Shards in the chosen dataset's manifest (unknown while it loads). */
  numShards?: number;
  /** Nodes in the chosen shards. */
  nodes?: number;
}

export function modelProblems(model: ModelConfig): Problem[] {
  return configProblems(model).map((text) => ({ field: fieldOf(text), text }));
}

export function runProblems(cfg: RunConfig, facts: DataFacts = {}): Problem[] {
  const out = modelProblems(cfg.model);
  const whole = (v: number) => Number.isInteger(v);
  if (cfg.model.layers > MAX_DEPTH)
    out.push({ field: 'layers', text: `Depth is capped at ${MAX_DEPTH.toLocaleString()} layers.` });
  if (!whole(cfg.epochs) || cfg.epochs < 1)
    out.push({ field: 'epochs', text: `Epochs must be a whole number ≥ 1 (got ${cfg.epochs}).` });
  if (!(cfg.lr > 0 && cfg.lr < 10))
    out.push({
      field: 'lr',
      text: `The learning rate must be above 0 and below 10 (got ${cfg.lr}).`,
    });
  if (!whole(cfg.parts) || cfg.parts < 1) {
    out.push({
      field: 'parts',
      text: `Parts per epoch must be a whole number ≥ 1 (got ${cfg.parts}).`,
    });
  } else if (facts.nodes !== undefined && cfg.parts > facts.nodes) {
    out.push({
      field: 'parts',
      text: `${cfg.parts} parts of ${facts.nodes} nodes would leave parts empty: use at most ${facts.nodes}.`,
    });
  }
  for (const [field, words, v] of [
    ['evalParts', 'Evaluation parts', cfg.evalParts],
    ['evalViews', 'Evaluation views', cfg.evalViews],
  ] as const) {
    if (!whole(v) || v < 1)
      out.push({ field, text: `${words} must be a whole number ≥ 1 (got ${v}).` });
  }
  if (facts.nodes !== undefined && cfg.evalParts > facts.nodes)
    out.push({
      field: 'evalParts',
      text: `${cfg.evalParts} evaluation parts of ${facts.nodes} nodes would leave parts empty: use at most ${facts.nodes}.`,
    });
  if (!whole(cfg.seed) || cfg.seed < 0 || cfg.seed > 0xffffffff)
    out.push({ field: 'seed', text: `The seed must be a whole number from 0 to 4294967295.` });
  if (cfg.budgetMiB !== null && !(cfg.budgetMiB > 0))
    out.push({
      field: 'budget',
      text: `A memory budget must be more than 0 MiB (got ${cfg.budgetMiB}); clear it to use the whole GPU.`,
    });
  if (cfg.shards !== null) {
    if (cfg.shards.length === 0)
      out.push({ field: 'shards', text: 'Choose at least one shard of the dataset to train on.' });
    else if (facts.numShards !== undefined && cfg.shards.some((s) => s >= facts.numShards!))
      out.push({
        field: 'shards',
        text: `This dataset has ${facts.numShards} shards (0 to ${facts.numShards - 1}).`,
      });
  }
  return out;
}

export function sweepProblems(cfg: RunConfig, sweep: SweepConfig): Problem[] {
  const out: Problem[] = [];
  if (!sweep.models.length)
    out.push({ field: 'sweep', text: 'Choose at least one model to sweep.' });
  if (!sweep.depths.length)
    out.push({ field: 'sweep', text: 'List at least one depth, e.g. 2, 8, 32, 128.' });
  if (sweep.depths.some((d) => !Number.isInteger(d) || d < 1 || d > MAX_DEPTH))
    out.push({ field: 'sweep', text: `Depths must be whole numbers from 1 to ${MAX_DEPTH}.` });
  if (sweep.models.some(isReversible)) {
    const probe = modelProblems({ ...cfg.model, model: 'rev' }).filter((p) => p.field === 'groups');
    for (const p of probe) out.push({ field: 'sweep', text: `For rev / wtrev: ${p.text}` });
  }
  for (const m of sweep.models)
    if (!(MODEL_KINDS as readonly string[]).includes(m))
      out.push({ field: 'sweep', text: `Unknown model "${m}".` });
  return out;
}

export function budgetBytes(cfg: RunConfig): number | null {
  return cfg.budgetMiB === null ? null : Math.round(cfg.budgetMiB * 1024 * 1024);
}

export function trainOptions(cfg: RunConfig): TrainOptions {
  return {
    ...DEFAULT_TRAIN,
    epochs: cfg.epochs,
    lr: cfg.lr,
    seed: cfg.seed,
    // Reversible runs report how exactly the inverse rebuilds the input, once an epoch or so.
    reconstructionEvery: isReversible(cfg.model.model) ? Math.max(1, cfg.parts) : 0,
  };
}

export function runSpec(cfg: RunConfig, fromLoadedWeights = false): RunSpec {
  return {
    dataset: cfg.dataset,
    shards: cfg.shards,
    parts: cfg.parts,
    evalParts: cfg.evalParts,
    evalViews: cfg.evalViews,
    model: cfg.model,
    train: trainOptions(cfg),
    budgetBytes: budgetBytes(cfg),
    fromLoadedWeights,
  };
}

export function sweepSpec(cfg: RunConfig, sweep: SweepConfig): SweepSpec {
  return {
    dataset: cfg.dataset,
    shards: cfg.shards,
    parts: cfg.parts,
    base: cfg.model,
    models: sweep.models,
    depths: sweep.depths,
    seed: cfg.seed,
    budgetBytes: budgetBytes(cfg),
  };
}

/** "rev · 64 × 32" — how a run's model reads in legends and tables. */
export function modelLabel(m: ModelConfig): string {
  return `${m.model} ${m.op.toUpperCase()} · ${m.layers} × ${m.channels}`;
}
