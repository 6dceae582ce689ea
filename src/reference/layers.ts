// Float64 building blocks both reference models share: parameter leaves on a tape, the input and
// edge encoders, and the message-passing operators — written once, so the ResGNN/RevGNN and the
// DEQ references cannot drift apart.
import { gcnNormalized, meanWeights } from '../graph/normalize';
import type { Csr, Subgraph } from '../graph/types';
import { usesEdgeEmbedding, type ModelConfig } from '../models/config';
import { GAT_SLOPE } from '../kernels/gat';
import { GEN_EPS, GEN_PARAM_INIT, genParamName } from '../nn/ops/gen';
import type { Tape, Var } from './autograd';

export type Weights = Map<string, Float64Array>;
export type Params = (name: string) => Var;

/** Leaves for the named weights on one tape (created on first use, so tied weights are one Var). */
export function paramLeaves(
  tape: Tape,
  weights: Weights,
  shapes: Map<string, [number, number]>,
): { P: Params; vars: Map<string, Var> } {
  const vars = new Map<string, Var>();
  const P = (name: string) => {
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
  return { P, vars };
}

export class RefGraph {
  private readonly gcn: Csr | null;
  private readonly mean: Csr | null;

  constructor(
    readonly sub: Subgraph,
    readonly cfg: ModelConfig,
  ) {
    this.gcn = cfg.op === 'gcn' ? gcnNormalized(sub.adj) : null;
    this.mean = cfg.op === 'sage' ? meanWeights(sub.adj) : null;
  }

  /** The encoded node input (N×D) and, for GEN, the encoded edge features (nnz×D). */
  encode(tape: Tape, P: Params): { x: Var; edges: Var | null } {
    const { sub } = this;
    const f = sub.features;
    const enc =
      f.kind === 'dense'
        ? tape.matmul(tape.leaf(sub.numNodes, f.dim, f.data), P('encoder.weight'))
        : tape.spmm(f.csr, P('encoder.weight'));
    const x = tape.addBias(enc, P('encoder.bias'));
    const edges =
      usesEdgeEmbedding(this.cfg.op) && sub.edgeFeatures
        ? tape.addBias(
            tape.matmul(
              tape.leaf(sub.adj.colIdx.length, sub.edgeFeatures.dim, sub.edgeFeatures.data),
              P('edge_encoder.weight'),
            ),
            P('edge_encoder.bias'),
          )
        : null;
    return { x, edges };
  }

  /** The operator `name` on h (GEN reads `edges`, already sliced to h's width). */
  conv(tape: Tape, P: Params, name: string, h: Var, edges: Var | null): Var {
    switch (this.cfg.op) {
      case 'gcn':
        return tape.addBias(
          tape.spmm(this.gcn!, tape.matmul(h, P(`${name}.weight`))),
          P(`${name}.bias`),
        );
      case 'sage':
        return tape.addBias(
          tape.add(
            tape.matmul(h, P(`${name}.root`)),
            tape.matmul(tape.spmm(this.mean!, h), P(`${name}.neigh`)),
          ),
          P(`${name}.bias`),
        );
      case 'gen': {
        const { aggregation } = this.cfg;
        const suffix = genParamName(aggregation);
        const learned = suffix !== null && this.cfg.learnAggr !== false;
        const param = learned ? P(`${name}.${suffix}`) : GEN_PARAM_INIT;
        const agg = tape.genAggregate(this.sub.adj, h, edges, aggregation, GEN_EPS, param);
        return tape.addBias(tape.matmul(tape.add(h, agg), P(`${name}.weight`)), P(`${name}.bias`));
      }
      case 'gat': {
        const z = tape.matmul(h, P(`${name}.weight`));
        const att = P(`${name}.att`);
        const agg = tape.gatAttention(this.sub.adj, z, att, edges, this.cfg.heads ?? 1, GAT_SLOPE);
        return tape.addBias(agg, P(`${name}.bias`));
      }
    }
  }
}
