// The float64 reference of the plain network (src/models/plain.ts): input dropout on the node
// features, L operator layers with ReLU and per-layer dropout between them, the loss on the last
// layer's output. The first layer reads the features themselves, sparse or dense.
import type { Subgraph } from '../graph/types';
import { gcnNormalized, meanWeights } from '../graph/normalize';
import type { ModelConfig } from '../models/config';
import { layerDropoutSeed } from '../models/plain';
import { Tape, type Var } from './autograd';
import { dropoutMaskRef } from './dropout';
import { lossAndGrads, paramLeaves, RefGraph, type Params, type Weights } from './layers';
import type { ReferenceResult } from './model';

export interface PlainRefOptions {
  dropout: number;
  seed: number;
  /** Input dropout rate and the seed of its mask (0: none). */
  inputDropout?: { p: number; seed: number };
}

export function plainReferenceStep(
  sub: Subgraph,
  cfg: ModelConfig,
  weights: Weights,
  shapes: Map<string, [number, number]>,
  opts: PlainRefOptions,
): ReferenceResult {
  const tape = new Tape();
  const { P, vars } = paramLeaves(tape, weights, shapes);
  const N = sub.numNodes;
  const graph = new RefGraph(sub, cfg);
  let h = firstLayer(tape, P, sub, cfg, opts.inputDropout);
  for (let l = 1; l < cfg.layers; l++) {
    h = tape.relu(h);
    if (opts.dropout > 0) {
      const seed = layerDropoutSeed(opts.seed, l - 1);
      h = tape.mulConst(h, dropoutMaskRef(N, h.cols, { seed, p: opts.dropout }));
    }
    h = graph.conv(tape, P, `layer${l}`, h, null);
  }
  return lossAndGrads(tape, sub, h, vars);
}

/** Layer 0 on the (dropped-out) features: X·W first, as the GPU's sparse path computes it. */
function firstLayer(
  tape: Tape,
  P: Params,
  sub: Subgraph,
  cfg: ModelConfig,
  drop: PlainRefOptions['inputDropout'],
): Var {
  const f = sub.features;
  const N = sub.numNodes;
  const mask = drop && drop.p > 0 ? dropoutMaskRef(N, f.dim, drop) : null;
  const times = (w: Var): Var => {
    if (f.kind === 'dense') {
      const x = tape.leaf(N, f.dim, f.data);
      return tape.matmul(mask ? tape.mulConst(x, mask) : x, w);
    }
    const { csr } = f;
    const values = new Float64Array(csr.colIdx.length);
    for (let r = 0; r < N; r++) {
      for (let k = csr.rowPtr[r]; k < csr.rowPtr[r + 1]; k++) {
        const v = csr.values ? csr.values[k] : 1;
        values[k] = mask ? v * mask[r * f.dim + csr.colIdx[k]] : v;
      }
    }
    return tape.spmm({ ...csr, values: Float32Array.from(values) }, w);
  };
  switch (cfg.op) {
    case 'gcn':
      return tape.addBias(
        tape.spmm(gcnNormalized(sub.adj), times(P('layer0.weight'))),
        P('layer0.bias'),
      );
    case 'sage':
      return tape.addBias(
        tape.add(
          times(P('layer0.root')),
          tape.spmm(meanWeights(sub.adj), times(P('layer0.neigh'))),
        ),
        P('layer0.bias'),
      );
    default:
      throw new Error(`reference: no plain ${cfg.op} layer`);
  }
}
