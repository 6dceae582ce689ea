// A file's bytes, inflated when it is gzipped (by magic number, not by name), in bounded pieces.
// fflate inflates everything it is given in one call and hands back one buffer, so a 3 MB member
// that inflates 1000-fold would arrive as one 3 GB array. Feeding it at most PIECE compressed bytes
// at a time bounds each output buffer (deflate inflates at most ~1032-fold: PIECE → ~17 MB), and
// the consumer sees every piece before the next is inflated: a parser that finds a count over the
// declared one stops the read there.
import { Gunzip } from 'fflate';
import { DatasetError } from '../errors';
import { crc32 } from '../format';
import { displayPath, type InputFiles } from './input';

/** Compressed bytes handed to the inflater at once. */
export const PIECE = 16 * 1024;

const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');

/** The last 8 bytes seen of a stream (a single-member gzip file's trailer). */
class Tail {
  readonly bytes = new Uint8Array(8);
  length = 0;
  push(chunk: Uint8Array): void {
    if (chunk.length >= 8) {
      this.bytes.set(chunk.subarray(chunk.length - 8));
      this.length = 8;
      return;
    }
    const keep = Math.min(this.length, 8 - chunk.length);
    this.bytes.copyWithin(0, this.length - keep, this.length);
    this.bytes.set(chunk, keep);
    this.length = keep + chunk.length;
  }
}

/**
 * The file's bytes, chunk by chunk, inflated when gzipped. `onRead(compressedBytesSoFar)` reports
 * progress through the file as stored.
 */
export async function* decompressed(
  input: InputFiles,
  path: string,
  onRead?: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  const file = displayPath(input, path);
  let gz: Gunzip | null = null;
  let first = true;
  const out: Uint8Array[] = [];
  let read = 0;
  // For the trailer check of a single-member file: CRC-32 and length of the output, and the last
  // 8 bytes of the input (fflate inflates a stream whose trailer is cut off without complaint).
  let crc = 0;
  let outLen = 0;
  let members = 1;
  const tail = new Tail();
  const inflate = (c: Uint8Array, final: boolean) => {
    try {
      gz!.push(c, final);
    } catch (e) {
      throw new DatasetError(
        file,
        'gzip data',
        'a complete, valid gzip stream',
        `an error: ${(e as Error).message}`,
        `after ${read} compressed bytes`,
      );
    }
  };
  const emit = function* () {
    while (out.length) {
      const d = out.shift()!;
      crc = crc32(d, crc);
      outLen += d.length;
      yield d;
    }
  };
  for await (const chunk of input.chunks(path)) {
    if (first) {
      first = false;
      if (chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
        gz = new Gunzip((data) => void out.push(data));
        gz.onmember = () => members++;
      }
    }
    if (!gz) {
      read += chunk.length;
      yield chunk;
      onRead?.(read);
      continue;
    }
    tail.push(chunk);
    for (let at = 0; at < chunk.length; at += PIECE) {
      const piece = chunk.subarray(at, Math.min(at + PIECE, chunk.length));
      read += piece.length;
      inflate(piece, false);
      yield* emit();
    }
    onRead?.(read);
  }
  if (!gz) return;
  inflate(new Uint8Array(0), true);
  yield* emit();
  if (members === 1) {
    const dv = new DataView(tail.bytes.buffer);
    const wantCrc = tail.length === 8 ? dv.getUint32(0, true) : -1;
    const wantLen = tail.length === 8 ? dv.getUint32(4, true) : -1;
    if (wantCrc !== crc >>> 0 || wantLen !== outLen % 2 ** 32) {
      throw new DatasetError(
        file,
        'gzip trailer',
        `CRC-32 ${hex(crc)} and length ${outLen} (of the inflated data)`,
        tail.length === 8 ? `CRC-32 ${hex(wantCrc)} and length ${wantLen}` : 'no trailer',
        'the file is truncated or corrupt',
      );
    }
  }
}
