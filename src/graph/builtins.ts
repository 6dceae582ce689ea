// The datasets shipped with the page (public/datasets/<name>/, made by `npm run gen:datasets`).

export interface BuiltinDataset {
  name: string;
  title: string;
  description: string;
}

export const BUILTIN_DATASETS: readonly BuiltinDataset[] = [
  {
    name: 'citation',
    title: 'Citation (synthetic)',
    description:
      'A citation-like graph: stochastic block model, sparse bag-of-words features correlated with ' +
      'the class, a Planetoid-style split (20 per class / 500 / 1000). Metric: accuracy.',
  },
  {
    name: 'proteins',
    title: 'Proteins (synthetic)',
    description:
      'Like ogbn-proteins: multi-label (16 tasks), 8-dim edge features and no node features ' +
      '(inputs are the mean of incident edge features), split by species. Metric: mean ROC-AUC.',
  },
  {
    name: 'long-range',
    title: 'Long range (synthetic)',
    description:
      'Each node must find the colour held by the head of its chain, up to 15 hops away: a shallow ' +
      'network cannot see that far, so accuracy rises with depth. Metric: accuracy.',
  },
];

export const BUILTIN_NAMES: readonly string[] = BUILTIN_DATASETS.map((d) => d.name);

export function isBuiltinName(name: string): boolean {
  return BUILTIN_NAMES.includes(name);
}
