// One conversion entry point for the CLI and the page's worker: detect or take the input format,
// read it into a whole graph, and write it through a sink (which commits only on success). A
// folder that already is a dataset of this format is copied shard by shard, checked, instead.
import { DatasetError } from '../errors';
import type { DatasetManifest } from '../format';
import { copyDatasetFolder, datasetManifestPath } from './dataset-folder';
import { hasCsvEdgeList, readCsv, type CsvOptions } from './csv';
import { displayPath, type InputFiles, type ProgressFn } from './input';
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
  csv?: Omit<CsvOptions, 'name' | 'directed' | 'seed' | 'onProgress'>;
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
  const common = { name: opts.name, onProgress: opts.onProgress };
  if (format === 'planetoid') return { ...(await readPlanetoid(input, common)), format };
  if (format === 'ogb')
    return { ...(await readOgb(input, { ...common, directed: opts.directed })), format };
  return {
    ...(await readCsv(input, { ...opts.csv, ...common, directed: opts.directed, seed: opts.seed })),
    format,
  };
}

/** Reads the input and writes the dataset; on any failure the sink is aborted (nothing left). */
export async function convertDataset(
  input: InputFiles,
  sink: DatasetSink,
  opts: ConvertOptions = {},
): Promise<{ manifest: DatasetManifest; format: InputFormat }> {
  let read;
  try {
    if (resolveFormat(input, opts.format) === 'dataset') {
      return { manifest: await copyDatasetFolder(input, sink, opts.onProgress), format: 'dataset' };
    }
    read = await readInput(input, opts);
  } catch (e) {
    await sink.abort().catch(() => {});
    throw e;
  }
  const manifest = await writeDataset(
    read.graph,
    read.meta,
    { shards: opts.shards ?? 4, seed: opts.seed ?? 0, onProgress: opts.onProgress },
    sink,
  );
  return { manifest, format: read.format };
}
