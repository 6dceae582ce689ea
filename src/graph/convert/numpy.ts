// numpy arrays and scipy CSR matrices out of unpickled values: the element bytes decoded by
// dtype, and the CSR's parts checked against each other.
import { PickleError } from '../errors';
import { describe, NdArray, PyObject, pyText, type PyValue } from './py-values';

/** An ndarray's elements as numbers (int/uint/float/bool dtypes of 1–8 bytes). */
export function ndarrayValues(a: NdArray, file: string, what: string): Float64Array {
  if (!a.dtype || !a.data)
    throw new PickleError(file, 0, `a numpy array for ${what}`, 'an array without data');
  const code = a.dtype.code;
  const m = /^([<>])([biuf])(\d)$/.exec(code);
  if (!m) throw new PickleError(file, 0, `a numeric dtype for ${what}`, `dtype ${a.dtype.descr}`);
  const little = m[1] === '<';
  const kind = m[2];
  const size = Number(m[3]);
  const n = a.size;
  if (a.data.length !== n * size) {
    throw new PickleError(
      file,
      0,
      `${n * size} data bytes for ${what} (shape ${a.shape.join('×')})`,
      `${a.data.length}`,
    );
  }
  const dv = new DataView(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * size;
    let v: number;
    if (kind === 'f') {
      if (size === 4) v = dv.getFloat32(o, little);
      else if (size === 8) v = dv.getFloat64(o, little);
      else
        throw new PickleError(file, 0, `float32 or float64 for ${what}`, `dtype ${a.dtype.descr}`);
    } else if (kind === 'b' || kind === 'u') {
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

/** A scipy.sparse.csr_matrix from its pickled state. */
export interface ScipyCsr {
  rows: number;
  cols: number;
  indptr: Float64Array;
  indices: Float64Array;
  data: Float64Array;
}

export function scipyCsr(v: PyValue, file: string): ScipyCsr {
  if (!(v instanceof PyObject) || !/^scipy\.sparse\./.test(v.cls.qualified)) {
    throw new PickleError(file, 0, 'a pickled scipy.sparse.csr_matrix', describe(v));
  }
  const format = pyText(v.field('format') ?? null);
  if (format !== undefined && format !== 'csr') {
    throw new PickleError(file, 0, 'a sparse matrix in csr format', `format "${format}"`);
  }
  const shape = v.field('_shape');
  const arr = (k: string) => {
    const a = v.field(k);
    if (!(a instanceof NdArray))
      throw new PickleError(file, 0, `a numpy array in field "${k}"`, describe(a));
    return ndarrayValues(a, file, k);
  };
  if (!Array.isArray(shape) || shape.length !== 2) {
    throw new PickleError(file, 0, 'a 2-element _shape', describe(shape));
  }
  const out = {
    rows: Number(shape[0]),
    cols: Number(shape[1]),
    indptr: arr('indptr'),
    indices: arr('indices'),
    data: arr('data'),
  };
  if (out.indptr.length !== out.rows + 1 || out.indices.length !== out.data.length) {
    throw new PickleError(
      file,
      0,
      `indptr of ${out.rows + 1} and indices/data of equal length`,
      `${out.indptr.length}, ${out.indices.length}, ${out.data.length}`,
    );
  }
  return out;
}
