// A subgraph on the GPU. Adjacency variants are built on first use, so a GCN run never uploads
// the mean weights and a SAGE run never the GCN normalisation.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { transposeCsr } from '../graph/csr';
import { OperatorGraphs } from '../graph/normalize';
import type { Csr, Subgraph } from '../graph/types';
import { releaseCsr, uploadCsr } from '../kernels/csr-gpu';
import type { Adjacency, AdjacencyKind, FeaturesGpu, GraphGpu } from './context';

class UploadedGraph implements GraphGpu {
  private readonly adj = new Map<AdjacencyKind, Adjacency>();
  /** The CPU-side variants (normalised, transposed), each built on first use. */
  private readonly ops: OperatorGraphs;
  readonly features: FeaturesGpu;
  readonly edgeFeatures: Tensor | null;

  constructor(
    private readonly rt: GpuRuntime,
    private readonly sub: Subgraph,
  ) {
    this.ops = new OperatorGraphs(sub);
    const f = sub.features;
    this.features =
      f.kind === 'dense'
        ? {
            kind: 'dense',
            x: rt.upload(f.data, sub.numNodes, f.dim, 'graph', {
              label: 'features',
              persistent: true,
            }),
          }
        : { kind: 'sparse', ...this.pair(f.csr, 'features') };
    const e = sub.edgeFeatures;
    this.edgeFeatures = e
      ? rt.upload(e.data, sub.adj.colIdx.length, e.dim, 'graph', {
          label: 'edge features',
          persistent: true,
        })
      : null;
  }

  get numNodes(): number {
    return this.sub.numNodes;
  }

  get numEdges(): number {
    return this.sub.adj.colIdx.length;
  }

  adjacency(kind: AdjacencyKind): Adjacency {
    let a = this.adj.get(kind);
    if (!a) {
      const g = this.ops;
      const [csr, csrT] =
        kind === 'gcn' ? [g.gcn, g.gcnT] : kind === 'mean' ? [g.mean, g.meanT] : [g.adj, g.adjT];
      a = {
        a: uploadCsr(this.rt, csr, `adjacency ${kind}`),
        aT: uploadCsr(this.rt, csrT, `adjacency ${kind}ᵀ`),
      };
      this.adj.set(kind, a);
    }
    return a;
  }

  private pair(csr: Csr, label: string): Adjacency {
    return {
      a: uploadCsr(this.rt, csr, label),
      aT: uploadCsr(this.rt, transposeCsr(csr), `${label}ᵀ`),
    };
  }

  release(): void {
    for (const { a, aT } of this.adj.values()) {
      releaseCsr(this.rt, a);
      releaseCsr(this.rt, aT);
    }
    this.adj.clear();
    if (this.features.kind === 'dense') this.rt.release(this.features.x);
    else {
      releaseCsr(this.rt, this.features.a);
      releaseCsr(this.rt, this.features.aT);
    }
    this.rt.release(this.edgeFeatures);
  }
}

export function uploadGraph(rt: GpuRuntime, sub: Subgraph): GraphGpu {
  return new UploadedGraph(rt, sub);
}
