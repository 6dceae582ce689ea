// Memory planning before a run: the largest buffers one part needs, from the data's counts and
// the model's widths, checked against the adapter's per-buffer limit — so a part that cannot fit
// is refused before anything is allocated, with the number of parts that would fit.
import { usesEdgeEmbedding, type DataShape, type ModelConfig } from '../models/config';
import type { PartPlan } from './train-data';

/**
 * Random parts of a graph keep about 1/P of its nodes and 1/P² of its edges. The spread of a
 * part's edge count shrinks with the count: about four standard deviations of a Poisson count,
 * plus 2 % for the degree spread, covers what random parts do.
 */
function edgeMargin(expected: number): number {
  return 1.02 + 4 / Math.sqrt(Math.max(expected, 1));
}

export interface PartSize {
  nodes: number;
  edges: number;
}

export interface PlannedBuffer {
  name: string;
  bytes: number;
}

/** Expected size of one of P random parts of a graph of N nodes and E adjacency entries. */
export function partSize(nodes: number, edges: number, parts: number): PartSize {
  if (parts <= 1) return { nodes, edges };
  const expected = edges / (parts * parts);
  return { nodes: Math.ceil(nodes / parts), edges: Math.ceil(expected * edgeMargin(expected)) };
}

/** The per-part buffers whose size grows with the part (the largest single allocations). */
export function partBuffers(size: PartSize, model: ModelConfig, shape: DataShape): PlannedBuffer[] {
  const { nodes: n, edges: e } = size;
  const D = model.channels;
  // GCN's adjacency carries a self-loop per node.
  const entries = model.op === 'gcn' ? e + n : e;
  const out: PlannedBuffer[] = [
    { name: 'adjacency column indices', bytes: entries * 4 },
    { name: 'activations (nodes × channels)', bytes: n * D * 4 },
    { name: 'logits (nodes × outputs)', bytes: n * shape.outputDim * 4 },
  ];
  if (model.op === 'gat') {
    const heads = model.heads ?? 1;
    out.push({ name: 'attention weights ((edges + nodes) × heads)', bytes: (e + n) * heads * 4 });
  }
  if (shape.inputKind === 'dense')
    out.push({ name: 'node features (nodes × input width)', bytes: n * shape.inputDim * 4 });
  if (shape.edgeDim > 0) {
    out.push({ name: 'edge features (edges × edge width)', bytes: e * shape.edgeDim * 4 });
    if (usesEdgeEmbedding(model.op))
      out.push({ name: 'edge embedding (edges × channels)', bytes: e * D * 4 });
  }
  return out;
}

export class PartTooLargeError extends Error {
  constructor(
    readonly phase: 'training' | 'evaluation',
    readonly buffer: PlannedBuffer,
    readonly limit: number,
    readonly size: PartSize,
    readonly parts: number,
    readonly partsThatFit: number | null,
  ) {
    const fix =
      partsThatFit === null
        ? 'No number of parts makes it fit: use fewer channels.'
        : `Use at least ${partsThatFit} ${phase === 'training' ? 'training parts (--parts)' : 'evaluation parts (--eval-parts)'}.`;
    super(
      `A ${phase} part would not fit on this GPU: its ${buffer.name} would take ` +
        `${mib(buffer.bytes)} (${size.nodes.toLocaleString('en-US')} nodes, ` +
        `${size.edges.toLocaleString('en-US')} edges in each of ${parts} part${parts === 1 ? '' : 's'}), ` +
        `past the adapter's limit of ${mib(limit)} for one buffer. ${fix}`,
    );
    this.name = 'PartTooLargeError';
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function largestOver(buffers: PlannedBuffer[], limit: number): PlannedBuffer | null {
  let worst: PlannedBuffer | null = null;
  for (const b of buffers) if (b.bytes > limit && (!worst || b.bytes > worst.bytes)) worst = b;
  return worst;
}

/** The smallest number of parts (≥ from) whose part's buffers all fit, or null if none does. */
export function partsThatFit(
  nodes: number,
  edges: number,
  model: ModelConfig,
  shape: DataShape,
  limit: number,
  from: number,
): number | null {
  for (let p = Math.max(1, from); p <= nodes; p = p < 16 ? p + 1 : Math.ceil(p * 1.1)) {
    if (!largestOver(partBuffers(partSize(nodes, edges, p), model, shape), limit)) return p;
  }
  return null;
}

/**
 * Throws PartTooLargeError when a training or evaluation part would need a buffer past `limit`
 * (the smaller of the adapter's maxBufferSize and maxStorageBufferBindingSize).
 * `trainParts` is the number of steps per epoch (shards when the plan steps by shard).
 */
export function checkPartsFit(
  data: { numNodes: number; numEdges: number; plan: PartPlan; shape: DataShape },
  trainParts: number,
  model: ModelConfig,
  limit: number,
): void {
  const phases = [
    ['training', trainParts],
    ['evaluation', data.plan.evalParts],
  ] as const;
  for (const [phase, parts] of phases) {
    const size = partSize(data.numNodes, data.numEdges, parts);
    const over = largestOver(partBuffers(size, model, data.shape), limit);
    if (over) {
      const fit = partsThatFit(data.numNodes, data.numEdges, model, data.shape, limit, parts + 1);
      throw new PartTooLargeError(phase, over, limit, size, parts, fit);
    }
  }
}
