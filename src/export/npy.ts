// NumPy's .npy format (version 1.0) for a float32 matrix: the magic, a header dict padded to a
// multiple of 64 bytes, then the row-major little-endian values — what np.load reads.

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function encodeNpy(data: Float32Array, rows: number, cols: number): Uint8Array<ArrayBuffer> {
  if (data.length !== rows * cols)
    throw new Error(`npy: ${data.length} values do not make ${rows}×${cols}.`);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const used = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (used % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Reads a float32 (or float64, converted) 2-D .npy written by numpy or encodeNpy. */
export function decodeNpy(
  bytes: Uint8Array,
  file = 'array.npy',
): {
  rows: number;
  cols: number;
  data: Float32Array;
} {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new Error(`${file}: not a .npy file.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const len = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + len));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header);
  if (/'fortran_order':\s*True/.test(header) || !shape || (descr !== '<f4' && descr !== '<f8'))
    throw new Error(
      `${file}: a C-ordered 2-D float32 array expected, found header ${header.trim()}.`,
    );
  const rows = Number(shape[1]);
  const cols = Number(shape[2]);
  // Copied: a Node Buffer's slice would be a view (and not 4-byte aligned).
  const body = new Uint8Array(bytes.subarray(start + len));
  const data =
    descr === '<f4'
      ? new Float32Array(body.buffer, 0, rows * cols)
      : Float32Array.from(new Float64Array(body.buffer, 0, rows * cols));
  return { rows, cols, data };
}
