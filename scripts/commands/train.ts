// `revgnn train`: trains one model on a dataset in headless Chromium (the same engine as the page)
// and writes { config, adapter, params, epochs, best, peakBytes, peakByTag, peakHeldBytes,
// peakHeldByTag } as JSON (peakBytes: in use; peakHeldBytes: what the GPU held, pool included).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { EntryRunner } from '../lib/hosts.ts';
import { configProblems, type ModelConfig } from '../../src/models/config.ts';
import type { TrainArgs } from '../../src/headless/train.ts';
import { DEFAULT_TRAIN, type WeightDecayScope } from '../../src/train/options.ts';
import { RECIPE_NAMES } from '../../src/train/recipes.ts';
import { parseSeeds, type SeedSummary } from '../../src/train/seeds.ts';
import { readWeightsFile } from '../../src/export/weights.ts';
import { fromBase64, toBase64 } from '../../src/util/base64.ts';
import { applyRecipe, RECIPE_HELP } from './recipe.ts';
import {
  addHostOption,
  addModelOptions,
  type HostCliOptions,
  budgetBytes,
  dataRef,
  modelConfig,
  type ModelCliOptions,
  modelKind,
  realNumber,
  wholeNumber,
} from './options.ts';

interface TrainCliOptions extends ModelCliOptions, HostCliOptions {
  model: ModelConfig['model'];
  layers: number;
  epochs: number;
  lr: number;
  weightDecay: number;
  weightDecayOn: WeightDecayScope;
  patience: number;
  clip: number;
  parts: number;
  evalParts: number;
  evalViews: number;
  stream: 'auto' | 'memory' | 'stream';
  evalEvery: number;
  reconstructionEvery: number;
  recipe?: string;
  seeds?: number[];
  out?: string;
  saveWeights?: string;
  initFrom?: string;
}

/** Each model setting and the option that sets it. */
const MODEL_OPTIONS: [keyof ModelConfig, string][] = [
  ['model', 'model'],
  ['op', 'op'],
  ['aggregation', 'aggr'],
  ['learnAggr', 'learnAggr'],
  ['heads', 'heads'],
  ['layers', 'layers'],
  ['channels', 'channels'],
  ['groups', 'groups'],
  ['dropout', 'dropout'],
  ['tying', 'tying'],
  ['tolerance', 'tol'],
  ['warmupSteps', 'warmupSteps'],
  ['solver', 'solver'],
  ['jacobianPenalty', 'jacobianPenalty'],
  ['inputDropout', 'inputDropout'],
  ['features', 'features'],
];

/**
 * --init-from: the weights file's own configuration stands in for every model option left at
 * its default, so `train --init-from trained.safetensors` needs no model flags.
 */
function withFileDefaults(model: ModelConfig, file: string, cmd: Command): ModelConfig {
  const saved = readWeightsFile(readFileSync(file), file, model).model;
  const out = { ...model } as Record<string, unknown>;
  for (const [key, option] of MODEL_OPTIONS) {
    const source = cmd.getOptionValueSource(option);
    if ((source === undefined || source === 'default') && saved[key] !== undefined)
      out[key] = saved[key];
  }
  return out as unknown as ModelConfig;
}

