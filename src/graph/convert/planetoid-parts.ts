// The parts of a Planetoid dataset, each read and checked on its own: the one-hot label matrices,
// test.index and the graph's adjacency lists. Every id is bounded by what the other parts say the
// graph is (the rows of allx and the test range of test.index), so a single absurd id is an error
// that says what it implies, not an allocation of gigabytes.
import { DatasetError, quote } from '../errors';
import { Growable } from './growable';
import { checkNodeBound, type ConvertLimits } from './limits';
import { ndarrayValues } from './numpy';
import { describe, NdArray, PyDict, type PyValue } from './py-values';

export interface DenseMatrix {
  rows: number;
  cols: number;
  values: Float64Array;
}

export function matrix2d(v: PyValue, file: string, what: string): DenseMatrix {
  if (!(v instanceof NdArray) || v.shape.length !== 2) {
    throw new DatasetError(
      file,
      'pickled object',
      `a 2-D numpy array (${what})`,
      v instanceof NdArray ? `shape ${v.shape.join('×')}` : describe(v),
    );
  }
  return { rows: v.shape[0], cols: v.shape[1], values: ndarrayValues(v, file, what) };
}

/** Class per row of a one-hot matrix (-1: no class set); a row with two classes is refused. */
export function oneHotClasses(m: DenseMatrix, file: string): Int32Array {
  const { rows, cols, values } = m;
  const y = new Int32Array(rows).fill(-1);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) {
      const v = values[i * cols + c];
      if (v !== 0 && v !== 1) {
        throw new DatasetError(
          file,
          `row ${i}, column ${c}`,
          'a one-hot 0/1 label matrix',
          String(v),
        );
      }
      if (v === 1) {
        if (y[i] !== -1) {
          throw new DatasetError(
            file,
            `row ${i}`,
            'exactly one class set per labelled row',
            `classes ${y[i]} and ${c}`,
          );
        }
        y[i] = c;
      }
    }
  }
  return y;
}

/**
 * test.index: one node id per line. Ids start at the rows of allx (`first`), do not repeat, and
 * leave at most as many ids of the test range without a row in tx as there are rows in tx (CiteSeer
 * has 15 such ids for 1000 rows): one absurd id would otherwise make billions of featureless nodes.
 */
export function parseTestIndex(
  bytes: Uint8Array,
  file: string,
  first: number,
  txRows: number,
  limits: ConvertLimits,
): number[] {
  const ids: number[] = [];
  const lineOf = new Map<number, number>();
  const bound = first + 2 * txRows;
  new TextDecoder()
    .decode(bytes)
    .split('\n')
    .forEach((line, i) => {
      const s = line.trim();
      if (!s) return;
      const field = `line ${i + 1}`;
      if (!/^\d{1,15}$/.test(s))
        throw new DatasetError(file, field, 'a node id (a whole number)', quote(s));
      const id = Number(s);
      if (id < first || lineOf.has(id)) {
        const why =
          id < first ? `ids below ${first} are the rows of allx` : `line ${lineOf.get(id)} has it`;
        throw new DatasetError(file, field, `an id ≥ ${first} not listed before`, `${id} (${why})`);
      }
      checkNodeBound(id, limits, file, field);
      if (id >= bound) {
        throw new DatasetError(
          file,
          field,
          `an id below ${bound} (at most as many ids of the test range without a row in tx as rows in tx, ${txRows})`,
          `${id}, which implies ${id + 1 - first - txRows} featureless nodes`,
        );
      }
      lineOf.set(id, i + 1);
      ids.push(id);
    });
  return ids;
}

export interface AdjacencyLists {
  src: Uint32Array;
  dst: Uint32Array;
  selfLoopNodes: number;
  selfLoopEntries: number;
}

/** The graph's dict of adjacency lists as an edge list; every id below N, every list its own. */
export function adjacencyLists(
  graph: PyValue,
  file: string,
  N: number,
  why: string,
): AdjacencyLists {
  if (!(graph instanceof PyDict)) {
    throw new DatasetError(file, 'pickled object', 'a dict of adjacency lists', describe(graph));
  }
  const src = new Growable(Uint32Array);
  const dst = new Growable(Uint32Array);
  const seen = new Map<PyValue[], unknown>();
  let selfLoopNodes = 0;
  let selfLoopEntries = 0;
  const idBelowN = (v: unknown, field: string, what: string) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new DatasetError(file, field, `${what} (a whole number ≥ 0)`, describe(v as PyValue));
    }
    if (v >= N) {
      throw new DatasetError(
        file,
        field,
        `${what} below ${N} (${why})`,
        `${v}, which implies a graph of ${v + 1} nodes`,
      );
    }
  };
  for (const [k, list] of graph.map) {
    idBelowN(k, 'key', 'a node id');
    const key = k as number;
    if (!Array.isArray(list)) {
      throw new DatasetError(file, `graph[${key}]`, 'a list of neighbour ids', describe(list));
    }
    if (seen.has(list)) {
      // A memo reference: one list shared by many keys would multiply the edges without bound.
      throw new DatasetError(
        file,
        `graph[${key}]`,
        'a list of its own',
        `the same list object as graph[${String(seen.get(list))}]`,
      );
    }
    seen.set(list, key);
    let self = false;
    for (const v of list) {
      idBelowN(v, `graph[${key}]`, 'neighbour ids');
      if (v === key) {
        self = true;
        selfLoopEntries++;
      }
      src.push(key);
      dst.push(v as number);
    }
    if (self) selfLoopNodes++;
  }
  return { src: src.toArray(), dst: dst.toArray(), selfLoopNodes, selfLoopEntries };
}
