// Node-only input and output for the converters (the CLI and the tests): a folder or a file as
// InputFiles (file-system errors reported as DatasetErrors naming the path), and the folder sink
// (node-sink.ts) that stages into a hidden sibling and renames on commit.
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { DatasetError } from '../errors';
import type { InputFiles } from './input';

export { NodeDirSink, type NodeDirSinkOptions } from './node-sink';

/** A file, or a folder walked recursively (up to 6 levels), as converter input. */
export function nodeInput(path: string): InputFiles {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    throw new DatasetError(abs, '--input', 'an existing file or folder', 'nothing at that path');
  }
  const files = new Map<string, { full: string; size: number }>();
  const unreadable = (full: string, e: unknown): never => {
    throw new DatasetError(
      full,
      '--input',
      'a file or folder this user can read',
      `${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  };
  const stat = (full: string) => {
    try {
      return statSync(full);
    } catch (e) {
      return unreadable(full, e);
    }
  };
  const st = stat(abs);
  let label: string;
  if (st.isDirectory()) {
    label = abs;
    const walk = (dir: string, depth: number) => {
      let names: string[] = [];
      try {
        names = readdirSync(dir).sort();
      } catch (e) {
        unreadable(dir, e);
      }
      for (const name of names) {
        if (name.startsWith('.')) continue;
        const full = join(dir, name);
        const s = stat(full);
        if (s.isDirectory()) {
          if (depth < 6) walk(full, depth + 1);
        } else if (s.isFile()) {
          files.set(relative(abs, full).split(sep).join('/'), { full, size: s.size });
        }
      }
    };
    walk(abs, 0);
  } else {
    label = dirname(abs);
    files.set(basename(abs), { full: abs, size: st.size });
  }
  return {
    label,
    paths: () => [...files.keys()],
    size: (p) => files.get(p)?.size ?? 0,
    chunks: (p) => {
      const f = files.get(p);
      if (!f) throw new DatasetError(join(label, p), 'file', 'the file to exist', 'no such file');
      return readChunks(f.full);
    },
  };
}

async function* readChunks(full: string): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(full, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      yield new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new DatasetError(full, 'file', 'a file this user can read', err.code ?? err.message);
  }
}
