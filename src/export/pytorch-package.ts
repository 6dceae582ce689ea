// The files of a PyTorch export: the Python templates (src/export/pytorch/) as they are, and the
// three that describe this export — config.json, weights.safetensors and README.md. The same for
// the CLI (written to a folder) and the page (a .zip); each host hands over the template texts.
import { isReversible, type ModelConfig } from '../models/config';
import type { Checkpoint } from '../train/checkpoint';
import type { TrainOptions } from '../train/options';
import { ENGINE } from './engine-version';
import { checkpointToSafetensors, exportDims } from './weights';

/** The template files, in the order README.md lists them. */
export const PYTORCH_TEMPLATES = [
  'model.py',
  'layers.py',
  'aggregate.py',
  'gat.py',
  'coupling.py',
  'deq.py',
  'data.py',
  'partitions.py',
  'evaluate.py',
  'train.py',
  'predict.py',
  'weights_io.py',
  'README.md',
] as const;

export type PytorchTemplates = Record<(typeof PYTORCH_TEMPLATES)[number], string>;

/** The run's training settings train.py starts from (the CLI's train options). */
export interface ExportTrainSettings extends Pick<
  TrainOptions,
  'epochs' | 'lr' | 'weightDecay' | 'clip' | 'seed' | 'evalEvery'
> {
  parts: number;
  evalParts: number;
  evalViews: number;
  stream: 'auto' | 'memory' | 'stream';
  /** The shards the run loaded (null: all). */
  shards: number[] | null;
}

export const DEFAULT_EXPORT_TRAIN: ExportTrainSettings = {
  epochs: 20,
  lr: 0.005,
  weightDecay: 0,
  clip: 1,
  seed: 0,
  evalEvery: 1,
  parts: 1,
  evalParts: 1,
  evalViews: 1,
  stream: 'auto',
  shards: null,
};

export interface ExportRequest {
  checkpoint: Checkpoint;
  train?: Partial<ExportTrainSettings>;
  /** The dataset's name, and its folder when known (train.py's default --data; a relative one is
   * taken from the package's folder). */
  dataset?: { name: string | null; dir?: string | null };
  /** In words: what was exported, e.g. "w.rgnn (npm run cli -- export)". */
  source: string;
  /** Whether the weights are the engine's initialisation rather than trained ones. */
  initial?: boolean;
}

function describeOperator(m: ModelConfig): string {
  if (m.op === 'gen') {
    // DeeperGCN's names, as the parameters are called (nn/ops/gen.ts; not imported: GPU code).
    const learned = { softmax: 't', power: 'p', max: null }[m.aggregation];
    return `GEN (${m.aggregation}${learned && m.learnAggr !== false ? `, learned ${learned}` : ''})`;
  }
  if (m.op === 'gat') return `GAT (${m.heads ?? 1} head${(m.heads ?? 1) === 1 ? '' : 's'})`;
  return m.op.toUpperCase();
}

function describeModel(c: Checkpoint): string {
  const m = c.model;
  const op = describeOperator(m);
  if (m.model === 'deq')
    return `DEQ-GNN ${op}, ${m.channels} channels, iteration cap ${m.layers}, tolerance ${m.tolerance ?? 1e-4}`;
  const kind = {
    res: 'ResGNN',
    'res-ckpt': 'ResGNN (checkpointed)',
    rev: 'RevGNN',
    wtrev: 'WT-RevGNN',
  }[m.model as string];
  const groups = isReversible(m.model) ? `, ${m.groups} groups` : '';
  const tying = m.model === 'wtrev' ? `, tying ${m.tying}` : '';
  return `${kind ?? m.model} ${op}, ${m.layers} layer${m.layers === 1 ? '' : 's'} × ${m.channels} channels${groups}${tying}, dropout ${m.dropout}`;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (all, key: string) => values[key] ?? all);
}

/** config.json: what model.py, train.py and predict.py build from. */
export function exportConfig(req: ExportRequest): Record<string, unknown> {
  const c = req.checkpoint;
  return {
    format: 'revgnn-pytorch-export',
    version: 1,
    engine: ENGINE,
    source: {
      description: req.source,
      dataset: req.dataset?.name ?? null,
      dataDir: req.dataset?.dir ?? null,
      epoch: c.epoch,
      steps: c.adamStep,
      initial: !!req.initial,
    },
    model: c.model,
    dims: exportDims(c.params),
    train: { ...DEFAULT_EXPORT_TRAIN, ...req.train },
  };
}

/** Every file of the package, by name: text or bytes. */
export function pytorchPackage(
  req: ExportRequest,
  templates: PytorchTemplates,
): Record<string, string | Uint8Array> {
  const c = req.checkpoint;
  const dataset = req.dataset?.name ?? null;
  const weights = checkpointToSafetensors(c, dataset);
  const config = exportConfig(req);
  const params = Object.values(c.params).reduce((t, p) => t + p.rows * p.cols, 0);
  const train = config.train as ExportTrainSettings;
  const readme = fill(templates['README.md'], {
    TITLE: `${describeModel(c).split(',')[0]} exported from RevGNN Studio`,
    MODEL: describeModel(c),
    PARAMS: params.toLocaleString('en-US'),
    WEIGHTS: req.initial
      ? `the engine's initialisation (seed ${train.seed}), untrained`
      : `after epoch ${c.epoch} (${c.adamStep} optimizer steps)`,
    SOURCE: req.source,
    ENGINE: `${ENGINE.name} ${ENGINE.version}`,
    DATASET: dataset ?? 'not recorded (pass --data)',
    DATA_DIR: req.dataset?.dir ?? 'DATASET_DIR',
    TRAIN:
      `${train.epochs} epochs, lr ${train.lr}, clip ${train.clip}, ${train.parts} parts per ` +
      `epoch, ${train.evalParts} evaluation parts × ${train.evalViews} views, seed ${train.seed}`,
  });
  const files: Record<string, string | Uint8Array> = {};
  for (const name of PYTORCH_TEMPLATES) files[name] = templates[name];
  files['README.md'] = readme;
  files['config.json'] = JSON.stringify(config, null, 2) + '\n';
  files['weights.safetensors'] = weights;
  return files;
}
