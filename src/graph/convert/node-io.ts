// Node-only input and output for the converters (the CLI and the tests): a folder or a file as
// InputFiles, and a folder sink that stages into a hidden sibling and renames on commit.
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { DatasetError } from '../errors';
import type { InputFiles } from './input';
import type { DatasetSink } from './write';

/** A file, or a folder walked recursively (up to 6 levels), as converter input. */
export function nodeInput(path: string): InputFiles {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    throw new DatasetError(abs, '--input', 'an existing file or folder', 'nothing at that path');
  }
  const files = new Map<string, { full: string; size: number }>();
  const st = statSync(abs);
  let label: string;
  if (st.isDirectory()) {
    label = abs;
    const walk = (dir: string, depth: number) => {
      for (const name of readdirSync(dir).sort()) {
        if (name.startsWith('.')) continue;
        const full = join(dir, name);
        const s = statSync(full);
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
    throw new DatasetError(full, 'file', 'a readable file', `an error (${(e as Error).message})`);
  }
}

/**
 * Writes into `<parent>/.<name>.partial-<pid>-<n>/` and renames it to `out` on commit; abort removes
 * it. An existing `out` is refused unless `force`, in which case it is replaced at commit.
 */
export class NodeDirSink implements DatasetSink {
  readonly label: string;
  private readonly staging: string;
  private created = false;
  private static counter = 0;

  constructor(out: string, opts: { force?: boolean } = {}) {
    this.label = resolve(out);
    if (existsSync(this.label) && !opts.force) {
      throw new DatasetError(
        this.label,
        '--out',
        'a folder that does not exist yet (or --force to replace it)',
        'an existing ' + (statSync(this.label).isDirectory() ? 'folder' : 'file'),
      );
    }
    this.staging = join(
      dirname(this.label),
      `.${basename(this.label)}.partial-${process.pid}-${NodeDirSink.counter++}`,
    );
  }

  async writeFile(name: string, bytes: Uint8Array): Promise<void> {
    if (!this.created) {
      await mkdir(this.staging, { recursive: true });
      this.created = true;
    }
    await writeFile(join(this.staging, name), bytes);
  }

  async commit(): Promise<void> {
    if (existsSync(this.label)) {
      const old = `${this.staging}.old`;
      await rename(this.label, old);
      await rename(this.staging, this.label);
      await rm(old, { recursive: true, force: true });
    } else {
      await mkdir(dirname(this.label), { recursive: true });
      await rename(this.staging, this.label);
    }
    this.created = false;
  }

  async abort(): Promise<void> {
    await rm(this.staging, { recursive: true, force: true });
    this.created = false;
  }

  /** The staging folder (tests check that it is gone after a failure). */
  get stagingPath(): string {
    return this.staging;
  }
}
