// Input dropout (Kipf & Welling drop the bag-of-words features too): for one training step, the
// graph as the model sees it, with a freshly masked copy of its node features — dense, or the
// values of the sparse feature CSR and of its transpose, dropped entry by entry with one mask.
// Everything else (adjacency, edge features) is the uploaded graph's own.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import type { CsrGpu } from '../kernels/csr-gpu';
import { dropout, dropoutCsr } from '../kernels/dropout';
import type { FeaturesGpu, GraphGpu } from './context';

export interface DroppedInput {
  graph: GraphGpu;
  release(): void;
}

export function withInputDropout(
  rt: GpuRuntime,
  graph: GraphGpu,
  opts: { p: number; seed: number },
): DroppedInput {
  const f = graph.features;
  const owned: Tensor[] = [];
  let features: FeaturesGpu;
  if (f.kind === 'dense') {
    const x = rt.tensor(f.x.rows, f.x.cols, 'workspace', { label: 'features after input dropout' });
    owned.push(x);
    dropout(rt, f.x, x, { seed: opts.seed, p: opts.p });
    features = { kind: 'dense', x };
  } else {
    const masked = (a: CsrGpu, transposed: boolean): CsrGpu => {
      const values = rt.tensor(1, a.nnz, 'workspace', {
        label: `feature values after input dropout${transposed ? ' (transposed)' : ''}`,
      });
      owned.push(values);
      dropoutCsr(rt, a, values, { seed: opts.seed, p: opts.p, transposed });
      return { ...a, values };
    };
    features = { kind: 'sparse', a: masked(f.a, false), aT: masked(f.aT, true) };
  }
  const view: GraphGpu = {
    get numNodes() {
      return graph.numNodes;
    },
    get numEdges() {
      return graph.numEdges;
    },
    adjacency: (kind) => graph.adjacency(kind),
    features,
    get edgeFeatures() {
      return graph.edgeFeatures;
    },
    release: () => {
      throw new Error('The input-dropout view of a graph is released by its owner, not the model.');
    },
  };
  return { graph: view, release: () => rt.release(...owned) };
}
