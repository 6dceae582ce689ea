import { describe, expect, it } from 'vitest';
import { PickleError } from './errors';
import { ndarrayValues, scipyCsr } from './convert/numpy';
import { unpickle } from './convert/pickle';
import { NdArray, PyDict, PyObject, pyText } from './convert/py-values';

const bytes = (...parts: (string | number[] | Uint8Array)[]) => {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const c of p) out.push(c.charCodeAt(0));
    else out.push(...p);
  }
  return Uint8Array.from(out);
};
const u32 = (v: number) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];

describe('unpickle', () => {
  it('reads protocol-2 dicts, lists, tuples, ints, strings, booleans and memo references', () => {
    // {'a': 1, 'b': [2, 300, 70000, -1], 'c': (True, False, None), 'd': <same list as 'b'>}
    const p = bytes(
      [0x80, 2],
      '}q\x00(',
      'U\x01a',
      'K\x01',
      'U\x01b',
      ']q\x01(K\x02M',
      [300 & 255, 300 >> 8],
      'J',
      u32(70000),
      'J',
      u32(0xffffffff),
      'e',
      'X',
      u32(1),
      'c',
      [0x88, 0x89],
      'N',
      [0x87],
      'U\x01dh\x01',
      'u.',
    );
    const v = unpickle(p, 't.pkl');
    expect(v).toBeInstanceOf(PyDict);
    const d = v as PyDict;
    expect(d.get('a')).toBe(1);
    expect(d.get('b')).toEqual([2, 300, 70000, -1]);
    expect(d.get('c')).toEqual([true, false, null]);
    expect(d.get('d')).toBe(d.get('b'));
  });

  it('rebuilds numpy arrays and scipy CSR matrices from their pickled state', () => {
    // A 2×3 float32 CSR: [[0, 1.5, 0], [2, 0, 0]]
    const arr = (descr: string, n: number, raw: number[]) =>
      bytes(
        'cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85U\x01b\x87R(K\x01',
        'K',
        [n],
        '\x85cnumpy\ndtype\nU',
        [descr.length],
        descr,
        'K\x00K\x01\x87R(K\x03U\x01<NNNJ',
        u32(0xffffffff),
        'J',
        u32(0xffffffff),
        'K\x00tb\x89T',
        u32(raw.length),
        raw,
        'tb',
      );
    const f32 = (xs: number[]) => [...new Uint8Array(Float32Array.from(xs).buffer)];
    const i32 = (xs: number[]) => [...new Uint8Array(Int32Array.from(xs).buffer)];
    const p = bytes(
      [0x80, 2],
      'cscipy.sparse.csr\ncsr_matrix\n)',
      [0x81],
      '}(U\x06formatU\x03csrU\x06_shapeK\x02K\x03',
      [0x86],
      'U\x06indptr',
      arr('i4', 3, i32([0, 1, 2])),
      'U\x07indices',
      arr('i4', 2, i32([1, 0])),
      'U\x04data',
      arr('f4', 2, f32([1.5, 2])),
      'ub.',
    );
    const v = unpickle(p, 'x.pkl');
    expect(v).toBeInstanceOf(PyObject);
    const m = scipyCsr(v, 'x.pkl');
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(Array.from(m.indptr)).toEqual([0, 1, 2]);
    expect(Array.from(m.indices)).toEqual([1, 0]);
    expect(Array.from(m.data)).toEqual([1.5, 2]);
    const field = (v as PyObject).field('data');
    expect(field).toBeInstanceOf(NdArray);
    expect(pyText((field as NdArray).dtype!.descr)).toBe('f4');
    expect(Array.from(ndarrayValues(field as NdArray, 'x.pkl', 'data'))).toEqual([1.5, 2]);
  });

  it('refuses an unknown opcode, naming the byte, its offset and the file', () => {
    const p = bytes([0x80, 2], ']', [0xff], '.');
    try {
      unpickle(p, 'ind.bad.graph');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(PickleError);
      const err = e as PickleError;
      expect(err.offset).toBe(3);
      expect(err.message).toBe(
        'ind.bad.graph: pickle byte offset 3: expected an opcode this reader knows (the protocol 0–5 data opcodes), found opcode 0xff (unknown)',
      );
    }
    // A known but unsupported opcode says so.
    expect(() => unpickle(bytes([0x80, 2], 'P1\n.'), 'p.pkl')).toThrow(
      /opcode 0x50 'P' \(PERSID, not supported\)/,
    );
  });

  it('refuses a truncated pickle', () => {
    expect(() => unpickle(bytes([0x80, 2], 'T', u32(100), 'abc'), 't.pkl')).toThrow(
      /t\.pkl: pickle byte offset 2: expected 100 more bytes for BINSTRING, found the end of the file/,
    );
    expect(() => unpickle(bytes([0x80, 2], 'K\x01'), 't.pkl')).toThrow(
      /expected a STOP opcode, found the end of the file: truncated/,
    );
  });
});
