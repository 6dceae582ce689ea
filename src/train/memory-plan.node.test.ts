// Memory planning at the paper's sizes (pure arithmetic on counts, no GPU).
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, type ModelConfig } from '../models/config';
import { checkPartsFit, partSize, partsThatFit, PartTooLargeError } from './memory-plan';
import { DEFAULT_PLAN } from './train-data';

const PROTEINS = { nodes: 132_534, edges: 79_122_504 };
const SHAPE = {
  inputDim: 8,
  inputKind: 'dense' as const,
  outputDim: 112,
  task: 'multilabel' as const,
  edgeDim: 8,
};
const GEN80: ModelConfig = { ...DEFAULT_MODEL, op: 'gen', channels: 80, layers: 1001 };
const GiB = 2 ** 30;

describe('memory plan', () => {
  it('sizes a random part as 1/P of the nodes and about 1/P² of the edges', () => {
    expect(partSize(100, 1000, 1)).toEqual({ nodes: 100, edges: 1000 });
    const p = partSize(PROTEINS.nodes, PROTEINS.edges, 10);
    expect(p.nodes).toBe(13_254);
    expect(p.edges).toBeGreaterThan(791_225);
    expect(p.edges).toBeLessThan(791_225 * 1.03);
  });

  it("refuses ogbn-proteins' whole graph for GEN at D = 80 on a 1 GiB adapter, and names the parts that fit", () => {
    const data = { numNodes: PROTEINS.nodes, numEdges: PROTEINS.edges, shape: SHAPE };
    let caught: unknown;
    try {
      checkPartsFit({ ...data, plan: { ...DEFAULT_PLAN, evalParts: 5 } }, 1, GEN80, GiB);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PartTooLargeError);
    const e = caught as PartTooLargeError;
    expect(e.buffer.name).toBe('edge embedding (edges × channels)');
    expect(e.buffer.bytes).toBe(PROTEINS.edges * 80 * 4);
    // 79.1 M entries × 80 × 4 B / P² ≤ 1 GiB ⇔ P ≥ 4.9: five parts fit (the paper evaluates on 5).
    expect(e.partsThatFit).toBe(5);
    expect(partsThatFit(PROTEINS.nodes, PROTEINS.edges, GEN80, SHAPE, GiB, 1)).toBe(5);
    // The paper's plan (10 training parts, 5 evaluation parts) fits.
    expect(() =>
      checkPartsFit(
        { ...data, plan: { ...DEFAULT_PLAN, parts: 10, evalParts: 5 } },
        10,
        GEN80,
        GiB,
      ),
    ).not.toThrow();
  });
});
