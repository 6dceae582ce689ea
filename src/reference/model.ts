// The float64 reference of the whole network (encoder → blocks → head → loss), written as a plain
// forward on the autodiff tape. Given the GPU network's weights it must reproduce its loss and
// gradients; finite differences check the reference itself.
import type { Subgraph } from '../graph/types';
import type { ModelConfig } from '../models/config';
import { isReversible } from '../models/config';
import { dropoutMaskRef } from './dropout';
import { Tape, type Var } from './autograd';
import { lossAndGrads, paramLeaves, RefGraph, type Weights } from './layers';

export type { Weights };

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
  const { P, vars } = paramLeaves(tape, weights, shapes);
  const N = sub.numNodes;
  const D = cfg.channels;
  const mask = opts.dropout > 0 ? dropoutMaskRef(N, D, { seed: opts.seed, p: opts.dropout }) : null;
  const maskSlice = (c0: number, w: number): Float64Array => {
    const out = new Float64Array(N * w);
    for (let r = 0; r < N; r++) for (let c = 0; c < w; c++) out[r * w + c] = mask![r * D + c0 + c];
    return out;
  };
  const graph = new RefGraph(sub, cfg);
  const encoded = graph.encode(tape, P);
  let h = encoded.x;
  const edges = encoded.edges;
  // Group i of a reversible block reads its own columns of the edge embedding.
  const op = (name: string, c: Var, group: number): Var => {
    const w = c.cols;
    return graph.conv(
      tape,
      P,
      name,
      c,
      edges ? tape.cols(edges, group * w, (group + 1) * w) : null,
    );
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
  return lossAndGrads(tape, sub, logits, vars);
}
