// The sizes of the paper's OGB datasets, for synthetic stand-ins of the same shape
// (`revgnn generate --like …`): node and edge counts, feature and edge-feature widths, class or
// task counts and split sizes, scaled by a factor F (nodes and edges × F, widths unchanged).
import { DatasetError } from '../errors';

export const LIKE_NAMES = ['ogbn-proteins', 'ogbn-arxiv', 'ogbn-products'] as const;
export type LikeName = (typeof LIKE_NAMES)[number];

export interface PaperSizes {
  nodes: number;
  /** Input edges: undirected pairs (proteins, products) or directed citations (arxiv). */
  edges: number;
  /** Dense node-feature width; 0 = none (derived from edge features). */
  featureDim: number;
  edgeDim: number;
  task: 'multiclass' | 'multilabel';
  /** Classes (multi-class) or binary tasks (multi-label). */
  labelWidth: number;
  valid: number;
  test: number;
}

/** The real datasets (OGB's statistics); the train split is the remaining nodes. */
export const PAPER_SIZES: Record<LikeName, PaperSizes & { train: number; splitScheme: string }> = {
  'ogbn-proteins': {
    nodes: 132_534,
    edges: 39_561_252,
    featureDim: 0,
    edgeDim: 8,
    task: 'multilabel',
    labelWidth: 112,
    train: 86_619,
    valid: 21_236,
    test: 24_679,
    splitScheme: 'species',
  },
  'ogbn-arxiv': {
    nodes: 169_343,
    edges: 1_166_243,
    featureDim: 128,
    edgeDim: 0,
    task: 'multiclass',
    labelWidth: 40,
    train: 90_941,
    valid: 29_799,
    test: 48_603,
    splitScheme: 'time',
  },
  'ogbn-products': {
    nodes: 2_449_029,
    edges: 61_859_140,
    featureDim: 100,
    edgeDim: 0,
    task: 'multiclass',
    labelWidth: 47,
    train: 196_615,
    valid: 39_323,
    test: 2_213_091,
    splitScheme: 'sales_ranking',
  },
};

export interface ScaledSizes extends PaperSizes {
  like: LikeName;
  scale: number;
  train: number;
  splitScheme: string;
}

/** Largest share of all node pairs the generator fills (it samples distinct pairs by rejection). */
export const MAX_DENSITY = 0.5;

/** The real sizes × scale (rounded; train = the nodes left after valid and test). */
export function scaledSizes(like: LikeName, scale: number): ScaledSizes {
  const real = PAPER_SIZES[like];
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new DatasetError('--scale', 'value', 'a positive number', String(scale));
  }
  const nodes = Math.round(real.nodes * scale);
  const edges = Math.round(real.edges * scale);
  const valid = Math.round(real.valid * scale);
  const test = Math.round(real.test * scale);
  const pairs = (nodes * (nodes - 1)) / 2;
  if (nodes < 2 * real.labelWidth || edges < 1 || edges > MAX_DENSITY * pairs) {
    throw new DatasetError(
      '--scale',
      'value',
      `a scale at which ${like}'s ${real.edges} edges × F fit among its nodes × F ` +
        `(at most ${MAX_DENSITY * 100} % of all node pairs, at least ${2 * real.labelWidth} nodes)`,
      `${scale}: ${nodes} nodes, ${edges} edges (${pairs} pairs)`,
    );
  }
  return { ...real, like, scale, nodes, edges, valid, test, train: nodes - valid - test };
}
