// Where the files of an OGB node-property-prediction folder are, as OGB downloads it:
// raw/{edge, node-feat, edge-feat, node-label, num-node-list, num-edge-list}.csv.gz and
// split/<name>/{train,valid,test}.csv.gz (a plain .csv is accepted for each). And what the known
// datasets need: proteins and products get reverse edges (add_inverse_edge), arxiv is symmetrised
// (as the paper's RevGCN on arxiv); proteins' metric is ROC-AUC over its 112 tasks.
import { DatasetError } from '../errors';
import type { Metric } from '../format';
import { displayPath, type InputFiles } from './input';

export interface Known {
  symmetrize: boolean;
  metric: Metric;
  how: string;
}

export const KNOWN: Record<string, Known> = {
  proteins: { symmetrize: true, metric: 'rocauc', how: 'reverse edges added (add_inverse_edge)' },
  products: { symmetrize: true, metric: 'accuracy', how: 'reverse edges added (add_inverse_edge)' },
  arxiv: { symmetrize: true, metric: 'accuracy', how: 'citations symmetrised (to_undirected)' },
};

export function kindOfOgb(name: string): keyof typeof KNOWN | undefined {
  const m = /(proteins|products|arxiv)/i.exec(name);
  return m ? (m[1].toLowerCase() as keyof typeof KNOWN) : undefined;
}

/** The folder prefix (ending in '/' or empty) of an OGB download among the inputs. */
export function ogbRoot(input: InputFiles): string | undefined {
  const hits = input
    .paths()
    .filter((p) => /(^|\/)raw\/edge\.csv(\.gz)?$/.test(p))
    .sort((a, b) => a.length - b.length);
  return hits.length ? hits[0].replace(/raw\/edge\.csv(\.gz)?$/, '') : undefined;
}

export interface OgbFiles {
  root: string;
  folderName: string;
  edges: string;
  nodeCount: string;
  edgeCount?: string;
  labels: string;
  nodeFeatures?: string;
  edgeFeatures?: string;
  splitDir: string;
  /** train, valid, test. */
  splits: [string, string, string];
}

export function ogbFiles(input: InputFiles): OgbFiles {
  const root = ogbRoot(input);
  if (root === undefined) {
    throw new DatasetError(
      displayPath(input, 'raw/edge.csv.gz'),
      'file',
      'an OGB folder with raw/edge.csv.gz',
      'no such file among the inputs',
    );
  }
  const find = (rel: string) => {
    for (const cand of [rel, rel.replace(/\.gz$/, '')]) {
      if (input.paths().includes(root + cand)) return root + cand;
    }
    return undefined;
  };
  const need = (rel: string) => {
    const p = find(rel);
    if (!p) {
      throw new DatasetError(
        displayPath(input, root + rel),
        'file',
        'the file to exist (part of an OGB node-property-prediction folder)',
        'no such file among the inputs',
      );
    }
    return p;
  };
  const splitDirs = [
    ...new Set(
      input
        .paths()
        .filter((p) => p.startsWith(root + 'split/'))
        .map((p) => p.slice(root.length).split('/')[1])
        .filter(Boolean),
    ),
  ].sort();
  if (splitDirs.length === 0) {
    throw new DatasetError(
      displayPath(input, root + 'split/<name>/train.csv.gz'),
      'file',
      'a split folder split/<name>/ with train, valid and test',
      'no split folder among the inputs',
    );
  }
  const splitDir = splitDirs[0];
  const split = (s: string) => need(`split/${splitDir}/${s}.csv.gz`);
  return {
    root,
    folderName: root.replace(/\/$/, '').split('/').pop() || input.label.split('/').pop() || 'ogb',
    edges: need('raw/edge.csv.gz'),
    nodeCount: need('raw/num-node-list.csv.gz'),
    edgeCount: find('raw/num-edge-list.csv.gz'),
    labels: need('raw/node-label.csv.gz'),
    nodeFeatures: find('raw/node-feat.csv.gz'),
    edgeFeatures: find('raw/edge-feat.csv.gz'),
    splitDir,
    splits: [split('train'), split('valid'), split('test')],
  };
}
