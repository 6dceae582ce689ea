// Trained weights and optimizer state as one file: a magic, a JSON header (configuration,
// progress, tensor names and shapes) and the float32 payload, little-endian.
import type { HostParams } from '../nn/params';
import type { ModelConfig } from '../models/config';

const MAGIC = 'RGNNCKPT';
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  model: ModelConfig;
  /** Optimizer steps taken (Adam's bias correction continues from here). */
  adamStep: number;
  /** Epochs completed. */
  epoch: number;
  params: HostParams;
  /** Anything else the caller wants back (trainer history, dataset name…). */
  extra?: Record<string, unknown>;
}

interface Header {
  version: number;
  model: ModelConfig;
  adamStep: number;
  epoch: number;
  extra?: Record<string, unknown>;
  tensors: {
    name: string;
    part: 'value' | 'm' | 'v';
    rows: number;
    cols: number;
    offset: number;
  }[];
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array<ArrayBuffer> {
  const tensors: Header['tensors'] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const [name, p] of Object.entries(c.params)) {
    for (const part of ['value', 'm', 'v'] as const) {
      const data = p[part];
      if (!data) continue;
      tensors.push({ name, part, rows: p.rows, cols: p.cols, offset });
      chunks.push(data);
      offset += data.length;
    }
  }
  const header: Header = {
    version: CHECKPOINT_VERSION,
    model: c.model,
    adamStep: c.adamStep,
    epoch: c.epoch,
    extra: c.extra,
    tensors,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = MAGIC.length + 4 + json.length;
  const pad = (4 - (headerBytes % 4)) % 4;
  const out = new Uint8Array(headerBytes + pad + offset * 4);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length + pad, true);
  out.set(json, MAGIC.length + 4);
  out.fill(0x20, MAGIC.length + 4 + json.length, headerBytes + pad); // spaces: still valid JSON
  const payload = new Float32Array(out.buffer, headerBytes + pad, offset);
  let at = 0;
  for (const c of chunks) {
    payload.set(c, at);
    at += c.length;
  }
  return out;
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(`Not a usable checkpoint: ${message}`);
    this.name = 'CheckpointError';
  }
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (
    bytes.length < MAGIC.length + 4 ||
    new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC
  ) {
    throw new CheckpointError(`the file does not start with "${MAGIC}".`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLen = view.getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  if (start + jsonLen > bytes.length) throw new CheckpointError('the header is cut short.');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + jsonLen)));
  } catch (e) {
    throw new CheckpointError(`the header is not JSON (${e}).`);
  }
  if (header.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`format version ${header.version}, expected ${CHECKPOINT_VERSION}.`);
  }
  const payloadStart = start + jsonLen;
  const floats = (bytes.length - payloadStart) / 4;
  // A copy (a Node Buffer's slice would be a view into a shared pool), 4-byte aligned.
  const copy = new Uint8Array(bytes.subarray(payloadStart, payloadStart + Math.floor(floats) * 4));
  const payload = new Float32Array(copy.buffer, 0, Math.floor(floats));
  const params: HostParams = {};
  for (const t of header.tensors) {
    const n = t.rows * t.cols;
    if (t.offset + n > payload.length) {
      throw new CheckpointError(
        `tensor "${t.name}.${t.part}" needs ${n} values past offset ${t.offset}, the file has ${payload.length}.`,
      );
    }
    const entry = (params[t.name] ??= { rows: t.rows, cols: t.cols, value: new Float32Array(0) });
    entry[t.part] = payload.slice(t.offset, t.offset + n);
  }
  return {
    model: header.model,
    adamStep: header.adamStep,
    epoch: header.epoch,
    params,
    extra: header.extra,
  };
}

/** Training steps the weights have seen (a file without optimizer state records them apart). */
export function stepsTaken(c: Checkpoint): number {
  const s = c.extra?.stepsTaken;
  return typeof s === 'number' ? s : c.adamStep;
}
