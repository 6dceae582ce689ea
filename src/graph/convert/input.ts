// The converters' view of their input: a set of files by relative path, read as streams of byte
// chunks (Node: fs streams, in node-io.ts; browser: File objects dropped on the page). Gzipped
// files are inflated on the fly in bounded pieces (gunzip.ts) and parsed chunk by chunk
// (number-rows.ts, text-lines.ts): a whole decompressed file is never held as one string.
import { DatasetError } from '../errors';

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

/** The largest pickle (read whole into memory): larger ones are refused before reading. */
export const MAX_PICKLE_BYTES = 1 << 30;

/** A file's bytes in one array; refused when past `max` bytes. */
export async function readAll(
  input: InputFiles,
  path: string,
  max = Number.MAX_SAFE_INTEGER,
): Promise<Uint8Array> {
  const tooLarge = (n: number) =>
    new DatasetError(
      displayPath(input, path),
      'file size',
      `at most ${max} bytes (a file read whole)`,
      `${n} bytes`,
    );
  if (input.size(path) > max) throw tooLarge(input.size(path));
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of input.chunks(path)) {
    parts.push(c);
    n += c.length;
    if (n > max) throw tooLarge(n);
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
      return blobChunks(f, label ? `${label}/${p}` : p);
    },
  };
}

async function* blobChunks(b: Blob, file: string): AsyncGenerator<Uint8Array> {
  const reader = b.stream().getReader();
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch (e) {
      // e.g. NotReadableError: the file changed or went away after it was picked.
      throw new DatasetError(file, 'file', 'a readable file', `an error (${(e as Error).message})`);
    }
    if (r.done) return;
    yield r.value;
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
