// The built-in datasets' generators by name (scripts/gen-datasets.ts writes them to public/).
import type { DatasetMeta, FullGraph } from '../convert/write';
import { generateCitation } from './citation';
import { generateLongRange } from './long-range';
import { generateProteins } from './proteins';

export const GENERATORS: Record<string, () => { graph: FullGraph; meta: DatasetMeta }> = {
  citation: () => generateCitation(),
  proteins: () => generateProteins(),
  'long-range': () => generateLongRange(),
};

/** Shards and partition seed of the shipped built-ins. */
export const BUILTIN_SHARDS = 4;
export const BUILTIN_PARTITION_SEED = 0;