export function registerTrain(program: Command, runner: EntryRunner): void {
  const cmd = program
    .command('train')
    .description('Train a model headless and write its curve as JSON');
  addHostOption(addModelOptions(cmd), runner)
    .addOption(new Option('--recipe <name>', RECIPE_HELP).choices(RECIPE_NAMES))
    .option('--model <kind>', 'res | res-ckpt | rev | wtrev | deq | plain', modelKind, 'rev')
    .option('--layers <L>', "depth (deq: the solvers' iteration cap)", wholeNumber(1), 8)
    .option('--epochs <E>', 'epochs', wholeNumber(1), 20)
    .option('--lr <LR>', 'Adam learning rate', realNumber(0), DEFAULT_TRAIN.lr)
    .option('--weight-decay <WD>', 'Adam weight decay (L2)', realNumber(0), 0)
    .addOption(
      new Option('--weight-decay-on <which>', 'the parameters weight decay applies to')
        .choices(['all', 'first-layer'])
        .default('all'),
    )
    .option(
      '--patience <E>',
      'stop after E epochs without a better validation score (0: never)',
      wholeNumber(0),
      0,
    )
    .option(
      '--seeds <list>',
      'repeat the run per seed (e.g. 0-4); the JSON becomes { runs, summary }',
      parseSeedList,
    )
    .option('--clip <norm>', 'max global gradient norm (0: off)', realNumber(0), 1)
    .option(
      '--parts <P>',
      'random parts per epoch (1: whole graph; 0: one step per shard)',
      wholeNumber(0),
      1,
    )
    .option(
      '--eval-parts <Q>',
      'random parts of each evaluation pass (1: whole graph; the paper: 5)',
      wholeNumber(1),
      1,
    )
    .option(
      '--eval-views <V>',
      'evaluation passes over independent random partitions, predictions averaged',
      wholeNumber(1),
      1,
    )
    .addOption(
      new Option(
        '--stream <mode>',
        'read the dataset part by part from its shards (auto: when its shards pass 1 GiB)',
      )
        .choices(['auto', 'memory', 'stream'])
        .default('auto'),
    )
    .option('--eval-every <E>', 'evaluate every E epochs', wholeNumber(1), 1)
    .option(
      '--reconstruction-every <S>',
      'measure rev reconstruction error every S steps (0: off)',
      wholeNumber(0),
      0,
    )
    .option('--out <file>', 'write the JSON here (default: stdout)')
    .option(
      '--save-weights <file>',
      'write the trained weights here (.rgnn, as the page downloads)',
    )
    .option(
      '--init-from <file>',
      'start from these weights (.rgnn, or a safetensors from the PyTorch export); model options left out come from the file',
    )
    .action(async (given: TrainCliOptions, command: Command) => {
      const o = applyRecipe(given, command);
      if (o.seeds && command.getOptionValueSource('seed') === 'cli')
        throw new Error('Give --seed or --seeds, not both.');
      if (o.seeds && o.saveWeights)
        throw new Error('--save-weights keeps one run: give --seed, not --seeds.');
      const data = dataRef(o.data);
      let model = modelConfig(o, o.model, o.layers);
      if (o.initFrom) model = withFileDefaults(model, o.initFrom, command);
      const problems = configProblems(model);
      if (problems.length) throw new Error(problems.join(' '));
      const args: TrainArgs = {
        data: data.ref,
        model,
        parts: o.parts,
        evalParts: o.evalParts,
        evalViews: o.evalViews,
        stream: o.stream,
        budgetBytes: budgetBytes(o.budgetMb),
        ...(o.initFrom
          ? { initFrom: { file: basename(o.initFrom), base64: toBase64(readFileSync(o.initFrom)) } }
          : {}),
        saveWeights: !!o.saveWeights,
        train: {
          epochs: o.epochs,
          lr: o.lr,
          weightDecay: o.weightDecay,
          weightDecayScope: o.weightDecayOn,
          patience: o.patience,
          clip: o.clip,
          seed: o.seed,
          evalEvery: o.evalEvery,
          reconstructionEvery: o.reconstructionEvery,
        },
        ...(o.seeds ? { seeds: o.seeds } : {}),
      };
      const result = await runner.run<TrainJson | SeedsJson>(o.host, 'train', args, {
        allowFolders: data.allow,
        kernels: o.kernels,
      });
      if (o.saveWeights && 'best' in result) {
        mkdirSync(dirname(resolve(o.saveWeights)), { recursive: true });
        writeFileSync(o.saveWeights, fromBase64(result.weights!));
        console.error(`wrote ${o.saveWeights}`);
        // The run's JSON names its weights (relative to itself), for `export --run`.
        const from = o.out ? dirname(resolve(o.out)) : process.cwd();
        result.weights = relative(from, resolve(o.saveWeights));
      }
      writeJson(o.out, result);
      if ('summary' in result) {
        const { valid, test } = result.summary;
        const pct = (m: { mean: number; std: number }) =>
          `${(100 * m.mean).toFixed(2)} ± ${(100 * m.std).toFixed(2)} %`;
        console.error(`over seeds ${o.seeds!.join(', ')}: valid ${pct(valid)}, test ${pct(test)}`);
        return;
      }
      const b = result.best;
      console.error(
        `best valid ${b.valid.toFixed(4)} at epoch ${b.epoch}, test ${b.test.toFixed(4)}`,
      );
    });
}

interface TrainJson {
  best: { epoch: number; valid: number; test: number };
  /** The trained weights: base64 from the engine, then the file's path (--save-weights). */
  weights?: string;
}

interface SeedsJson {
  runs: TrainJson[];
  summary: SeedSummary;
}

function parseSeedList(v: string): number[] {
  try {
    return parseSeeds(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export function writeJson(out: string | undefined, value: unknown): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  if (!out) {
    process.stdout.write(text);
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  console.error(`wrote ${out}`);
}
