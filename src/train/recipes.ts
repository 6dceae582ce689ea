// Named recipes: the settings of a published experiment, applied in one go on the page
// (`?recipe=` and the recipe menu) and on the command line (`--recipe NAME`). A recipe sets every
// option it names; anything given explicitly next to it wins. No GPU imports: the CLI reads this.
import type { ModelConfig } from '../models/config';
import type { TrainOptions } from './options';

export interface Recipe {
  /** What it reproduces, for menus and --help. */
  title: string;
  /** Where the numbers come from. */
  source: string;
  /** The dataset it was published on (the recipe does not choose the data). */
  dataset: string;
  model: Partial<ModelConfig>;
  train: Partial<TrainOptions>;
  /** Random parts per training epoch, per evaluation pass, and evaluation views. */
  parts?: { parts?: number; evalParts?: number; evalViews?: number };
}

export const RECIPES = {
  'planetoid-gcn': {
    title: 'GCN on Planetoid (Kipf & Welling): 2 layers × 16, the paper’s regularisation',
    source:
      'Kipf & Welling, ICLR 2017: row-normalised features, dropout 0.5 on the input and the hidden ' +
      'layer, Adam lr 0.01, weight decay 5e-4 on the first layer only, 200 epochs, no clipping. ' +
      'Published test accuracy: Cora 81.5 %, CiteSeer 70.3 %, PubMed 79.0 %.',
    dataset: 'Cora, CiteSeer or PubMed (public Planetoid split)',
    model: {
      model: 'plain',
      op: 'gcn',
      layers: 2,
      channels: 16,
      dropout: 0.5,
      inputDropout: 0.5,
      features: 'row-normalized',
    },
    train: {
      epochs: 200,
      lr: 0.01,
      weightDecay: 5e-4,
      weightDecayScope: 'first-layer',
      clip: 0,
    },
    parts: { parts: 1, evalParts: 1, evalViews: 1 },
  },
  // 'planetoid-gat' (GAT paper: 8 heads × 8, dropout 0.6 on inputs and attention, lr 0.005,
  // weight decay 5e-4) goes here, next to planetoid-gcn, once the GAT operator exists.
  'paper-proteins-deep': {
    title: 'RevGNN-Deep on ogbn-proteins: 1001 layers × 80, GEN max with edge encoders',
    source:
      'Li et al., ICML 2021, the official RevGNN-Deep command (deep_gcns_torch ' +
      'examples/ogb_eff/ogbn_proteins): rev backbone, 2 groups, GEN max aggregation with edge ' +
      'encoders, dropout 0.1, Adam lr 0.001, 10 random parts per epoch, 5 for evaluation, ' +
      '1000 epochs. Published test ROC-AUC 87.74 ± 0.13.',
    dataset: 'ogbn-proteins',
    model: {
      model: 'rev',
      op: 'gen',
      aggregation: 'max',
      layers: 1001,
      channels: 80,
      groups: 2,
      dropout: 0.1,
    },
    train: { epochs: 1000, lr: 0.001 },
    parts: { parts: 10, evalParts: 5, evalViews: 1 },
  },
  'paper-arxiv-revgcn': {
    title: 'RevGCN-Deep on ogbn-arxiv: 28 layers × 128, 2 groups',
    source:
      'Li et al., ICML 2021, Table 4 (RevGCN-Deep: 28 layers, 128 channels, 73.01 % test, ' +
      '1.84 GB); the optimisation settings are DeeperGCN’s ogbn-arxiv example (dropout 0.5, ' +
      'Adam lr 0.01, 500 epochs, full graph).',
    dataset: 'ogbn-arxiv',
    model: { model: 'rev', op: 'gcn', layers: 28, channels: 128, groups: 2, dropout: 0.5 },
    train: { epochs: 500, lr: 0.01 },
    parts: { parts: 1, evalParts: 1, evalViews: 1 },
  },
} satisfies Record<string, Recipe>;

export type RecipeName = keyof typeof RECIPES;
export const RECIPE_NAMES = Object.keys(RECIPES) as RecipeName[];

export function isRecipeName(name: string): name is RecipeName {
  return Object.hasOwn(RECIPES, name);
}

export function recipe(name: string): Recipe {
  if (!isRecipeName(name)) {
    throw new Error(`Unknown recipe "${name}": choose one of ${RECIPE_NAMES.join(', ')}.`);
  }
  return RECIPES[name];
}
