// Node-only. A dataset folder written the safe way: files go into a hidden staging folder beside
// the destination, `.<name>.partial-<pid>-<n>`, renamed into place on commit; abort() removes the
// staging folder and any parent folders it had to create, and a closed sink never writes again
// (a signal handler's abort cannot race a write that recreates the folder). --force replaces only
// a dataset folder of this format (manifest.json and its shards, nothing else), never one that is
// or holds the input, only when this user may remove it, and by an atomic pair of renames rolled
// back if the second fails.
import {
  accessSync,
  constants,
  existsSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
} from 'node:fs';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { DatasetError } from '../errors';
import { FORMAT_NAME, MANIFEST_FILE } from '../format';
import type { DatasetSink } from './write';

/** The file-system calls a sink makes (tests replace one to make it fail as a real disk can). */
export interface SinkFs {
  mkdir: (path: string) => Promise<unknown>;
  writeFile: (path: string, bytes: Uint8Array) => Promise<void>;
  rename: (from: string, to: string) => Promise<void>;
  rm: (path: string) => Promise<void>;
  rmdir: (path: string) => Promise<void>;
  /** Throws when this user may not write into `path`. */
  access: (path: string) => void;
}

const realFs: SinkFs = {
  mkdir: (p) => fsp.mkdir(p),
  writeFile: (p, b) => fsp.writeFile(p, b),
  rename: (a, b) => fsp.rename(a, b),
  rm: (p) => fsp.rm(p, { recursive: true, force: true }),
  rmdir: (p) => fsp.rmdir(p),
  access: (p) => accessSync(p, constants.W_OK),
};

export interface NodeDirSinkOptions {
  /** Replace an existing dataset folder at `out`. */
  force?: boolean;
  /** The conversion's input (a file or folder): `out` may never be it or hold it. */
  input?: string;
  fs?: Partial<SinkFs>;
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).name;

/** Why `dir` is not a dataset folder --force may replace, or undefined when it is one. */
function notReplaceable(dir: string): string | undefined {
  let manifest: { format?: unknown; shards?: { file?: unknown }[] };
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  } catch {
    return `a folder without a readable ${MANIFEST_FILE}`;
  }
  if (manifest?.format !== FORMAT_NAME) return `a ${MANIFEST_FILE} of another format`;
  const ours = new Set([MANIFEST_FILE, ...(manifest.shards ?? []).map((s) => String(s?.file))]);
  const other = readdirSync(dir).find((f) => !ours.has(f));
  return other === undefined ? undefined : `a dataset folder that also holds "${other}"`;
}

const within = (child: string, parent: string) => {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !r.startsWith('/'));
};

export class NodeDirSink implements DatasetSink {
  readonly label: string;
  private readonly staging: string;
  private readonly fs: SinkFs;
  private created = false;
  private closed = false;
  /** The topmost parent folder this sink created (removed again when it aborts), if any. */
  private createdParent: string | undefined;
  private committing: Promise<void> | null = null;
  private static counter = 0;

  constructor(out: string, opts: NodeDirSinkOptions = {}) {
    this.label = resolve(out);
    this.fs = { ...realFs, ...opts.fs };
    if (existsSync(this.label)) this.checkReplaceable(opts);
    this.checkParent();
    this.staging = join(
      dirname(this.label),
      `.${basename(this.label)}.partial-${process.pid}-${NodeDirSink.counter++}`,
    );
  }

  private refuse(field: string, expected: string, found: string): never {
    throw new DatasetError(this.label, field, expected, `${found} (left untouched)`);
  }

