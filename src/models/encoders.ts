// Input encoders: node features (dense or sparse bag-of-words) to the network's width, and edge
// features to the edge embedding GEN reads.
import type { Tensor } from '../gpu/tensor';
import { columnSum } from '../kernels/gemm';
import type { StepContext } from '../nn/context';
import { featuresTimes, featuresTransposeTimes } from '../nn/feature-product';
import { LinearOp } from '../nn/ops/linear';
import type { ParamStore } from '../nn/params';

export class NodeEncoder {
  readonly linear: LinearOp;
  constructor(store: ParamStore, inDim: number, outDim: number) {
    this.linear = LinearOp.create(store, 'encoder', inDim, outDim);
  }

  forward(ctx: StepContext): Tensor {
    const { rt, graph } = ctx;
    const h = rt.tensor(graph.numNodes, this.linear.outDim, 'activations', {
      label: 'encoder.out',
    });
    featuresTimes(rt, graph.features, this.linear.weight.value, h, {
      bias: this.linear.bias.value,
    });
    return h;
  }

  backward(ctx: StepContext, dh: Tensor): void {
    featuresTransposeTimes(ctx.rt, ctx.graph.features, dh, this.linear.weight.grad, {
      accumulate: true,
    });
    columnSum(ctx.rt, dh, this.linear.bias.grad, { accumulate: true });
  }
}

export class EdgeEncoder {
  readonly linear: LinearOp;
  constructor(store: ParamStore, edgeDim: number, outDim: number) {
    this.linear = LinearOp.create(store, 'edge_encoder', edgeDim, outDim);
  }

  /** Sets ctx.edgeEmbedding (and a zeroed gradient when training). */
  forward(ctx: StepContext, training: boolean): void {
    const { rt, graph } = ctx;
    const e = graph.edgeFeatures;
    if (!e) throw new Error('This model encodes edge features, but the graph has none.');
    ctx.edgeEmbedding = rt.tensor(e.rows, this.linear.outDim, 'activations', {
      label: 'edge.embedding',
    });
    this.linear.forward(ctx, e, ctx.edgeEmbedding, false);
    if (training) {
      ctx.edgeEmbeddingGrad = rt.tensor(e.rows, this.linear.outDim, 'activations', {
        label: 'edge.embedding.grad',
        zero: true,
      });
    }
  }

  backward(ctx: StepContext): void {
    if (ctx.edgeEmbeddingGrad)
      this.linear.backwardParams(ctx, ctx.graph.edgeFeatures!, ctx.edgeEmbeddingGrad);
  }

  release(ctx: StepContext): void {
    ctx.rt.release(ctx.edgeEmbedding, ctx.edgeEmbeddingGrad);
    ctx.edgeEmbedding = null;
    ctx.edgeEmbeddingGrad = null;
  }
}
