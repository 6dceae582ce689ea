// The converters' view of their input: a set of files by relative path, read as streams of byte
// chunks (Node: fs streams, in node-input.ts; browser: File objects dropped on the page). Gzipped
// files are inflated on the fly (fflate, the same code in both places) and parsed chunk by chunk:
// a whole decompressed file is never held as one string.
import { Gunzip } from 'fflate';
import { DatasetError } from '../errors';
import { crc32 } from '../format';

export interface InputFiles {
  /** A human-readable location for messages (a folder, "dropped files"). */
  readonly label: string;
  /** Relative paths, '/'-separated. */
  paths(): string[];
  size(path: string): number;
  chunks(path: string): AsyncIterable<Uint8Array>;
}

/** What converters report while they work. `done`/`total` are in the stage's unit (bytes, shards). */
export interface ConvertProgress {
  stage: 'read' | 'build' | 'write' | 'verify' | 'done';
  label: string;
  done: number;
  total: number;
}
export type ProgressFn = (p: ConvertProgress) => void;

export function displayPath(input: InputFiles, path: string): string {
  return input.label ? `${input.label.replace(/\/+$/, '')}/${path}` : path;
}

/** The path whose name (or trailing path segments) equals `suffix`, if exactly one does. */
export function findFile(input: InputFiles, suffix: string): string | undefined {
  const hits = input.paths().filter((p) => p === suffix || p.endsWith('/' + suffix));
  hits.sort((a, b) => a.length - b.length);
  return hits[0];
}

export function requireFile(input: InputFiles, suffix: string, what: string): string {
  const p = findFile(input, suffix);
  if (!p) {
    throw new DatasetError(
      displayPath(input, suffix),
      'file',
      `the file to exist (${what})`,
      'no such file among the inputs',
    );
  }
  return p;
}

export async function readAll(input: InputFiles, path: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of input.chunks(path)) {
    parts.push(c);
    n += c.length;
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * The file's bytes, inflated when it is gzipped (by magic number, not by name), chunk by chunk.
 * `onRead(compressedBytesSoFar)` reports progress through the file as stored.
 */
export async function* decompressed(
  input: InputFiles,
  path: string,
  onRead?: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  let gz: Gunzip | null = null;
  let first = true;
  const out: Uint8Array[] = [];
  let read = 0;
  // For the trailer check of a single-member file: CRC-32 and length of the output, and the last
  // 8 bytes of the input (fflate inflates a stream whose trailer is cut off without complaint).
  let crc = 0;
  let outLen = 0;
  let members = 1;
  const tail = new Uint8Array(8);
  let tailLen = 0;
  const file = displayPath(input, path);
  const inflate = (c: Uint8Array, final: boolean) => {
    try {
      gz!.push(c, final);
    } catch (e) {
      throw new DatasetError(
        file,
        'gzip data',
        'a complete, valid gzip stream',
        `an error: ${(e as Error).message}`,
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
    read += chunk.length;
    if (first) {
      first = false;
      if (chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
        gz = new Gunzip((data) => {
          out.push(data);
        });
        gz.onmember = () => members++;
      }
    }
    if (gz) {
      if (chunk.length >= 8) {
        tail.set(chunk.subarray(chunk.length - 8));
        tailLen = 8;
      } else {
        const keep = Math.min(tailLen, 8 - chunk.length);
        tail.copyWithin(0, tailLen - keep, tailLen);
        tail.set(chunk, keep);
        tailLen = keep + chunk.length;
      }
      inflate(chunk, false);
      yield* emit();
    } else {
      yield chunk;
    }
    onRead?.(read);
  }
  if (gz) {
    inflate(new Uint8Array(0), true);
    yield* emit();
    if (members === 1) {
      const dv = new DataView(tail.buffer);
      const wantCrc = tailLen === 8 ? dv.getUint32(0, true) : -1;
      const wantLen = tailLen === 8 ? dv.getUint32(4, true) : -1;
      if (wantCrc !== crc >>> 0 || wantLen !== outLen % 2 ** 32) {
        throw new DatasetError(
          file,
          'gzip trailer',
          `CRC-32 ${hex(crc)} and length ${outLen} (of the inflated data)`,
          tailLen === 8 ? `CRC-32 ${hex(wantCrc)} and length ${wantLen}` : 'no trailer',
          'the file is truncated or corrupt',
        );
      }
    }
  }
}

const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Parses comma-separated numbers row by row from byte chunks, without building strings for the
 * common cases: onRow(values, count, line) is called for every non-empty line; `values` is reused.
 * Empty fields and "nan" are NaN. Spaces, tabs and "\r" around fields are ignored.
 */
export class NumberRows {
  private vals = new Float64Array(64);
  private count = 0;
  private tok = new Uint8Array(64);
  private tokLen = 0;
  private line = 1;
  private fieldSeen = false;

  constructor(
    private readonly file: string,
    private readonly onRow: (values: Float64Array, count: number, line: number) => void,
  ) {}

  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 44) {
        this.endField();
        this.fieldSeen = true;
      } else if (b === 10) {
        this.endLine();
      } else if (b === 13 || b === 32 || b === 9) {
        // whitespace: ignored
      } else {
        if (this.tokLen === this.tok.length) {
          const t = new Uint8Array(this.tok.length * 2);
          t.set(this.tok);
          this.tok = t;
        }
        this.tok[this.tokLen++] = b;
      }
    }
  }

  end(): void {
    this.endLine();
  }

  private endLine(): void {
    if (this.tokLen > 0 || this.fieldSeen) this.endField();
    if (this.count > 0) this.onRow(this.vals, this.count, this.line);
    this.count = 0;
    this.fieldSeen = false;
    this.line++;
  }

  private endField(): void {
    const v = this.tokLen === 0 ? NaN : this.parse();
    if (this.count === this.vals.length) {
      const t = new Float64Array(this.vals.length * 2);
      t.set(this.vals);
      this.vals = t;
    }
    this.vals[this.count++] = v;
    this.tokLen = 0;
  }

  private parse(): number {
    const t = this.tok;
    const len = this.tokLen;
    let i = 0;
    let neg = false;
    if (t[0] === 45 || t[0] === 43) {
      neg = t[0] === 45;
      i++;
    }
    let mant = 0;
    let digits = 0;
    let exp = 0;
    let any = false;
    while (i < len && t[i] >= 48 && t[i] <= 57) {
      if (digits < 17) {
        mant = mant * 10 + (t[i] - 48);
        if (mant > 0) digits++;
      } else exp++;
      any = true;
      i++;
    }
    if (i < len && t[i] === 46) {
      i++;
      while (i < len && t[i] >= 48 && t[i] <= 57) {
        if (digits < 17) {
          mant = mant * 10 + (t[i] - 48);
          if (mant > 0) digits++;
          exp--;
        }
        any = true;
        i++;
      }
    }
    if (any && i < len && (t[i] === 101 || t[i] === 69)) {
      i++;
      let eneg = false;
      if (t[i] === 45 || t[i] === 43) {
        eneg = t[i] === 45;
        i++;
      }
      let e = 0;
      let ed = false;
      while (i < len && t[i] >= 48 && t[i] <= 57) {
        e = Math.min(e * 10 + (t[i] - 48), 100000);
        ed = true;
        i++;
      }
      if (!ed) any = false;
      exp += eneg ? -e : e;
    }
    if (any && i === len) {
      if (digits <= 15 && exp >= -22 && exp <= 22) {
        const v = exp < 0 ? mant / POW10[-exp] : mant * POW10[exp];
        return neg ? -v : v;
      }
      return Number(this.text());
    }
    const s = this.text();
    const lower = s.toLowerCase();
    if (lower === 'nan' || lower === '-nan') return NaN;
    if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
    if (lower === '-inf' || lower === '-infinity') return -Infinity;
    throw new DatasetError(
      this.file,
      `line ${this.line}, field ${this.count + 1}`,
      'a number',
      JSON.stringify(s.length > 40 ? s.slice(0, 37) + '…' : s),
    );
  }

  private text(): string {
    return String.fromCharCode(...this.tok.subarray(0, this.tokLen));
  }
}

