// Reading a pickle's bytes: the opcode arguments (little-endian integers, lengths, counted bytes,
// newline-terminated text) with every read checked against the end of the file, and integers
// bounded (a 1 MB LONG4 would otherwise take quadratic time to build). Errors name the file and
// the offset of the opcode being read.
import { PickleError } from '../errors';
import { OPCODE_NAMES } from './pickle-opcodes';
import { describe, latin1 } from './py-values';

/** The longest integer a pickle may hold (Planetoid files need 8 bytes; 256 is generous). */
export const MAX_INT_BYTES = 256;

export class PickleCursor {
  private readonly dv: DataView;
  private pos = 0;
  /** Where the opcode being read starts. */
  opAt = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  readonly fail = (expected: string, found: string): never => {
    throw new PickleError(this.file, this.opAt, expected, found);
  };

  /** The next opcode (the end of the file before STOP is an error). */
  op(): number {
    this.opAt = this.pos;
    if (this.pos >= this.bytes.length) this.fail('a STOP opcode', 'the end of the file: truncated');
    return this.bytes[this.pos++];
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) {
      this.fail(
        `${n} more bytes for ${OPCODE_NAMES[this.bytes[this.opAt]]}`,
        `the end of the file (${this.bytes.length} bytes): truncated`,
      );
    }
  }

  private advance(n: number): number {
    this.need(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.bytes[this.advance(1)];
  }
  u16(): number {
    return this.dv.getUint16(this.advance(2), true);
  }
  u32(): number {
    return this.dv.getUint32(this.advance(4), true);
  }
  i32(): number {
    return this.dv.getInt32(this.advance(4), true);
  }
  u64(): number {
    const v = this.dv.getBigUint64(this.advance(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('a length that fits in memory', `${v}`);
    return Number(v);
  }
  /** BINFLOAT: a big-endian float64. */
  f64(): number {
    return this.dv.getFloat64(this.advance(8), false);
  }
  take(n: number): Uint8Array {
    const at = this.advance(n);
    return this.bytes.slice(at, at + n);
  }
  /** A newline-terminated argument (protocol 0 text), read as Latin-1. */
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('a newline-terminated argument', 'the end of the file');
    const s = latin1(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  /** LONG1 / LONG4: a little-endian two's-complement integer of n bytes. */
  long(n: number): number | bigint {
    if (n > MAX_INT_BYTES) this.fail(`an integer of at most ${MAX_INT_BYTES} bytes`, `${n} bytes`);
    const b = this.take(n);
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b.length && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return intValue(v);
  }

  /** INT / LONG text arguments. */
  decimal(s: string): number | bigint {
    if (!/^[+-]?\d+$/.test(s)) this.fail('a decimal integer', describe(s));
    if (s.length > 2.5 * MAX_INT_BYTES)
      this.fail(`an integer of at most ${2.5 * MAX_INT_BYTES} digits`, `${s.length} digits`);
    return intValue(BigInt(s));
  }
}

const intValue = (v: bigint): number | bigint =>
  v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
