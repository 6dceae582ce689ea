// How large a graph a conversion may build. Every converter sizes the graph from the input (the
// largest id, a declared count); these bounds refuse an id or a count that implies an absurd graph
// before anything of that size is allocated, with a message that says what the value implies.
import { DatasetError } from '../errors';

/** The default node bound: above ogbn-products (2.4 M) and ogbn-mag (1.9 M) by far. */
export const DEFAULT_MAX_NODES = 2 ** 25;

/**
 * Stored adjacency entries are addressed by u32 row pointers, and an undirected edge is stored
 * twice: at most this many input edges survive (after repeats collapse).
 */
export const MAX_EDGES = 2 ** 31 - 1;

export interface ConvertLimits {
  /** The most nodes a converted graph may have (--max-nodes). */
  maxNodes: number;
  /** Edge-list rows held before repeats are dropped (edge-list.ts; tests lower it). */
  compactEdgesAt?: number;
}

export function limitsOf(maxNodes?: number, compactEdgesAt?: number): ConvertLimits {
  return { maxNodes: maxNodes ?? DEFAULT_MAX_NODES, compactEdgesAt };
}

/** What the node bound is called in messages. */
export function maxNodesWords(limits: ConvertLimits): string {
  return limits.maxNodes === DEFAULT_MAX_NODES
    ? `${limits.maxNodes} (the default --max-nodes)`
    : `${limits.maxNodes} (--max-nodes)`;
}

/** Refuses a node id that would take the graph past --max-nodes, saying what it implies. */
export function checkNodeBound(
  id: number,
  limits: ConvertLimits,
  file: string,
  field: string,
): void {
  if (id >= limits.maxNodes) {
    throw new DatasetError(
      file,
      field,
      `a node id below ${maxNodesWords(limits)}`,
      `${id}, which implies a graph of ${id + 1} nodes`,
    );
  }
}

/** Nodes outside the edge list (isolated) allowed beyond as many as the edge list names. */
export const ISOLATED_SLACK = 1024;

/**
 * The most nodes a graph whose edge list names ids below `edgeNodes` may have: at most as many
 * isolated nodes as nodes the edge list names, plus ISOLATED_SLACK. One label row per node is then
 * refused at the first row past it, not after millions of rows of a file that repeats one line.
 */
export function nodeBoundFromEdges(edgeNodes: number, limits: ConvertLimits): number {
  return Math.min(2 * edgeNodes + ISOLATED_SLACK, limits.maxNodes);
}

export function isolatedWords(edgeNodes: number): string {
  return `ids past the ${edgeNodes} nodes of the edge list are isolated nodes: at most as many as those, plus ${ISOLATED_SLACK}`;
}
