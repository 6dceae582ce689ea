// The float64 reference of the whole network (encoder → blocks → head → loss), written as a plain
// forward on the autodiff tape. Given the GPU network's weights it must reproduce its loss and
// gradients; finite differences check the reference itself.
import { gcnNormalized, meanWeights } from '../graph/normalize';
import type { Subgraph } from '../graph/types';
import { SPLIT_TRAIN } from '../graph/types';
import type { ModelConfig } from '../models/config';
import { isReversible } from '../models/config';
import { GEN_BETA, GEN_EPS } from '../nn/ops/gen';
import { dropoutMaskRef } from './dropout';
import { Tape, type Var } from './autograd';

export type Weights = Map<string, Float64Array>;

export interface ReferenceResult {
  loss: number;
  grads: Map<string, Float64Array>;
}

export function referenceStep(
  sub: Subgraph,
  cfg: ModelConfig,
  weights: Weights,
  shapes: Map<string, [number, number]>,
  opts: { dropout: number; seed: number },
): ReferenceResult {
  const tape = new Tape();
  const vars = new Map<string, Var>();
  // Tied parameters are one Var, so their gradients sum over the layers that share them.
  const P = (name: string): Var => {
    let v = vars.get(name);
    if (!v) {
      const w = weights.get(name);
      const s = shapes.get(name);
      if (!w || !s) throw new Error(`reference: no weights for "${name}"`);
      v = tape.leaf(s[0], s[1], w);
      vars.set(name, v);
    }
    return v;
  };
  const N = sub.numNodes;
  const D = cfg.channels;
  const mask = opts.dropout > 0 ? dropoutMaskRef(N, D, { seed: opts.seed, p: opts.dropout }) : null;
  const maskSlice = (c0: number, w: number): Float64Array => {
    const out = new Float64Array(N * w);
    for (let r = 0; r < N; r++) for (let c = 0; c < w; c++) out[r * w + c] = mask![r * D + c0 + c];
    return out;
  };
  const gcn = cfg.op === 'gcn' ? gcnNormalized(sub.adj) : null;
  const mean = cfg.op === 'sage' ? meanWeights(sub.adj) : null;

  // Encoders.
  const f = sub.features;
  const enc =
    f.kind === 'dense'
      ? tape.matmul(tape.leaf(N, f.dim, f.data), P('encoder.weight'))
      : tape.spmm(f.csr, P('encoder.weight'));
  let h = tape.addBias(enc, P('encoder.bias'));
  const edges =
    cfg.op === 'gen' && sub.edgeFeatures
      ? tape.addBias(
          tape.matmul(
            tape.leaf(sub.adj.colIdx.length, sub.edgeFeatures.dim, sub.edgeFeatures.data),
            P('edge_encoder.weight'),
          ),
          P('edge_encoder.bias'),
        )
      : null;

  const op = (name: string, c: Var, group: number): Var => {
    const w = c.cols;
    switch (cfg.op) {
      case 'gcn':
        return tape.addBias(
          tape.spmm(gcn!, tape.matmul(c, P(`${name}.weight`))),
          P(`${name}.bias`),
        );
      case 'sage':
        return tape.addBias(
          tape.add(
            tape.matmul(c, P(`${name}.root`)),
            tape.matmul(tape.spmm(mean!, c), P(`${name}.neigh`)),
          ),
          P(`${name}.bias`),
        );
      case 'gen': {
        const e = edges ? tape.cols(edges, group * w, (group + 1) * w) : null;
        const agg = tape.genAggregate(sub.adj, c, e, cfg.aggregation, GEN_EPS, GEN_BETA);
        return tape.addBias(tape.matmul(tape.add(c, agg), P(`${name}.weight`)), P(`${name}.bias`));
      }
    }
  };
  const preact = (name: string, x: Var, maskCol: number): Var => {
    let a = tape.relu(tape.layerNorm(x, P(`${name}.norm.gamma`), P(`${name}.norm.beta`)));
    if (mask) a = tape.mulConst(a, maskSlice(maskCol, x.cols));
    return a;
  };
  const block = (name: string, x: Var, group: number): Var =>
    op(`${name}.conv`, preact(name, x, group * x.cols), group);

  for (let l = 0; l < cfg.layers; l++) {
    if (!isReversible(cfg.model)) {
      h = tape.add(h, block(`layer${l}`, h, 0));
      continue;
    }
    const C = cfg.groups;
    const w = D / C;
    const tied = cfg.model === 'wtrev' && (cfg.tying === 'all' || l > 0);
    const name = (i: number) => `${tied ? 'tied' : `layer${l}`}.group${i}`;
    const xs = Array.from({ length: C }, (_, i) => tape.cols(h, i * w, (i + 1) * w));
    let s = xs[1];
    for (let i = 2; i < C; i++) s = tape.add(s, xs[i]);
    const ys: Var[] = [tape.add(xs[0], block(name(0), s, 0))];
    for (let i = 1; i < C; i++) ys.push(tape.add(xs[i], block(name(i), ys[i - 1], i)));
    h = tape.concatCols(ys);
  }

  const logits = tape.addBias(
    tape.matmul(preact('head', h, 0), P('head.linear.weight')),
    P('head.linear.bias'),
  );
  const train = (i: number) => sub.split[i] === SPLIT_TRAIN;
  const loss =
    sub.labels.kind === 'multiclass'
      ? tape.crossEntropy(logits, sub.labels.y, train)
      : tape.bceWithLogits(logits, sub.labels.y, train);
  tape.backward(loss);
  const grads = new Map<string, Float64Array>();
  for (const [name, v] of vars) grads.set(name, v.grad);
  return { loss: loss.data[0], grads };
}
