// The CSV converter's files and tables: which file plays which role (found by name, or named
// explicitly), and a delimited file streamed row by row with its delimiter and header line
// detected. Lines are bounded (text-lines.ts): a file that is one endless line is refused early.
import { DatasetError } from '../errors';
import { SPLIT_NONE, SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID } from '../types';
import { displayPath, type InputFiles } from './input';
import { textLines } from './text-lines';

export interface CsvFileOptions {
  /** Explicit paths (relative to the input); otherwise found by name. */
  edges?: string;
  features?: string;
  labels?: string;
  split?: string;
}

const ROLE_PATTERNS: Record<'edges' | 'features' | 'labels' | 'split', RegExp> = {
  edges: /^(edges?|edge[-_]?list|links?|adj(acency)?|graph)$/i,
  features: /^(features?|feats?|node[-_]?feat(ure)?s?|x|attributes?)$/i,
  labels: /^(labels?|node[-_]?labels?|class(es)?|y|targets?)$/i,
  split: /^(splits?|masks?|sets?|folds?)$/i,
};

function stem(path: string): string {
  return path
    .split('/')
    .pop()!
    .replace(/\.gz$/i, '')
    .replace(/\.(csv|tsv|txt)$/i, '');
}

/** Whether some input is named like an edge list (edges.csv, edge_list.tsv.gz, …). */
export function hasCsvEdgeList(input: InputFiles): boolean {
  return input.paths().some((p) => ROLE_PATTERNS.edges.test(stem(p)));
}

/** Finds the CSV files of each role among the inputs. */
export function csvFiles(input: InputFiles, opts: CsvFileOptions = {}) {
  const paths = input.paths();
  const pick = (role: keyof typeof ROLE_PATTERNS, explicit?: string) => {
    if (explicit) {
      const hit = paths.find((p) => p === explicit || p.endsWith('/' + explicit));
      if (!hit) {
        throw new DatasetError(
          displayPath(input, explicit),
          'file',
          `the ${role} file to exist`,
          'no such file among the inputs',
        );
      }
      return hit;
    }
    return paths
      .filter((p) => ROLE_PATTERNS[role].test(stem(p)))
      .sort((a, b) => a.length - b.length)[0];
  };
  let edges = pick('edges', opts.edges);
  if (!edges && paths.length === 1) edges = paths[0];
  return {
    edges,
    features: pick('features', opts.features),
    labels: pick('labels', opts.labels),
    split: pick('split', opts.split),
  };
}

export const isNumeric = (s: string) => s !== '' && !Number.isNaN(Number(s));
export const ID_HEADER = /^(id|node|node[-_]?id|nid|index|idx)$/i;
export const HEADER_WORDS =
  /^(id|node|node[-_]?id|nid|index|label|labels|class|y|target|category|split|set|fold|mask|source|src|target|dst|from|to)$/i;

function splitter(firstLine: string): (line: string) => string[] {
  if (firstLine.includes(',')) return (l) => l.split(',').map((t) => t.trim());
  if (firstLine.includes('\t')) return (l) => l.split('\t').map((t) => t.trim());
  if (firstLine.includes(';')) return (l) => l.split(';').map((t) => t.trim());
  return (l) => l.trim().split(/\s+/);
}

/**
 * Streams a delimited file: detects the delimiter and a header line, then calls onRow for each
 * data row with the header (or null).
 */
export async function readTable(
  input: InputFiles,
  path: string,
  headerMode: 'auto' | 'yes' | 'no',
  looksLikeHeader: (tokens: string[]) => boolean,
  onRow: (tokens: string[], line: number, header: string[] | null) => void,
  onRead: (bytes: number) => void,
): Promise<void> {
  let split: ((l: string) => string[]) | null = null;
  let header: string[] | null = null;
  let lineNo = 0;
  for await (const raw of textLines(input, path, onRead)) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!line.trim() || line.startsWith('#')) continue;
    if (!split) {
      split = splitter(line);
      const tokens = split(line);
      if (headerMode === 'yes' || (headerMode === 'auto' && looksLikeHeader(tokens))) {
        header = tokens;
        continue;
      }
    }
    onRow(split(line), lineNo, header);
  }
}

export const SPLIT_WORDS: Record<string, number> = {
  train: SPLIT_TRAIN,
  training: SPLIT_TRAIN,
  tr: SPLIT_TRAIN,
  '1': SPLIT_TRAIN,
  valid: SPLIT_VALID,
  validation: SPLIT_VALID,
  val: SPLIT_VALID,
  dev: SPLIT_VALID,
  '2': SPLIT_VALID,
  test: SPLIT_TEST,
  testing: SPLIT_TEST,
  te: SPLIT_TEST,
  '3': SPLIT_TEST,
  none: SPLIT_NONE,
  '': SPLIT_NONE,
  '0': SPLIT_NONE,
  unlabeled: SPLIT_NONE,
  unlabelled: SPLIT_NONE,
};
