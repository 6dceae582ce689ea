// `revgnn convert`: Planetoid, OGB or CSV input → a dataset folder (docs/dataset-format.md).
import { stageProgress } from '../lib/stage-progress.ts';
import { Command, Option } from 'commander';
import { wholeNumber } from './options.ts';
import { formatBytes } from '../../src/util/format.ts';
import { convertDataset, INPUT_FORMATS, type InputFormat } from '../../src/graph/convert/index.ts';
import { DEFAULT_MAX_NODES } from '../../src/graph/convert/limits.ts';
import { NodeDirSink, nodeInput } from '../../src/graph/convert/node-io.ts';
import type { DatasetManifest } from '../../src/graph/format.ts';

export interface ConvertCliOptions {
  format: InputFormat | 'auto';
  input: string;
  name?: string;
  out: string;
  shards: number;
  seed: number;
  directed?: boolean;
  force?: boolean;
  maxNodes?: number;
  header?: 'auto' | 'yes' | 'no';
  edges?: string;
  features?: string;
  labels?: string;
  split?: string;
  progress?: boolean;
}

export function describeManifest(m: DatasetManifest): string {
  const bytes = m.shards.reduce((t, s) => t + s.bytes, 0);
  const labels =
    m.task === 'multilabel' ? `${m.numTasks} tasks (multi-label)` : `${m.numClasses} classes`;
  return [
    `${m.name}: ${m.numNodes} nodes, ${m.numEdges} stored edge entries${m.symmetric ? ' (symmetric)' : ''}`,
    `  features ${m.features.kind} × ${m.features.dim}${m.features.derived ? ` (${m.features.derived})` : ''}` +
      (m.edgeFeatures ? `, edge features × ${m.edgeFeatures.dim}` : ''),
    `  ${labels}, metric ${m.metric}; split ${m.split.train} / ${m.split.valid} / ${m.split.test} (${m.split.none} unused)`,
    `  ${m.shards.length} shard(s), ${formatBytes(bytes)}`,
    ...m.notes.map((n) => `  - ${n}`),
  ].join('\n');
}

export async function runConvert(opts: ConvertCliOptions): Promise<DatasetManifest> {
  const input = nodeInput(opts.input);
  const sink = new NodeDirSink(opts.out, { force: opts.force, input: opts.input });
  const progress = stageProgress(opts.progress !== false);
  // SIGINT and SIGTERM both leave nothing behind: the staging folder (and any parent folder made
  // for it) is removed before the process exits with the signal's conventional code.
  const onSignal = (signal: NodeJS.Signals) => {
    progress.stop();
    void sink.abort().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { manifest } = await convertDataset(input, sink, {
      format: opts.format,
      name: opts.name,
      shards: opts.shards,
      seed: opts.seed,
      directed: opts.directed,
      maxNodes: opts.maxNodes,
      csv: {
        header: opts.header,
        edges: opts.edges,
        features: opts.features,
        labels: opts.labels,
        split: opts.split,
      },
      onProgress: progress.update,
    });
    return manifest;
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description(
      'Convert Planetoid, OGB or CSV data into a dataset folder (manifest.json + shards)',
    )
    .addOption(
      new Option('--format <format>', 'input format')
        .choices([...INPUT_FORMATS, 'auto'])
        .default('auto'),
    )
    .requiredOption('--input <path>', 'input file or folder')
    .option('--name <name>', 'dataset name (Planetoid: also picks ind.<name>.*)')
    .requiredOption('--out <dir>', 'output folder (must not exist unless --force)')
    .option('--shards <K>', 'number of shards (random node partition)', wholeNumber(1), 4)
    .option('--seed <S>', 'seed of the partition (and of a CSV random split)', wholeNumber(0), 0)
    .option('--directed', 'ogb/csv: keep edge directions instead of symmetrising')
    .option(
      '--force',
      'replace --out if it is a dataset folder (manifest.json and its shards), never the input',
    )
    .option(
      '--max-nodes <N>',
      `refuse an input whose ids imply more nodes (default ${DEFAULT_MAX_NODES})`,
      wholeNumber(1),
    )
    .addOption(
      new Option('--header <mode>', 'csv: header line')
        .choices(['auto', 'yes', 'no'])
        .default('auto'),
    )
    .option('--edges <file>', 'csv: the edge list file')
    .option('--features <file>', 'csv: the node feature file')
    .option('--labels <file>', 'csv: the label file')
    .option('--split <file>', 'csv: the split file')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: ConvertCliOptions) => {
      const manifest = await runConvert(opts);
      console.log(describeManifest(manifest));
      console.log(`wrote ${opts.out}`);
    });
}
