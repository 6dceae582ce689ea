// One conversion entry point for the CLI and the page's worker: detect or take the input format,
// read it into a whole graph, and write it through a sink (which commits only on success). A
// folder that already is a dataset of this format is copied shard by shard, checked, instead.
import { DatasetError } from '../errors';
import type { DatasetManifest } from '../format';
import { copyDatasetFolder, datasetManifestPath } from './dataset-folder';
import { hasCsvEdgeList, readCsv, type CsvOptions } from './csv';
import { aboutInput, asDatasetError } from './guard';
import { displayPath, type InputFiles, type ProgressFn } from './input';
import { limitsOf } from './limits';
import { ogbRoot, readOgb } from './ogb';
import { planetoidNames, readPlanetoid } from './planetoid';
import { writeDataset, type DatasetMeta, type DatasetSink, type FullGraph } from './write';

export type InputFormat = 'planetoid' | 'ogb' | 'csv' | 'dataset';
export const INPUT_FORMATS: readonly InputFormat[] = ['planetoid', 'ogb', 'csv', 'dataset'];
type GraphFormat = Exclude<InputFormat, 'dataset'>;

export interface ConvertOptions {
  format?: InputFormat | 'auto';
  /** The dataset's name (manifest); for Planetoid also picks ind.<name>.* when several are present. */
  name?: string;
  shards?: number;
  seed?: number;
  /** ogb/csv: keep edge directions instead of symmetrising. */
  directed?: boolean;
  /** The most nodes the graph may have (default DEFAULT_MAX_NODES). */
  maxNodes?: number;
  /** Edge-list rows held before repeats are dropped (tests lower it). */
  compactEdgesAt?: number;
  csv?: Omit<CsvOptions, 'name' | 'directed' | 'seed' | 'onProgress' | 'limits'>;
  onProgress?: ProgressFn;
}

/** Guesses the format from file names. */
export function detectFormat(input: InputFiles): InputFormat | undefined {
  if (datasetManifestPath(input) !== undefined) return 'dataset';
  if (planetoidNames(input).length) return 'planetoid';
  if (ogbRoot(input) !== undefined) return 'ogb';
  if (hasCsvEdgeList(input)) return 'csv';
  return undefined;
}

function resolveFormat(input: InputFiles, wanted: ConvertOptions['format']): InputFormat {
  const format = wanted ?? 'auto';
  if (format === 'auto') {
    const found = detectFormat(input);
    if (!found) {
      throw new DatasetError(
        input.label || 'input',
        'format',
        'Planetoid files (ind.<name>.graph …), an OGB folder (raw/edge.csv.gz …), CSV files (edges.csv …) or a dataset folder (manifest.json + shards)',
        `none of these among ${input.paths().length} file(s): ${input.paths().slice(0, 5).join(', ')}`,
      );
    }
    return found;
  }
  if (!INPUT_FORMATS.includes(format)) {
    throw new DatasetError(
      displayPath(input, ''),
      '--format',
      INPUT_FORMATS.join(', '),
      String(format),
    );
  }
  return format;
}

export async function readInput(
  input: InputFiles,
  opts: ConvertOptions = {},
): Promise<{ graph: FullGraph; meta: DatasetMeta; format: GraphFormat }> {
  const format = resolveFormat(input, opts.format);
  if (format === 'dataset') {
    throw new DatasetError(
      displayPath(input, ''),
      'format',
      'graph input files to read (planetoid, ogb or csv)',
      'a dataset folder: it is copied as it is, not read into a graph',
    );
  }
  const common = {
    name: opts.name,
    onProgress: opts.onProgress,
    limits: limitsOf(opts.maxNodes, opts.compactEdgesAt),
  };
  if (format === 'planetoid') return { ...(await readPlanetoid(input, common)), format };
  if (format === 'ogb')
    return { ...(await readOgb(input, { ...common, directed: opts.directed })), format };
  return {
    ...(await readCsv(input, { ...opts.csv, ...common, directed: opts.directed, seed: opts.seed })),
    format,
  };
}

/**
 * Reads the input and writes the dataset; on any failure the sink is aborted (nothing left) and
 * the error is a DatasetError naming the input file being read (guard.ts).
 */
export async function convertDataset(
  input: InputFiles,
  sink: DatasetSink,
  opts: ConvertOptions = {},
): Promise<{ manifest: DatasetManifest; format: InputFormat }> {
  const whole = input.label || 'input';
  let where = { file: whole, stage: 'reading the input' };
  const onProgress: ProgressFn = (p) => {
    where =
      p.stage === 'read'
        ? { file: displayPath(input, p.label), stage: `reading ${p.label}` }
        : {
            file: p.stage === 'build' ? whole : sink.label,
            stage: `${p.stage === 'build' ? 'building' : 'writing'} ${p.label}`,
          };
    opts.onProgress?.(p);
  };
  let read;
  try {
    if (resolveFormat(input, opts.format) === 'dataset') {
      return { manifest: await copyDatasetFolder(input, sink, onProgress), format: 'dataset' };
    }
    read = await readInput(input, { ...opts, onProgress });
  } catch (e) {
    await sink.abort().catch(() => {});
    throw asDatasetError(e, where.file, where.stage);
  }
  try {
    const manifest = await writeDataset(
      read.graph,
      read.meta,
      {
        // Four shards by default, fewer for a graph of fewer nodes (a shard holds at least one).
        shards: opts.shards ?? Math.min(4, read.graph.numNodes),
        seed: opts.seed ?? 0,
        onProgress,
      },
      sink,
    );
    return { manifest, format: read.format };
  } catch (e) {
    throw aboutInput(asDatasetError(e, where.file, where.stage), whole);
  }
}
