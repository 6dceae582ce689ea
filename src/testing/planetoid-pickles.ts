// Writes Planetoid files the way Python 2's cPickle (protocol 2) wrote the originals — scipy CSR
// matrices, numpy arrays, a defaultdict of lists — so tests can make a small, exact dataset and
// then break one field of it on purpose (a row offset, a global, an id).

/** A protocol-2 pickle, opcode by opcode. */
export class PickleWriter {
  private readonly out: number[] = [0x80, 2];

  raw(...bytes: number[]): this {
    for (const b of bytes) this.out.push(b);
    return this;
  }
  text(s: string): this {
    for (const c of s) this.out.push(c.charCodeAt(0) & 0xff);
    return this;
  }
  u32(v: number): this {
    return this.raw(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
  }
  global(module: string, name: string): this {
    return this.text(`c${module}\n${name}\n`);
  }
  int(v: number): this {
    if (v >= 0 && v < 256) return this.raw(0x4b, v);
    if (v >= 0 && v < 65536) return this.raw(0x4d, v & 255, v >> 8);
    return this.raw(0x4a).u32(v);
  }
  str(s: string): this {
    return this.raw(0x55, s.length).text(s);
  }
  bytes(b: Uint8Array): this {
    this.raw(0x54).u32(b.length);
    for (const x of b) this.out.push(x);
    return this;
  }
  mark(): this {
    return this.raw(0x28);
  }
  tuple(): this {
    return this.raw(0x74);
  }
  finish(): Uint8Array {
    return Uint8Array.from([...this.out, 0x2e]);
  }
}

export type Dtype = 'i4' | 'f4' | 'f8' | 'u1';

/**
 * A numpy array as numpy pickles it: _reconstruct(ndarray, (0,), 'b') then BUILD with
 * (1, shape, dtype('<kind'), fortran, raw bytes). `stateGlobal` puts a global inside the state.
 */
export function writeArray(
  w: PickleWriter,
  dtype: Dtype,
  shape: number[],
  data: Uint8Array,
  stateGlobal?: [string, string],
): PickleWriter {
  w.global('numpy.core.multiarray', '_reconstruct').global('numpy', 'ndarray');
  w.int(0).raw(0x85).str('b').raw(0x87, 0x52);
  w.mark().int(1).mark();
  for (const d of shape) w.int(d);
  w.tuple();
  w.global('numpy', 'dtype').str(dtype).int(0).int(1).raw(0x87, 0x52);
  w.mark().int(3).str('<').raw(0x4e, 0x4e, 0x4e).int(-1).int(-1).int(0).tuple().raw(0x62);
  w.raw(0x89);
  if (stateGlobal) w.global(...stateGlobal).raw(0x85);
  else w.bytes(data);
  return w.tuple().raw(0x62);
}

const bytesOf = (a: Int32Array | Float32Array | Float64Array | Uint8Array) =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export interface CsrSpec {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
  /** The matrix's class (default scipy.sparse.csr.csr_matrix). */
  cls?: [string, string];
}

export function csrPickle(m: CsrSpec): Uint8Array {
  const w = new PickleWriter();
  w.global(...(m.cls ?? ['scipy.sparse.csr', 'csr_matrix'])).raw(0x29, 0x81);
  w.raw(0x7d).mark();
  w.str('format').str('csr');
  w.str('_shape').int(m.rows).int(m.cols).raw(0x86);
  w.str('indptr');
  writeArray(w, 'i4', [m.indptr.length], bytesOf(m.indptr));
  w.str('indices');
  writeArray(w, 'i4', [m.indices.length], bytesOf(m.indices));
  w.str('data');
  writeArray(w, 'f4', [m.data.length], bytesOf(m.data));
  w.raw(0x75, 0x62);
  return w.finish();
}

export function denseCsr(rows: number[][], cols: number): CsrSpec {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const r of rows) {
    r.forEach((v, c) => {
      if (v !== 0) {
        indices.push(c);
        data.push(v);
      }
    });
    indptr.push(indices.length);
  }
  return {
    rows: rows.length,
    cols,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    data: Float32Array.from(data),
  };
}

export function oneHotPickle(
  classes: number[],
  C: number,
  stateGlobal?: [string, string],
): Uint8Array {
  const a = new Int32Array(classes.length * C);
  classes.forEach((c, i) => {
    if (c >= 0) a[i * C + c] = 1;
  });
  return writeArray(
    new PickleWriter(),
    'i4',
    [classes.length, C],
    bytesOf(a),
    stateGlobal,
  ).finish();
}

/** defaultdict(factory, {node: [neighbours]}) as Planetoid's graph file. */
export function graphPickle(
  lists: [number, number[]][],
  factory: [string, string] = ['__builtin__', 'list'],
): Uint8Array {
  const w = new PickleWriter();
  w.global('collections', 'defaultdict')
    .global(...factory)
    .raw(0x85, 0x52);
  w.mark();
  for (const [k, vs] of lists) {
    w.int(k).raw(0x5d);
    if (vs.length) {
      w.mark();
      for (const v of vs) w.int(v);
      w.raw(0x65);
    }
  }
  w.raw(0x75);
  return w.finish();
}

/** A small, valid Planetoid dataset: the spec of each part, to break and then write. */
export interface PlanetoidSpec {
  allx: CsrSpec;
  tx: CsrSpec;
  x: CsrSpec;
  ally: number[];
  ty: number[];
  y: number[];
  classes: number;
  graph: [number, number[]][];
  testIndex: string;
}

/**
 * 528 nodes, 5 features, 3 classes: allx has 520 rows (the first 6 are x / y; the GCN loader's
 * validation ids are the next 500), tx has 7 rows for test ids 520..527 except 525 (a featureless
 * node, as CiteSeer has 15), a ring plus chords, one self-loop.
 */
export function smallPlanetoid(): PlanetoidSpec {
  const feats = (n: number, off: number) =>
    Array.from({ length: n }, (_, i) =>
      Array.from({ length: 5 }, (_, d) => ((i + off + d) % 3 === 0 ? 1 : 0)),
    );
  const allx = denseCsr(feats(520, 0), 5);
  const testIds = [523, 520, 527, 521, 526, 522, 524];
  const tx = denseCsr(feats(7, 520), 5);
  const ally = Array.from({ length: 520 }, (_, i) => i % 3);
  const graph: [number, number[]][] = Array.from({ length: 528 }, (_, i) => [
    i,
    [(i + 1) % 528, (i + 5) % 528, ...(i === 3 ? [3] : [])],
  ]);
  return {
    allx,
    tx,
    x: denseCsr(feats(6, 0), 5),
    ally,
    ty: testIds.map((t) => t % 3),
    y: ally.slice(0, 6),
    classes: 3,
    graph,
    testIndex: testIds.join('\n') + '\n',
  };
}

export function planetoidFiles(spec: PlanetoidSpec, name = 'tiny'): Record<string, Uint8Array> {
  const p = `ind.${name}.`;
  return {
    [p + 'x']: csrPickle(spec.x),
    [p + 'tx']: csrPickle(spec.tx),
    [p + 'allx']: csrPickle(spec.allx),
    [p + 'y']: oneHotPickle(spec.y, spec.classes),
    [p + 'ty']: oneHotPickle(spec.ty, spec.classes),
    [p + 'ally']: oneHotPickle(spec.ally, spec.classes),
    [p + 'graph']: graphPickle(spec.graph),
    [p + 'test.index']: new TextEncoder().encode(spec.testIndex),
  };
}
