// A child process for the streamed-memory test: opens a dataset folder for streaming, assembles
// every part of one training epoch and of one evaluation view (as the trainer would), and prints
// its peak resident set and the largest part as JSON. Run: node --import tsx stream-epoch.ts DIR P Q
import { NodeFsSource } from '../graph/node-source';
import { openStreamed, streamedBytes, streamedTrainData } from '../train/streamed-data';

const [dir, P, Q] = process.argv.slice(2);
const baseline = process.memoryUsage().rss;
const ds = await openStreamed(new NodeFsSource(dir));
const data = streamedTrainData(ds, { parts: Number(P), evalParts: Number(Q), seed: 3 });
let largest = 0;
let nodes = 0;
for (const schedule of [data.trainParts(1), data.evalParts(0)]) {
  for (let i = 0; i < schedule.count; i++) {
    const part = await schedule.get(i);
    largest = Math.max(largest, part.graph.adj.colIdx.length);
    nodes += part.graph.numNodes;
  }
}
process.stdout.write(
  JSON.stringify({
    baselineRss: baseline,
    maxRss: process.resourceUsage().maxRSS * 1024,
    datasetBytes: streamedBytes(ds),
    largestPartEdges: largest,
    nodesSeen: nodes,
    numNodes: ds.manifest.numNodes,
  }) + '\n',
);
