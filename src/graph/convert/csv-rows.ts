// What the CSV converter keeps of each file while it streams, compactly (a few bytes per row, no
// object per row), and the node ids those rows name: each id bounded by --max-nodes when it is
// read, and the node count they imply checked against how many nodes the files name at all.
import { DatasetError, quote } from '../errors';
import { Growable } from './growable';
import { checkNodeBound, isolatedWords, nodeBoundFromEdges, type ConvertLimits } from './limits';
import { FLOAT32_MAX } from './numpy';

/** Node ids as the files name them: the largest (and where), and how many mentions there are. */
export class NodeIds {
  private maxId = -1;
  private where = { file: '', field: '' };
  private mentions = 0;
  /** Set once the edge list is read: the bound of every id the other files name. */
  private edgeNodes = -1;
  private bound = Infinity;

  constructor(private readonly limits: ConvertLimits) {}

  /** The edge list is read: ids in the other files are bounded by what it names. */
  endEdges(): void {
    this.edgeNodes = this.maxId + 1;
    this.bound = nodeBoundFromEdges(this.edgeNodes, this.limits);
  }

  /** A node id token, checked and bounded. */
  parse(s: string, file: string, field: string): number {
    if (!/^\d{1,16}$/.test(s)) {
      throw new DatasetError(file, field, 'a node id (an integer ≥ 0)', quote(s));
    }
    return this.named(Number(s), file, field);
  }

  /** A node named by its row (files without an id column): the row index is the id. */
  named(id: number, file: string, field: string): number {
    checkNodeBound(id, this.limits, file, field);
    if (id >= this.bound) {
      throw new DatasetError(
        file,
        field,
        `a node id below ${this.bound} (${isolatedWords(this.edgeNodes)})`,
        `${id}, which implies a graph of ${id + 1} nodes`,
      );
    }
    this.mentions++;
    if (id > this.maxId) {
      this.maxId = id;
      this.where = { file, field };
    }
    return id;
  }

  /**
   * N = the largest id + 1. Ids number the nodes from 0: the files name at most `mentions` nodes
   * (two per edge row, one per other row), so a larger N would be mostly nodes named nowhere,
   * and one absurd id would allocate gigabytes for them.
   */
  nodeCount(): number {
    const N = this.maxId + 1;
    if (N > this.mentions) {
      throw new DatasetError(
        this.where.file,
        this.where.field,
        `a node id below ${this.mentions} (ids number the nodes from 0; all files together name at most ${this.mentions} nodes)`,
        `${this.maxId}, which implies a graph of ${N} nodes`,
      );
    }
    return N;
  }
}

/** A finite number that fits float32 (features are stored as float32). */
export function float32Value(s: string, file: string, field: string, what: string): number {
  const v = Number(s);
  if (s === '' || !Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) {
    throw new DatasetError(file, field, `a finite number within float32 range (${what})`, quote(s));
  }
  return v;
}

/** Feature rows: values, and each row's node id when the file has an id column. */
export class FeatureRows {
  ids: Growable<Uint32Array> | null = null;
  lines = new Growable(Uint32Array);
  data = new Growable(Float32Array, 1 << 12);
  dim = -1;
  rows = 0;
}

/** Label rows: one class per row (a value index; -1 = none) or T 0/1 tasks per row. */
export class LabelRows {
  ids: Growable<Uint32Array> | null = null;
  lines = new Growable(Uint32Array);
  layout: 'class' | 'multi' | null = null;
  tasks = 0;
  /** Class layout: an index into `values` per row, -1 for none. */
  classOf = new Growable(Int32Array);
  values = new Map<string, number>();
  /** Multi-label layout: `tasks` bytes of 0/1 per row. */
  bits = new Growable(Uint8Array);
  rows = 0;

  addClass(s: string): void {
    if (s === '' || s === '-1' || s.toLowerCase() === 'nan') {
      this.classOf.push(-1);
      return;
    }
    let k = this.values.get(s);
    if (k === undefined) {
      k = this.values.size;
      this.values.set(s, k);
    }
    this.classOf.push(k);
  }
}

/** Split rows: a node id (or the row) and a split code. */
export class SplitRows {
  ids = new Growable(Uint32Array);
  lines = new Growable(Uint32Array);
  codes = new Growable(Uint8Array);
}

/**
 * Walks rows that name nodes, refusing a node named twice with a different value (the last would
 * silently win) and counting identical repeats. `same(a, b)` compares rows a and b.
 */
export function onePerNode(
  N: number,
  ids: ArrayLike<number>,
  rows: number,
  same: (a: number, b: number) => boolean,
  conflict: (row: number, earlier: number) => DatasetError,
  visit: (row: number, id: number) => void,
): number {
  const firstRow = new Int32Array(N).fill(-1);
  let repeats = 0;
  for (let r = 0; r < rows; r++) {
    const id = ids[r];
    const e = firstRow[id];
    if (e >= 0) {
      if (!same(r, e)) throw conflict(r, e);
      repeats++;
      continue;
    }
    firstRow[id] = r;
    visit(r, id);
  }
  return repeats;
}
