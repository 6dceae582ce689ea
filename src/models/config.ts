// A run's model configuration and the checks that explain impossible ones before anything runs.
import type { MemoryPolicy } from './block';
import type { GenAggregation } from '../nn/ops/gen';

export const MODEL_KINDS = ['res', 'res-ckpt', 'rev', 'wtrev', 'deq', 'plain'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
export const OP_KINDS = ['gcn', 'sage', 'gen', 'gat'] as const;
export type OpKind = (typeof OP_KINDS)[number];
export type Tying = 'first-untied' | 'all';
/** How node features reach the network: as stored, or each row scaled to sum 1 (Kipf's Planetoid setting). */
export const FEATURE_PREPS = ['raw', 'row-normalized'] as const;
export type FeaturePrep = (typeof FEATURE_PREPS)[number];
/** Operators a plain network can stack (they map any input width to any output width). */
export const PLAIN_OPS: readonly OpKind[] = ['gcn', 'sage'];
export const GEN_AGGREGATIONS = [
  'softmax',
  'max',
  'power',
] as const satisfies readonly GenAggregation[];

export interface ModelConfig {
  model: ModelKind;
  op: OpKind;
  /** GEN's aggregation. */
  aggregation: GenAggregation;
  /** GEN: learn softmax's temperature β or the power mean's p (true when absent); else 1. */
  learnAggr?: boolean;
  /** GAT's attention heads; they split each operator's width (1 when absent). */
  heads?: number;
  layers: number;
  channels: number;
  /** Groups of the reversible coupling (rev, wtrev). */
  groups: number;
  dropout: number;
  /** wtrev: an untied first block plus one shared block (the paper's counts), or all tied. */
  tying: Tying;
  /** Overrides the model's memory policy (tests compare policies on one network). */
  policy?: MemoryPolicy;
  /** deq: tolerance on ‖F(Z) − Z‖ / min(‖F(Z)‖, ‖Z‖) for both fixed-point solves. */
  tolerance?: number;
  /** deq: training steps of the weight-tied unrolled network before the solver takes over. */
  warmupSteps?: number;
  /** deq: the fixed-point solver of both solves. */
  solver?: SolverMethod;
  /** deq: γ of the Jacobian regularisation γ·‖∂F/∂Z‖²_F / (N·D) (Bai et al. 2021); 0 = off. */
  jacobianPenalty?: number;
  /** Dropout on the input features during training (Kipf's GCN drops them too); default 0. */
  inputDropout?: number;
  /** Feature preprocessing; default 'raw'. Part of the model: its weights expect these inputs. */
  features?: FeaturePrep;
}

export const SOLVER_METHODS = ['broyden', 'anderson'] as const;
export type SolverMethod = (typeof SOLVER_METHODS)[number];

/** deq's settings when the configuration leaves them out. */
export const DEQ_DEFAULTS = {
  tolerance: 1e-4,
  warmupSteps: 0,
  solver: 'broyden',
  jacobianPenalty: 0,
} as const satisfies Record<string, number | SolverMethod>;

/** What the data tells the model: input and output sizes. */
export interface DataShape {
  inputDim: number;
  inputKind: 'dense' | 'sparse';
  outputDim: number;
  task: 'multiclass' | 'multilabel';
  /** 0 when the graph has no edge features. */
  edgeDim: number;
}

export const DEFAULT_MODEL: ModelConfig = {
  model: 'rev',
  op: 'gcn',
  aggregation: 'softmax',
  learnAggr: true,
  heads: 1,
  layers: 8,
  channels: 64,
  groups: 2,
  dropout: 0.1,
  tying: 'first-untied',
};

export function defaultPolicy(model: ModelKind): MemoryPolicy {
  switch (model) {
    case 'res':
    case 'plain':
      return 'store';
    case 'res-ckpt':
      return 'checkpoint';
    default:
      return 'reverse';
  }
}

/**
 * plain: L operator layers with ReLU and dropout between, no residual, no normalisation, no
 * encoder or head — the shallow baselines of the paper's tables (Kipf's GCN, GraphSAGE).
 */
export function isPlain(model: ModelKind): boolean {
  return model === 'plain';
}

export function isReversible(model: ModelKind): boolean {
  return model === 'rev' || model === 'wtrev';
}

/** Operators that read the step's shared edge embedding when the data has edge features. */
export function usesEdgeEmbedding(op: OpKind): boolean {
  return op === 'gen' || op === 'gat';
}

/** Channels one operator sees: a group's share in a reversible network, else all of them. */
export function operatorWidth(cfg: ModelConfig): number {
  return isReversible(cfg.model) ? cfg.channels / cfg.groups : cfg.channels;
}

function headProblems(cfg: ModelConfig): string[] {
  const heads = cfg.heads ?? 1;
  if (!Number.isInteger(heads) || heads < 1)
    return [`GAT's heads must be a whole number ≥ 1 (got ${heads}).`];
  const width = operatorWidth(cfg);
  if (!Number.isInteger(width) || width % heads === 0) return [];
  const where = isReversible(cfg.model) ? `each of the ${cfg.groups} groups` : 'each layer';
  return [
    `GAT's ${heads} heads do not split the ${width} channels of ${where} evenly: ` +
      `choose heads that divide ${width}, or channels that ${heads} heads divide.`,
  ];
}

/** Every reason the configuration cannot run, in plain words; empty when it can. */
export function configProblems(cfg: ModelConfig): string[] {
  const out: string[] = [];
  const int = (v: number) => Number.isInteger(v);
  if (!int(cfg.layers) || cfg.layers < 1) {
    const what = cfg.model === 'deq' ? 'The iteration cap (layers)' : 'Depth';
    out.push(`${what} must be a whole number ≥ 1 (got ${cfg.layers}).`);
  }
  if (!int(cfg.channels) || cfg.channels < 1) {
    out.push(`Channels must be a whole number ≥ 1 (got ${cfg.channels}).`);
  }
  if (!(cfg.dropout >= 0 && cfg.dropout < 1))
    out.push(`Dropout must be in [0, 1) (got ${cfg.dropout}).`);
  if (!(MODEL_KINDS as readonly string[]).includes(cfg.model))
    out.push(`Unknown model "${cfg.model}".`);
  if (!(OP_KINDS as readonly string[]).includes(cfg.op)) out.push(`Unknown operator "${cfg.op}".`);
  if (isReversible(cfg.model)) {
    if (!int(cfg.groups) || cfg.groups < 2) {
      out.push(
        `A reversible network needs at least 2 groups (got ${cfg.groups}): with one group there is ` +
          'no partner to couple with, so the block cannot be inverted.',
      );
    } else if (int(cfg.channels) && cfg.channels % cfg.groups !== 0) {
      out.push(
        `The ${cfg.channels} channels do not split into ${cfg.groups} equal groups: ` +
          `choose channels divisible by ${cfg.groups} (e.g. ${Math.max(cfg.groups, Math.round(cfg.channels / cfg.groups) * cfg.groups)}).`,
      );
    }
  }
  if (cfg.op === 'gat') out.push(...headProblems(cfg));
  if (cfg.tolerance !== undefined && !(cfg.tolerance > 0 && cfg.tolerance < 1)) {
    out.push(`The solver tolerance must be a number between 0 and 1 (got ${cfg.tolerance}).`);
  }
  if (cfg.solver !== undefined && !(SOLVER_METHODS as readonly string[]).includes(cfg.solver))
    out.push(`Unknown solver "${cfg.solver}" (use ${SOLVER_METHODS.join(' or ')}).`);
  if (
    cfg.jacobianPenalty !== undefined &&
    !(cfg.jacobianPenalty >= 0 && Number.isFinite(cfg.jacobianPenalty))
  )
    out.push(`The Jacobian penalty must be a number ≥ 0 (got ${cfg.jacobianPenalty}).`);
  if (cfg.inputDropout !== undefined && !(cfg.inputDropout >= 0 && cfg.inputDropout < 1))
    out.push(`Input dropout must be in [0, 1) (got ${cfg.inputDropout}).`);
  if (cfg.features !== undefined && !(FEATURE_PREPS as readonly string[]).includes(cfg.features))
    out.push(
      `Unknown feature preprocessing "${cfg.features}" (use ${FEATURE_PREPS.join(' or ')}).`,
    );
  if (isPlain(cfg.model) && (OP_KINDS as readonly string[]).includes(cfg.op)) {
    if (!PLAIN_OPS.includes(cfg.op))
      out.push(
        `A plain network stacks ${PLAIN_OPS.join(', ')} layers; the ${cfg.op} operator is only ` +
          'used inside the residual, reversible and equilibrium blocks.',
      );
  }
  if (cfg.warmupSteps !== undefined && !(int(cfg.warmupSteps) && cfg.warmupSteps >= 0)) {
    out.push(`Warm-up steps must be a whole number ≥ 0 (got ${cfg.warmupSteps}).`);
  }
  if (cfg.policy && cfg.model === 'deq') {
    out.push(
      'DEQ-GNN has no memory policy to choose: it keeps only the fixed point and the solver history.',
    );
  } else if (cfg.policy && isPlain(cfg.model) && cfg.policy !== 'store') {
    out.push('A plain network keeps what its layers need (store); it has no other memory policy.');
  } else if (cfg.policy === 'reverse' && !isReversible(cfg.model)) {
    out.push(`The reverse memory policy needs a reversible model; ${cfg.model} is not.`);
  }
  return out;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(' '));
    this.name = 'ConfigError';
  }
}

export function assertValidConfig(cfg: ModelConfig): void {
  const problems = configProblems(cfg);
  if (problems.length) throw new ConfigError(problems);
}

/**
 * Why weights saved under one configuration cannot serve another (null when they can): every
 * setting but dropout and the memory policy shapes the parameters or what they compute.
 */
export function weightsConfigMismatch(saved: ModelConfig, wanted: ModelConfig): string | null {
  const keys = new Set([...Object.keys(saved), ...Object.keys(wanted)]);
  keys.delete('dropout');
  keys.delete('policy');
  const diff: string[] = [];
  for (const k of keys) {
    const a = (saved as unknown as Record<string, unknown>)[k];
    const b = (wanted as unknown as Record<string, unknown>)[k];
    if (a !== b) diff.push(`${k} ${String(a)} (weights) vs ${String(b)} (configuration)`);
  }
  return diff.length
    ? `The loaded weights do not fit this configuration: ${diff.join(', ')}.`
    : null;
}
