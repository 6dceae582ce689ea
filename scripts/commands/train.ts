// `revgnn train`: trains one model on a dataset in headless Chromium (the same engine as the page)
// and writes { config, adapter, params, epochs, best, peakBytes, peakByTag, peakHeldBytes,
// peakHeldByTag } as JSON (peakBytes: in use; peakHeldBytes: what the GPU held, pool included).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { EntryRunner } from '../lib/hosts.ts';
import { configProblems, type ModelConfig } from '../../src/models/config.ts';
import type { TrainArgs } from '../../src/headless/train.ts';
import { DEFAULT_TRAIN } from '../../src/train/options.ts';
import { readWeightsFile } from '../../src/export/weights.ts';
import { fromBase64, toBase64 } from '../../src/util/base64.ts';
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
  clip: number;
  parts: number;
  evalParts: number;
  evalViews: number;
  stream: 'auto' | 'memory' | 'stream';
  evalEvery: number;
  reconstructionEvery: number;
  out?: string;
  saveWeights?: string;
  initFrom?: string;
}

/** Each model setting and the option that sets it. */
const MODEL_OPTIONS: [keyof ModelConfig, string][] = [
  ['model', 'model'],
  ['op', 'op'],
  ['aggregation', 'aggr'],
  ['layers', 'layers'],
  ['channels', 'channels'],
  ['groups', 'groups'],
  ['dropout', 'dropout'],
  ['tying', 'tying'],
  ['tolerance', 'tol'],
  ['warmupSteps', 'warmupSteps'],
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
    .option('--model <kind>', 'res | res-ckpt | rev | wtrev | deq', modelKind, 'rev')
    .option('--layers <L>', "depth (deq: the solvers' iteration cap)", wholeNumber(1), 8)
    .option('--epochs <E>', 'epochs', wholeNumber(1), 20)
    .option('--lr <LR>', 'Adam learning rate', realNumber(0), DEFAULT_TRAIN.lr)
    .option('--weight-decay <WD>', 'Adam weight decay (L2)', realNumber(0), 0)
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
    .action(async (o: TrainCliOptions, command: Command) => {
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
          clip: o.clip,
          seed: o.seed,
          evalEvery: o.evalEvery,
          reconstructionEvery: o.reconstructionEvery,
        },
      };
      const result = await runner.run<{
        best: { epoch: number; valid: number; test: number };
        weights?: string;
      }>(o.host, 'train', args, { allowFolders: data.allow, kernels: o.kernels });
      if (o.saveWeights) {
        mkdirSync(dirname(resolve(o.saveWeights)), { recursive: true });
        writeFileSync(o.saveWeights, fromBase64(result.weights!));
        console.error(`wrote ${o.saveWeights}`);
        // The run's JSON names its weights (relative to itself), for `export --run`.
        const from = o.out ? dirname(resolve(o.out)) : process.cwd();
        result.weights = relative(from, resolve(o.saveWeights));
      }
      writeJson(o.out, result);
      const b = result.best;
      console.error(
        `best valid ${b.valid.toFixed(4)} at epoch ${b.epoch}, test ${b.test.toFixed(4)}`,
      );
    });
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
