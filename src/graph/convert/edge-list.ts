// An input edge list read row by row, in memory that grows with the DISTINCT edges rather than
// with the rows: when the buffer reaches a threshold, self-loops and repeated edges are dropped
// (and counted, as buildAdjacency would count them), keeping each edge's first occurrence and its
// features. A gzipped file of one valid row repeated a billion times then holds one edge, not
// eight gigabytes; an edge list that compresses cannot be large in memory without being large on
// disk. The sort is a stable LSD radix sort on 16-bit digits: O(rows), whatever the node count.
import { DatasetError } from '../errors';
import { buildAdjacency, type AdjacencyResult } from './edges';
import { Growable } from './growable';
import { MAX_EDGES } from './limits';

/** Rows held before the first compaction. */
export const COMPACT_AT = 1 << 20;
/**
 * More rows than this many per distinct edge is not an edge list but a repetition (a gzip bomb of
 * one valid row inflates ~1000-fold): refused once COMPACT_AT rows have been read.
 */
export const MAX_ROWS_PER_EDGE = 100;

export class EdgeList {
  private src = new Growable(Uint32Array, 1 << 12);
  private dst = new Growable(Uint32Array, 1 << 12);
  private feat = new Growable(Float32Array, 0);
  private dim = 0;
  /** Input row of each held edge (kept in input order), for features that come later. */
  private origin = new Growable(Uint32Array, 1 << 12);
  private lateCursor = 0;
  private next: number;
  /** Input rows pushed. */
  rows = 0;
  /** The most rows held at once (what memory grew to). */
  peakHeld = 0;
  /** The largest node id pushed (-1: none). */
  maxId = -1;
  private droppedSelfLoops = 0;
  private droppedRepeats = 0;

  /** `file` names the input in messages; `compactAt` is lowered by tests. */
  constructor(
    private readonly file: string,
    private readonly compactAt: number = COMPACT_AT,
  ) {
    this.next = compactAt;
  }

  /** Edge features per row: set before the first push (0 = none). */
  setFeatureDim(dim: number): void {
    this.dim = dim;
  }

  push(s: number, d: number, features?: ArrayLike<number>, from = 0): void {
    this.src.push(s);
    this.dst.push(d);
    this.origin.push(this.rows);
    if (s > this.maxId) this.maxId = s;
    if (d > this.maxId) this.maxId = d;
    if (this.dim) {
      this.feat.reserve(this.dim);
      for (let k = 0; k < this.dim; k++) this.feat.data[this.feat.length++] = features![from + k];
    }
    this.rows++;
    if (this.src.length > this.peakHeld) this.peakHeld = this.src.length;
    if (this.src.length >= this.next) this.compact();
  }

  /**
   * Edge features that arrive after the edges, one row per input edge in input order (OGB's
   * edge-feat.csv): begin, then push each row's values; a row whose edge was dropped is skipped.
   */
  beginLateFeatures(dim: number): void {
    this.dim = dim;
    this.feat = new Growable(Float32Array, 1 << 12);
    this.lateCursor = 0;
  }

  pushLateFeatures(row: number, values: ArrayLike<number>): void {
    const o = this.origin.data;
    const held = this.src.length;
    while (this.lateCursor < held && o[this.lateCursor] < row) this.lateCursor++;
    if (this.lateCursor === held || o[this.lateCursor] !== row) return;
    this.feat.reserve(this.dim);
    for (let k = 0; k < this.dim; k++) this.feat.data[this.feat.length++] = values[k];
    this.lateCursor++;
  }

  /** The stored adjacency (see buildAdjacency), with the compactions' counts added. */
  build(numNodes: number, symmetrize: boolean): AdjacencyResult {
    const r = buildAdjacency(numNodes, this.src.toArray(), this.dst.toArray(), {
      symmetrize,
      edgeFeatures: this.dim ? { dim: this.dim, data: this.feat.toArray() } : undefined,
    });
    r.selfLoops += this.droppedSelfLoops;
    r.duplicateInputEdges += this.droppedRepeats;
    return r;
  }

  private compact(): void {
    const n = this.src.length;
    const src = this.src.data;
    const dst = this.dst.data;
    const order = sortPairs(src, dst, n);
    let kept = 0;
    const keepIdx = new Uint32Array(n);
    for (let t = 0; t < n; t++) {
      const k = order[t];
      if (src[k] === dst[k]) {
        this.droppedSelfLoops++;
        continue;
      }
      if (kept > 0) {
        const p = keepIdx[kept - 1];
        if (src[p] === src[k] && dst[p] === dst[k]) {
          this.droppedRepeats++;
          continue;
        }
      }
      keepIdx[kept++] = k;
    }
    // Survivors in input order, so "first occurrence" stays first across compactions.
    const idx = keepIdx.subarray(0, kept).sort();
    const s2 = new Growable(Uint32Array, Math.max(kept, 1 << 12));
    const d2 = new Growable(Uint32Array, Math.max(kept, 1 << 12));
    const o2 = new Growable(Uint32Array, Math.max(kept, 1 << 12));
    const f2 = new Growable(Float32Array, this.dim ? kept * this.dim : 0);
    for (let t = 0; t < kept; t++) {
      const k = idx[t];
      s2.push(src[k]);
      d2.push(dst[k]);
      o2.push(this.origin.data[k]);
      if (this.dim) {
        f2.data.set(this.feat.data.subarray(k * this.dim, (k + 1) * this.dim), t * this.dim);
        f2.length += this.dim;
      }
    }
    this.src = s2;
    this.dst = d2;
    this.origin = o2;
    this.feat = f2;
    if (this.rows > MAX_ROWS_PER_EDGE * kept) {
      throw new DatasetError(
        this.file,
        'rows',
        `an edge list of mostly distinct edges (at most ${MAX_ROWS_PER_EDGE} rows per distinct edge)`,
        `${this.rows} rows holding ${kept} distinct edges (a decompression bomb, or repeats to remove first)`,
      );
    }
    if (kept > MAX_EDGES) {
      throw new DatasetError(
        this.file,
        'rows',
        `at most ${MAX_EDGES} distinct edges (the stored format's limit)`,
        `${kept}`,
      );
    }
    this.next = Math.max(this.compactAt, 2 * kept);
  }
}

/** A stable order of the pairs by (a, b): LSD radix sort, two 16-bit digits per key. */
function sortPairs(a: Uint32Array, b: Uint32Array, n: number): Uint32Array {
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (const [keys, shift] of [
    [b, 0],
    [b, 16],
    [a, 0],
    [a, 16],
  ] as const) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((keys[order[i]] >>> shift) & 0xffff) + 1]++;
    for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
    for (let i = 0; i < n; i++) tmp[count[(keys[order[i]] >>> shift) & 0xffff]++] = order[i];
    [order, tmp] = [tmp, order];
  }
  return order;
}
