// Generates the built-in datasets into public/datasets/<name>/ (deterministic: same bytes on
// every run). Usage: npm run gen:datasets [-- <name> …]
import { join } from 'node:path';
import { formatBytes } from '../src/util/format.ts';
import { NodeDirSink } from '../src/graph/convert/node-io.ts';
import { writeDataset } from '../src/graph/convert/write.ts';
import {
  BUILTIN_PARTITION_SEED,
  BUILTIN_SHARDS,
  GENERATORS,
} from '../src/graph/generators/index.ts';
import { BUILTIN_ROOT } from '../src/graph/node-source.ts';

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of names.length ? names : Object.keys(GENERATORS)) {
  const gen = GENERATORS[name];
  if (!gen) {
    console.error(
      `Unknown dataset "${name}": expected one of ${Object.keys(GENERATORS).join(', ')}`,
    );
    process.exit(1);
  }
  const { graph, meta } = gen();
  const out = join(BUILTIN_ROOT, name);
  const manifest = await writeDataset(
    graph,
    meta,
    { shards: BUILTIN_SHARDS, seed: BUILTIN_PARTITION_SEED },
    new NodeDirSink(out, { force: true }),
  );
  const bytes = manifest.shards.reduce((t, s) => t + s.bytes, 0);
  console.log(
    `${name}: ${manifest.numNodes} nodes, ${manifest.numEdges} edge entries, ` +
      `${manifest.shards.length} shards, ${formatBytes(bytes)} → ${out}`,
  );
}
