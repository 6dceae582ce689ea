// Node-only. A generated folder is written into a hidden staging folder beside its destination
// and renamed into place only when complete, so an interrupted or failed run leaves nothing that
// looks like a dataset. --force replaces only what this project wrote: a dataset folder of this
// format or a folder `revgnn generate` wrote (it carries GENERATOR_FILE).
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DatasetError } from '../errors';
import { FORMAT_NAME, MANIFEST_FILE } from '../format';

/** Written at the root of a generated OGB folder: what made it, and the mark --force looks for. */
export const GENERATOR_FILE = 'revgnn-generator.json';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** What the folder is, if it is something --force may replace. */
export function replaceableKind(dir: string): 'dataset' | 'generated' | undefined {
  const m = readJson(join(dir, MANIFEST_FILE)) as { format?: unknown } | undefined;
  if (m?.format === FORMAT_NAME) return 'dataset';
  const g = readJson(join(dir, GENERATOR_FILE)) as { generator?: unknown } | undefined;
  if (g?.generator === 'revgnn generate') return 'generated';
  return undefined;
}

export class StagingDir {
  readonly out: string;
  readonly path: string;
  private static counter = 0;
  private live = false;

  constructor(out: string, opts: { force?: boolean } = {}) {
    this.out = resolve(out);
    if (existsSync(this.out)) {
      const isDir = statSync(this.out).isDirectory();
      if (!opts.force) {
        throw new DatasetError(
          this.out,
          '--out',
          'a folder that does not exist yet (or --force to replace it)',
          `an existing ${isDir ? 'folder' : 'file'}`,
        );
      }
      if (!isDir || !replaceableKind(this.out)) {
        throw new DatasetError(
          this.out,
          '--force',
          `a dataset folder (${MANIFEST_FILE} of format "${FORMAT_NAME}") or a folder written by revgnn generate (${GENERATOR_FILE})`,
          isDir ? 'a folder of something else (left untouched)' : 'a file (left untouched)',
        );
      }
    }
    this.path = join(
      dirname(this.out),
      `.${basename(this.out)}.partial-${process.pid}-${StagingDir.counter++}`,
    );
  }

  async create(): Promise<void> {
    await mkdir(this.path, { recursive: true });
    this.live = true;
  }

  /** Moves the staging folder into place (replacing a previous folder only now). */
  async commit(): Promise<void> {
    if (existsSync(this.out)) {
      const old = `${this.path}.old`;
      await rename(this.out, old);
      try {
        await rename(this.path, this.out);
      } catch (e) {
        // The second rename failed: the previous folder goes back where it was.
        await rename(old, this.out).catch(() => {});
        throw e;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(this.path, this.out);
    }
    this.live = false;
  }

  async abort(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
    this.live = false;
  }

  /** For signal handlers, which cannot wait for a promise. */
  abortSync(): void {
    if (this.live) rmSync(this.path, { recursive: true, force: true });
    this.live = false;
  }
}
