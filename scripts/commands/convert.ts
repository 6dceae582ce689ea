// `revgnn convert`: Planetoid, OGB or CSV input → a dataset folder (docs/dataset-format.md).
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { formatBytes } from '../../src/util/format.ts';
import { convertDataset, INPUT_FORMATS, type InputFormat } from '../../src/graph/convert/index.ts';
import type { ConvertProgress } from '../../src/graph/convert/input.ts';
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

function wholeNumber(min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > 0xffffffff) {
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}, found "${v}"`);
    }
    return n;
  };
}

/** A terminal progress bar on a TTY, one line per stage otherwise. */
function progressReporter(enabled: boolean): {
  update: (p: ConvertProgress) => void;
  stop: () => void;
} {
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (!process.stderr.isTTY) {
    let last = '';
    return {
      update: (p) => {
        const key = `${p.stage} ${p.stage === 'read' ? p.label : ''}`;
        if (key !== last) {
          last = key;
          process.stderr.write(`${p.stage}: ${p.label}\n`);
        }
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: '{stage} [{bar}] {percentage}% | {label}',
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stage = '';
  return {
    update: (p) => {
      const payload = { stage: p.stage.padEnd(6), label: p.label.split('/').slice(-2).join('/') };
      const total = Math.max(p.total, 1);
      if (!started) {
        bar.start(total, p.done, payload);
        started = true;
      } else if (p.stage !== stage) {
        bar.setTotal(total);
      }
      stage = p.stage;
      bar.update(Math.min(p.done, total), payload);
    },
    stop: () => started && bar.stop(),
  };
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
  const progress = progressReporter(opts.progress !== false);
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
