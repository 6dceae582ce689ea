// The safetensors layout (huggingface/safetensors): an 8-byte little-endian header length N, N
// bytes of JSON — { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { string:
// string } } — padded with spaces to 8 bytes, then the tensors' raw little-endian bytes. Float32
// only: it is what the engine computes in.

export interface SafeTensor {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Record<string, SafeTensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'SafetensorsError';
  }
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Tensors in name order, the header padded to a multiple of 8 bytes. */
export function encodeSafetensors(
  tensors: Record<string, SafeTensor>,
  metadata: Record<string, string> = {},
): Uint8Array<ArrayBuffer> {
  const names = Object.keys(tensors).sort();
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    if (numel(t.shape) !== t.data.length) {
      throw new Error(
        `safetensors: tensor "${name}" has ${t.data.length} values, its shape [${t.shape.join(', ')}] needs ${numel(t.shape)}.`,
      );
    }
    header[name] = {
      dtype: 'F32',
      shape: t.shape,
      data_offsets: [offset, offset + t.data.length * 4],
    };
    offset += t.data.length * 4;
  }
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) {
    const padded = new Uint8Array(json.length + pad).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    const d = tensors[name].data;
    // Little-endian hosts only (every WebGPU platform): the float bytes go out as they are.
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

/** Reads a safetensors file; every problem names the file and what was expected and found. */
export function decodeSafetensors(
  bytes: Uint8Array,
  file = 'weights.safetensors',
): SafetensorsFile {
  if (bytes.length < 8)
    throw new SafetensorsError(file, `${bytes.length} bytes: too short for a safetensors file.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length) {
    throw new SafetensorsError(
      file,
      `the header length says ${n} bytes, but only ${bytes.length - 8} follow it (not a safetensors file, or cut short).`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SafetensorsError(file, `the header is not JSON (${(e as Error).message}).`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    throw new SafetensorsError(file, 'the header is not a JSON object.');
  const body = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const tensors: Record<string, SafeTensor> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>))
        if (typeof v === 'string') metadata[k] = v;
      continue;
    }
    tensors[name] = readTensor(file, name, value as HeaderEntry, body);
  }
  return { tensors, metadata };
}

function readTensor(file: string, name: string, e: HeaderEntry, body: Uint8Array): SafeTensor {
  const where = `tensor "${name}"`;
  if (e?.dtype !== 'F32')
    throw new SafetensorsError(file, `${where}: dtype F32 expected, found ${String(e?.dtype)}.`);
  const shape = e.shape;
  if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0))
    throw new SafetensorsError(
      file,
      `${where}: shape is not a list of sizes (${JSON.stringify(shape)}).`,
    );
  const [begin, end] = e.data_offsets ?? [];
  const bytesNeeded = numel(shape) * 4;
  if (!Number.isInteger(begin) || !Number.isInteger(end) || end - begin !== bytesNeeded) {
    throw new SafetensorsError(
      file,
      `${where}: data_offsets ${JSON.stringify(e.data_offsets)} do not span the ${bytesNeeded} bytes of shape [${shape.join(', ')}].`,
    );
  }
  if (begin < 0 || end > body.length) {
    throw new SafetensorsError(
      file,
      `${where}: bytes ${begin}..${end} lie past the end of the data (${body.length} bytes).`,
    );
  }
  // Copied out: the file's bytes need not be 4-byte aligned.
  const data = new Float32Array(bytesNeeded / 4);
  new Uint8Array(data.buffer).set(body.subarray(begin, end));
  return { shape: [...shape], data };
}
