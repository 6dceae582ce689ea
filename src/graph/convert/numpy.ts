// numpy arrays and scipy CSR matrices out of unpickled values: the element bytes decoded by dtype,
// and a CSR's parts checked against each other before any loop uses them (row offsets from 0,
// never decreasing, ending at the entry count; column ids whole and in range; values finite).
// A flipped bit in a row offset must be an error naming the pickle and the field, not a loop that
// runs for minutes or an allocation of gigabytes.
import { DatasetError, PickleError } from '../errors';
import { describe, NdArray, PyObject, pyText, type PyValue } from './py-values';

/** The largest magnitude a float32 holds: features are stored as float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** An ndarray's elements as numbers (int/uint/float/bool dtypes of 1–8 bytes). */
export function ndarrayValues(a: NdArray, file: string, what: string): Float64Array {
  if (!a.dtype || !a.data)
    throw new PickleError(file, 0, `a numpy array for ${what}`, 'an array without data');
  const code = a.dtype.code;
  const m = /^([<>])([biuf])(\d)$/.exec(code);
  if (!m)
    throw new DatasetError(file, `${what} dtype`, 'a numeric dtype', `dtype ${a.dtype.descr}`);
  const little = m[1] === '<';
  const kind = m[2];
  const size = Number(m[3]);
  if (![1, 2, 4, 8].includes(size) || (kind === 'f' && size < 4)) {
    throw new DatasetError(
      file,
      `${what} dtype`,
      'an element of 1, 2, 4 or 8 bytes (floats: 4 or 8)',
      `dtype ${a.dtype.descr}`,
    );
  }
  const n = a.size;
  if (a.data.length !== n * size) {
    throw new DatasetError(
      file,
      `${what} data`,
      `${n * size} bytes (shape ${a.shape.join('×')} of ${size}-byte elements)`,
      `${a.data.length} bytes`,
    );
  }
  const dv = new DataView(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * size;
    let v: number;
    if (kind === 'f') v = size === 4 ? dv.getFloat32(o, little) : dv.getFloat64(o, little);
    else if (kind === 'b' || kind === 'u') {
      if (size === 1) v = dv.getUint8(o);
      else if (size === 2) v = dv.getUint16(o, little);
      else if (size === 4) v = dv.getUint32(o, little);
      else v = Number(dv.getBigUint64(o, little));
    } else {
      if (size === 1) v = dv.getInt8(o);
      else if (size === 2) v = dv.getInt16(o, little);
      else if (size === 4) v = dv.getInt32(o, little);
      else v = Number(dv.getBigInt64(o, little));
    }
    out[i] = v;
  }
  if (a.fortranOrder && a.shape.length === 2) {
    const [r, c] = a.shape;
    const t = new Float64Array(n);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[i * c + j] = out[j * r + i];
    return t;
  }
  return out;
}

/** A scipy.sparse.csr_matrix from its pickled state, checked. */
export interface ScipyCsr {
  rows: number;
  cols: number;
  indptr: Float64Array;
  indices: Float64Array;
  data: Float64Array;
}

const SPARSE_CLASS = /^scipy\.sparse\.(_?csr\.)?csr_matrix$/;

export function scipyCsr(v: PyValue, file: string): ScipyCsr {
  if (!(v instanceof PyObject) || !SPARSE_CLASS.test(v.cls.qualified)) {
    throw new DatasetError(file, 'pickled object', 'a scipy.sparse.csr_matrix', describe(v));
  }
  const format = pyText(v.field('format') ?? null);
  if (format !== undefined && format !== 'csr') {
    throw new DatasetError(file, 'format', 'a sparse matrix in csr format', describe(format));
  }
  const shape = v.field('_shape');
  if (!Array.isArray(shape) || shape.length !== 2) {
    throw new DatasetError(file, '_shape', 'a (rows, columns) pair', describe(shape ?? null));
  }
  const dims = shape.map((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new DatasetError(file, `_shape[${i}]`, 'a whole number ≥ 0', describe(d));
    }
    return d;
  });
  const arr = (k: string) => {
    const a = v.field(k);
    if (!(a instanceof NdArray) || a.shape.length !== 1) {
      throw new DatasetError(
        file,
        k,
        'a 1-D numpy array',
        a instanceof NdArray ? `shape ${a.shape.join('×')}` : describe(a ?? null),
      );
    }
    return ndarrayValues(a, file, k);
  };
  const out: ScipyCsr = {
    rows: dims[0],
    cols: dims[1],
    indptr: arr('indptr'),
    indices: arr('indices'),
    data: arr('data'),
  };
  checkCsr(out, file);
  return out;
}

/** Row offsets, column ids and values of a CSR, checked in one pass each. */
function checkCsr(m: ScipyCsr, file: string): void {
  const { indptr, indices, data, rows, cols } = m;
  const nnz = indices.length;
  const bad = (field: string, expected: string, found: number | string) => {
    throw new DatasetError(file, field, expected, String(found), 'the matrix is corrupt');
  };
  if (indptr.length !== rows + 1)
    bad('indptr', `${rows + 1} row offsets (_shape rows + 1)`, `${indptr.length}`);
  if (data.length !== nnz)
    bad('data', `${nnz} values (one per entry of indices)`, `${data.length}`);
  if (indptr[0] !== 0) bad('indptr[0]', '0', indptr[0]);
  for (let i = 1; i <= rows; i++) {
    const p = indptr[i];
    if (!Number.isInteger(p) || p < indptr[i - 1] || p > nnz) {
      bad(
        `indptr[${i}]`,
        `a whole number from ${indptr[i - 1]} (row offsets never decrease) to ${nnz} (the entry count)`,
        p,
      );
    }
  }
  if (indptr[rows] !== nnz) bad(`indptr[${rows}]`, `${nnz} (the entry count)`, indptr[rows]);
  for (let k = 0; k < nnz; k++) {
    const c = indices[k];
    if (!Number.isInteger(c) || c < 0 || c >= cols)
      bad(`indices[${k}]`, `a column id in 0..${cols - 1}`, c);
    const x = data[k];
    if (!Number.isFinite(x) || Math.abs(x) > FLOAT32_MAX)
      bad(`data[${k}]`, 'a finite number within float32 range', x);
  }
}
