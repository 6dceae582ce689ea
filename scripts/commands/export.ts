// `revgnn export --to pytorch`: a run's network, weights, data pipeline and trainer as a small
// Python package (src/export/pytorch/), from a weights file or from a run's JSON (its saved
// weights, or the engine's initialisation for its seed when it kept none).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { EntryRunner } from '../lib/hosts.ts';
import { diskTemplates } from '../lib/pytorch-templates.ts';
import {
  pytorchPackage,
  type ExportRequest,
  type ExportTrainSettings,
} from '../../src/export/pytorch-package.ts';
import { exportProblems, readWeightsFile } from '../../src/export/weights.ts';
import { DEFAULT_MODEL, type ModelConfig } from '../../src/models/config.ts';
import { resolveDataset } from '../../src/graph/node-source.ts';
import { loadManifest } from '../../src/graph/load.ts';
import { manifestShape } from '../../src/train/streamed-data.ts';
import type { InitialWeightsArgs } from '../../src/headless/initial-weights.ts';
import { fromBase64 } from '../../src/util/base64.ts';
import { addHostOption, type HostCliOptions } from './options.ts';

interface ExportCliOptions extends HostCliOptions {
  to: 'pytorch';
  weights?: string;
  run?: string;
  out: string;
  data?: string;
  force?: boolean;
}

/** The model settings of a run's JSON config (model and training settings share that object). */
const MODEL_KEYS = [...Object.keys(DEFAULT_MODEL), 'policy', 'tolerance', 'warmupSteps'];
const TRAIN_KEYS: (keyof ExportTrainSettings)[] = [
  'epochs',
  'lr',
  'weightDecay',
  'clip',
  'seed',
  'evalEvery',
  'parts',
  'evalParts',
  'evalViews',
];

interface RunJson {
  config: Record<string, unknown> & { data?: string; dataset?: string; streamed?: boolean };
  weights?: string;
}

function readRun(path: string): RunJson {
  let run: RunJson;
  try {
    run = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not the JSON of a run (${(e as Error).message}).`);
  }
  if (!run?.config || typeof run.config.model !== 'string')
    throw new Error(`${path}: no "config" with a model: not written by \`revgnn train\`.`);
  return run;
}

function pick<K extends string>(from: Record<string, unknown>, keys: readonly K[]) {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));
}

/** A built-in's name or a folder, as an absolute folder path (null when it is neither). */
function dataDir(ref: string | undefined): string | null {
  if (!ref) return null;
  try {
    return resolveDataset(ref).label;
  } catch {
    return null;
  }
}

async function fromRun(
  path: string,
  o: ExportCliOptions,
  runner: EntryRunner,
): Promise<ExportRequest> {
  const run = readRun(path);
  const cfg = run.config;
  const dir = o.data ? (dataDir(o.data) ?? resolve(o.data)) : dataDir(cfg.data);
  const train = {
    ...pick(cfg, TRAIN_KEYS),
    stream: cfg.streamed ? 'stream' : 'auto',
  } as Partial<ExportTrainSettings>;
  const dataset = { name: cfg.dataset ?? null, dir };
  if (run.weights) {
    const file = resolve(dirname(path), run.weights);
    const checkpoint = readWeightsFile(readFileSync(file), file);
    return { checkpoint, train, dataset, source: `${path} (weights ${file})` };
  }
  if (!dir) throw new Error(`${path}: its dataset "${cfg.data}" cannot be found; pass --data DIR.`);
  const model = pick(cfg, MODEL_KEYS) as unknown as ModelConfig;
  const manifest = await loadManifest(resolveDataset(dir));
  const args: InitialWeightsArgs = {
    model,
    shape: manifestShape(manifest),
    seed: Number(cfg.seed ?? 0),
    datasetName: manifest.name,
  };
  const bytes = fromBase64(await runner.run<string>(o.host, 'initial-weights', args, {}));
  return {
    checkpoint: readWeightsFile(bytes, 'initial weights'),
    train,
    dataset,
    source: `${path} (no saved weights: the engine's initialisation)`,
    initial: true,
  };
}

function fromWeights(path: string, o: ExportCliOptions): ExportRequest {
  const checkpoint = readWeightsFile(readFileSync(path), path);
  const extra = checkpoint.extra ?? {};
  const dataRef = typeof extra.data === 'string' ? extra.data : undefined;
  const name = typeof extra.datasetName === 'string' ? extra.datasetName : null;
  return {
    checkpoint,
    dataset: {
      name,
      dir: o.data ? (dataDir(o.data) ?? resolve(o.data)) : dataDir(dataRef ?? name ?? undefined),
    },
    source: `${resolve(path)} (after epoch ${checkpoint.epoch})`,
  };
}

export function registerExport(program: Command, runner: EntryRunner): void {
  const cmd = program
    .command('export')
    .description("Export a run's network, weights and trainer as a Python (PyTorch) package")
    .addOption(
      new Option('--to <target>', 'what to export to').choices(['pytorch']).makeOptionMandatory(),
    )
    .option('--weights <file>', 'a weights file (.rgnn from train --save-weights or the page)')
    .option(
      '--run <file>',
      "a run's JSON (train --out): its saved weights, else its initialisation",
    )
    .requiredOption('--out <dir>', 'the package folder to write')
    .option(
      '--data <dir>',
      "the dataset folder train.py and predict.py default to (default: the run's)",
    )
    .option('--force', 'write into a folder that is not empty');
  addHostOption(cmd, runner).action(async (o: ExportCliOptions) => {
    if (!o.weights === !o.run)
      throw new Error('Give exactly one of --weights FILE or --run RUN.json.');
    const req = o.weights ? fromWeights(o.weights, o) : await fromRun(o.run!, o, runner);
    const problems = exportProblems(req.checkpoint.model, req.checkpoint.params);
    if (problems.length) throw new Error(problems.join(' '));
    if (existsSync(o.out) && readdirSync(o.out).length && !o.force)
      throw new Error(`${o.out} exists and is not empty: choose another --out, or pass --force.`);
    const files = pytorchPackage(req, diskTemplates());
    mkdirSync(o.out, { recursive: true });
    for (const [name, body] of Object.entries(files)) writeFileSync(join(o.out, name), body);
    console.log(`wrote ${o.out}: ${Object.keys(files).join(', ')}`);
  });
}