  private checkReplaceable(opts: NodeDirSinkOptions): void {
    const isDir = statSync(this.label).isDirectory();
    if (!opts.force) {
      this.refuse(
        '--out',
        'a folder that does not exist yet (or --force to replace it)',
        `an existing ${isDir ? 'folder' : 'file'}`,
      );
    }
    if (opts.input !== undefined && existsSync(opts.input)) {
      const input = realpathSync(opts.input);
      const out = realpathSync(this.label);
      if (within(input, out)) {
        this.refuse(
          '--force',
          'an --out folder that is not the input and does not hold it',
          input === out ? 'the input itself' : `the folder holding the input ${input}`,
        );
      }
    }
    const why = isDir ? notReplaceable(this.label) : 'a file';
    if (why)
      this.refuse(
        '--force',
        `a dataset folder of this format (${MANIFEST_FILE} of "${FORMAT_NAME}" and its shards)`,
        why,
      );
    for (const dir of [this.label, dirname(this.label)]) {
      try {
        this.fs.access(dir);
      } catch (e) {
        this.refuse(
          '--force',
          'a folder this user may replace (write permission on it and on its parent)',
          `${dir}: ${code(e)}`,
        );
      }
    }
  }

  /** The nearest existing ancestor must be a folder this user may write into. */
  private checkParent(): void {
    let dir = dirname(this.label);
    while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
    const fail = (found: string) => {
      throw new DatasetError(
        this.label,
        '--out',
        'a location inside a folder this user may write to',
        `${dir}: ${found}`,
      );
    };
    if (!statSync(dir).isDirectory()) fail('a file');
    try {
      this.fs.access(dir);
    } catch (e) {
      fail(code(e));
    }
  }

  private async io<T>(what: string, path: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      throw new DatasetError(
        this.label,
        what,
        'a folder this user can write to, with space left',
        `${code(e)} on ${path}`,
      );
    }
  }

  private async makeStaging(): Promise<void> {
    const missing: string[] = [];
    for (let d = dirname(this.label); !existsSync(d); d = dirname(d)) missing.unshift(d);
    for (const d of missing) {
      await this.io('creating folders', d, () => this.fs.mkdir(d));
      this.createdParent ??= d;
    }
    await this.io('creating the staging folder', this.staging, () => this.fs.mkdir(this.staging));
    this.created = true;
    // Aborted while the folder was being made (a signal): it goes at once.
    if (this.closed) await this.abort();
  }

  async writeFile(name: string, bytes: Uint8Array): Promise<void> {
    if (this.closed)
      throw new DatasetError(this.label, 'write', 'an open conversion', 'one that was aborted');
    if (!this.created) await this.makeStaging();
    if (this.closed)
      throw new DatasetError(this.label, 'write', 'an open conversion', 'one that was aborted');
    await this.io('writing', name, () => this.fs.writeFile(join(this.staging, name), bytes));
  }

  commit(): Promise<void> {
    this.committing ??= this.swap();
    return this.committing;
  }

  private async swap(): Promise<void> {
    if (!existsSync(this.label)) {
      await this.io('moving the new dataset into place', this.label, () =>
        this.fs.rename(this.staging, this.label),
      );
    } else {
      const old = `${this.staging}.old`;
      await this.io('moving the replaced dataset aside', this.label, () =>
        this.fs.rename(this.label, old),
      );
      try {
        await this.fs.rename(this.staging, this.label);
      } catch (e) {
        await this.fs.rename(old, this.label).catch(() => {});
        throw new DatasetError(
          this.label,
          'moving the new dataset into place',
          'a folder this user can write to',
          `${code(e)} (the previous dataset was put back)`,
        );
      }
      // Checked before anything was written: this user may remove the old folder's files.
      await this.io('removing the replaced dataset', old, () => this.fs.rm(old));
    }
    this.created = false;
    this.createdParent = undefined;
    this.closed = true;
  }

  async abort(): Promise<void> {
    this.closed = true;
    if (this.committing) await this.committing.catch(() => {});
    if (this.created) await this.fs.rm(this.staging).catch(() => {});
    this.created = false;
    // Parent folders made for this output, deepest first, each only if still empty.
    if (this.createdParent) {
      for (let d = dirname(this.staging); within(d, this.createdParent); d = dirname(d)) {
        await this.fs.rmdir(d).catch(() => {});
        if (d === this.createdParent) break;
      }
      this.createdParent = undefined;
    }
  }

  /** The staging folder (tests check that it is gone after a failure). */
  get stagingPath(): string {
    return this.staging;
  }
}
