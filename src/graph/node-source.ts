// Node-only: datasets read from the filesystem (the CLI and the Node tests). Kept apart from
// load.ts so that the page's bundle never imports node:fs.
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_NAMES, isBuiltinName } from './builtins';
import { DatasetError } from './errors';
import { MANIFEST_FILE } from './format';
import { loadDataset, type DatasetSource, type LoadedDataset, type LoadOptions } from './load';

/** The repository's public/datasets folder (where the built-ins live). */
export const BUILTIN_ROOT = fileURLToPath(new URL('../../public/datasets/', import.meta.url));

/** A failed read of a dataset file, as a DatasetError naming the file. */
function fileError(path: string, e: unknown): DatasetError {
  const code = (e as NodeJS.ErrnoException).code;
  return new DatasetError(
    path,
    'file',
    'the file to exist and be readable',
    code === 'ENOENT' ? 'no such file' : `an error (${code ?? (e as Error).message})`,
  );
}

export class NodeFsSource implements DatasetSource {
  readonly label: string;

  constructor(readonly dir: string) {
    this.label = resolve(dir);
  }

  private async read(name: string): Promise<Buffer> {
    const path = join(this.dir, name);
    try {
      return await readFile(path);
    } catch (e) {
      throw fileError(path, e);
    }
  }

  async readText(name: string): Promise<string> {
    return (await this.read(name)).toString('utf8');
  }

  async readBytes(
    name: string,
    onProgress?: (loaded: number, total?: number) => void,
  ): Promise<Uint8Array> {
    const b = await this.read(name);
    onProgress?.(b.length, b.length);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  async readBytesInto(name: string, scratch: Uint8Array): Promise<Uint8Array> {
    const path = join(this.dir, name);
    let fh: FileHandle | null = null;
    try {
      fh = await open(path, 'r');
      const { size } = await fh.stat();
      const into = size <= scratch.length ? scratch.subarray(0, size) : new Uint8Array(size);
      let off = 0;
      while (off < size) {
        const { bytesRead } = await fh.read(into, off, size - off, off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return into.subarray(0, off);
    } catch (e) {
      throw fileError(path, e);
    } finally {
      await fh?.close();
    }
  }
}

/**
 * The CLI's `--data`: a built-in's name (citation, proteins, long-range) or a dataset folder
 * (one with a manifest.json).
 */
export function resolveDataset(nameOrPath: string): NodeFsSource {
  if (isBuiltinName(nameOrPath) && !existsSync(join(nameOrPath, MANIFEST_FILE))) {
    return new NodeFsSource(join(BUILTIN_ROOT, nameOrPath));
  }
  const isDir = existsSync(nameOrPath) && statSync(nameOrPath).isDirectory();
  if (!isDir) {
    throw new DatasetError(
      nameOrPath,
      '--data',
      `a built-in dataset (${BUILTIN_NAMES.join(', ')}) or a dataset folder`,
      existsSync(nameOrPath) ? 'a file, not a folder' : 'neither',
    );
  }
  return new NodeFsSource(nameOrPath);
}

/** Resolves and loads in one call (Node). */
export async function loadDatasetFromDisk(
  nameOrPath: string,
  opts?: LoadOptions,
): Promise<LoadedDataset> {
  return loadDataset(resolveDataset(nameOrPath), opts);
}

export async function isDatasetFolder(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, MANIFEST_FILE))).isFile();
  } catch {
    return false;
  }
}
