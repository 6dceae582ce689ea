// Option parsers and the model options shared by `train` and `sweep`.
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BUILTIN_ROOT, resolveDataset } from '../../src/graph/node-source.ts';
import {
  DEQ_DEFAULTS,
  FEATURE_PREPS,
  GEN_AGGREGATIONS,
  MODEL_KINDS,
  OP_KINDS,
  SOLVER_METHODS,
  type ModelConfig,
} from '../../src/models/config.ts';
import { parseKernelChoice } from '../../src/kernels/variants.ts';
import type { EntryRunner, HostChoice } from '../lib/hosts.ts';

export function wholeNumber(min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > 0xffffffff)
      throw new InvalidArgumentError(
        `expected a whole number from ${min} to 4294967295, found "${v.slice(0, 40)}"`,
      );
    return n;
  };
}

export function realNumber(min: number, maxExclusive = Infinity) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n >= maxExclusive) {
      throw new InvalidArgumentError(
        `expected a number ≥ ${min}${Number.isFinite(maxExclusive) ? ` and < ${maxExclusive}` : ''}, found "${v}"`,
      );
    }
    return n;
  };
}

export function list<T>(parse: (v: string) => T) {
  return (v: string) => v.split(',').map((s) => parse(s.trim()));
}

export function modelKind(v: string): ModelConfig['model'] {
  if (!(MODEL_KINDS as readonly string[]).includes(v)) {
    throw new InvalidArgumentError(`expected one of ${MODEL_KINDS.join(', ')}, found "${v}"`);
  }
  return v as ModelConfig['model'];
}

/** Checks --kernels on the Node side (a typo fails before a browser starts); keeps the text. */
export function kernelChoice(v: string): string {
  try {
    parseKernelChoice(v);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
  return v;
}

export const KERNELS_HELP =
  'kernel variants: family=variant pairs (e.g. gemm=tiled,spmm=rowblock; the rest are timed ' +
  'on the GPU at first use and cached), "tune" to time them on a software adapter too, ' +
  '"default" for the portable ones';

/** Options every command that builds a model takes. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .requiredOption(
      '--data <name|dir>',
      'built-in dataset (citation, proteins, long-range) or a dataset folder',
    )
    .addOption(
      new Option('--op <op>', 'operator inside each block').choices([...OP_KINDS]).default('gcn'),
    )
    .addOption(
      new Option('--aggr <aggr>', 'GEN aggregation')
        .choices([...GEN_AGGREGATIONS])
        .default('softmax'),
    )
    .option(
      '--no-learn-aggr',
      "GEN: keep softmax's temperature β (or the power mean's p) at 1 instead of learning it",
    )
    .option(
      '--heads <H>',
      "GAT attention heads (must divide each operator's width)",
      wholeNumber(1),
      1,
    )
    .option('--channels <D>', 'channels (width)', wholeNumber(1), 64)
    .option('--groups <C>', 'groups of the reversible coupling', wholeNumber(1), 2)
    .option('--dropout <p>', 'shared dropout rate (plain: between layers)', realNumber(0, 1), 0.1)
    .option(
      '--input-dropout <p>',
      'dropout on the input features while training',
      realNumber(0, 1),
      0,
    )
    .addOption(
      new Option('--features <prep>', 'node feature preprocessing')
        .choices([...FEATURE_PREPS])
        .default('raw'),
    )
    .addOption(
      new Option('--tying <mode>', 'wtrev weight tying')
        .choices(['first-untied', 'all'])
        .default('first-untied'),
    )
    .option(
      '--tol <t>',
      `deq: relative-residual tolerance of the fixed-point solves (default ${DEQ_DEFAULTS.tolerance})`,
      realNumber(0, 1),
    )
    .option(
      '--warmup-steps <S>',
      'deq: training steps of the weight-tied unrolled network before the solver (default 0)',
      wholeNumber(0),
    )
    .addOption(
      new Option(
        '--solver <method>',
        'deq: fixed-point solver of both solves (default broyden)',
      ).choices([...SOLVER_METHODS]),
    )
    .option(
      '--jacobian-penalty <γ>',
      'deq: Jacobian regularisation γ·‖∂F/∂Z‖²_F/(N·D), keeps the solves converging (default 0)',
      realNumber(0),
    )
    .option('--seed <S>', 'seed (weights, dropout, parts)', wholeNumber(0), 0)
    .option('--budget-mb <MB>', 'simulated GPU memory budget in MiB', realNumber(0));
}

export interface DataRef {
  /** What the page is given: a built-in name or an absolute folder path. */
  ref: string;
  /** Folders the headless page must be allowed to read. */
  allow: string[];
}

/** Checks --data on the Node side, so a typo fails before a browser starts. */
export function dataRef(value: string): DataRef {
  const source = resolveDataset(value);
  // Built-ins are served by the page's own server; a folder is read through /@fs/.
  if (source.label === resolve(join(BUILTIN_ROOT, value))) return { ref: value, allow: [] };
  const dir = resolve(value);
  return { ref: dir, allow: [dir] };
}

/** What addModelOptions parses. */
export interface ModelCliOptions {
  data: string;
  op: ModelConfig['op'];
  aggr: ModelConfig['aggregation'];
  learnAggr: boolean;
  heads: number;
  channels: number;
  groups: number;
  dropout: number;
  inputDropout: number;
  features: NonNullable<ModelConfig['features']>;
  tying: ModelConfig['tying'];
  seed: number;
  budgetMb?: number;
  tol?: number;
  warmupSteps?: number;
  solver?: ModelConfig['solver'];
  jacobianPenalty?: number;
}

/** The model configuration the options describe, for one model kind and depth. */
export function modelConfig(
  o: ModelCliOptions,
  model: ModelConfig['model'],
  layers: number,
): ModelConfig {
  return {
    model,
    op: o.op,
    aggregation: o.aggr,
    learnAggr: o.learnAggr,
    heads: o.heads,
    layers,
    channels: o.channels,
    groups: o.groups,
    dropout: o.dropout,
    tying: o.tying,
    ...(o.inputDropout > 0 ? { inputDropout: o.inputDropout } : {}),
    ...(o.features !== 'raw' ? { features: o.features } : {}),
    ...(o.tol !== undefined ? { tolerance: o.tol } : {}),
    ...(o.warmupSteps !== undefined ? { warmupSteps: o.warmupSteps } : {}),
    ...(o.solver !== undefined ? { solver: o.solver } : {}),
    ...(o.jacobianPenalty !== undefined ? { jacobianPenalty: o.jacobianPenalty } : {}),
  };
}

export function budgetBytes(mb: number | undefined): number | null {
  return mb === undefined ? null : Math.round(mb * 1024 * 1024);
}

/** `--host`: where the engine runs (the runner says which hosts this build has). */
/** Where an entry runs (--host) and which kernel variants its runtimes use (--kernels). */
export function addHostOption(cmd: Command, runner: EntryRunner): Command {
  return cmd
    .addOption(
      new Option(
        '--host <host>',
        'chromium: headless Chromium; node: this process on Dawn (no browser); ' +
          'auto: node where Dawn finds a hardware GPU, else chromium',
      )
        .choices([...runner.choices])
        .default(runner.defaultHost),
    )
    .option('--kernels <choice>', KERNELS_HELP, kernelChoice);
}

export interface HostCliOptions {
  host: HostChoice;
  /** --kernels, checked (src/kernels/variants.ts parseKernelChoice). */
  kernels?: string;
}