/** Streams a (possibly gzipped) file of comma-separated numbers row by row. */
export async function readNumberRows(
  input: InputFiles,
  path: string,
  onRow: (values: Float64Array, count: number, line: number) => void,
  onRead?: (bytes: number) => void,
): Promise<void> {
  const parser = new NumberRows(displayPath(input, path), onRow);
  for await (const chunk of decompressed(input, path, onRead)) parser.push(chunk);
  parser.end();
}

/** Streams a (possibly gzipped) text file line by line (without the newline). */
export async function* textLines(
  input: InputFiles,
  path: string,
  onRead?: (bytes: number) => void,
): AsyncGenerator<string> {
  const dec = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of decompressed(input, path, onRead)) {
    const text = rest + dec.decode(chunk, { stream: true });
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const l of lines) yield l.endsWith('\r') ? l.slice(0, -1) : l;
  }
  rest += dec.decode();
  if (rest.length) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

/** A growable typed array for streaming appends. */
export class GrowableU32 {
  data: Uint32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const t = new Uint32Array(this.data.length * 2);
      t.set(this.data);
      this.data = t;
    }
    this.data[this.length++] = v;
  }
  toArray(): Uint32Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

export class GrowableF32 {
  data: Float32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float32Array(capacity);
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const cap = Math.max(this.data.length * 2, this.length + extra);
    const t = new Float32Array(cap);
    t.set(this.data.subarray(0, this.length));
    this.data = t;
  }
  push(v: number): void {
    this.reserve(1);
    this.data[this.length++] = v;
  }
  toArray(): Float32Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

/** Input from File objects (the page: dropped files or a picked folder). */
export function fileInput(
  files: { path: string; file: Blob }[],
  label = 'dropped files',
): InputFiles {
  const byPath = new Map(files.map((f) => [f.path.replace(/^\/+/, ''), f.file]));
  return {
    label,
    paths: () => [...byPath.keys()],
    size: (p) => byPath.get(p)?.size ?? 0,
    chunks: (p) => {
      const f = byPath.get(p);
      if (!f)
        throw new DatasetError(p, 'file', 'the file to exist', 'no such file among the inputs');
      return blobChunks(f);
    },
  };
}

async function* blobChunks(b: Blob): AsyncGenerator<Uint8Array> {
  const reader = b.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/** Input from bytes in memory (tests). */
export function memoryInput(files: Record<string, Uint8Array | string>, label = ''): InputFiles {
  const enc = new TextEncoder();
  const m = new Map(
    Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? enc.encode(v) : v]),
  );
  return {
    label,
    paths: () => [...m.keys()],
    size: (p) => m.get(p)?.length ?? 0,
    chunks: (p) => {
      const b = m.get(p);
      if (!b)
        throw new DatasetError(p, 'file', 'the file to exist', 'no such file among the inputs');
      return (async function* () {
        for (let i = 0; i < b.length; i += 65536) yield b.subarray(i, i + 65536);
      })();
    },
  };
}
