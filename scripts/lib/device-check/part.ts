// The device check's graph: a proteins-like part generated on the spot and written as a dataset
// folder of one shard — what the engine loads and what the PyTorch Geometric peer reads
// (bench/pyg/revgnn_step.py), so both train on the same bytes.
import { NodeDirSink } from '../../../src/graph/convert/node-io.ts';
import { writeDataset } from '../../../src/graph/convert/write.ts';
import { generateProteins } from '../../../src/graph/generators/proteins.ts';
import type { PartSpec } from './plan.ts';

export async function writePart(
  spec: PartSpec,
  dir: string,
): Promise<{ nodes: number; edges: number }> {
  const { graph, meta } = generateProteins({
    nodes: spec.nodes,
    avgDegree: spec.avgDegree,
    tasks: spec.tasks,
    edgeDim: spec.edgeDim,
    modules: spec.modules,
    seed: spec.seed,
  });
  const manifest = await writeDataset(
    graph,
    { ...meta, name: 'device-check-part', source: `generateProteins ${JSON.stringify(spec)}` },
    { shards: 1, seed: 0 },
    new NodeDirSink(dir, { force: true }),
  );
  return { nodes: manifest.numNodes, edges: manifest.numEdges };
}
