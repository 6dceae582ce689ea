// The CLI's kernel-variant cache (src/gpu/variants.ts): the autotuner's choices in one JSON file
// under the user's cache folder, so a later run on the same GPU and sizes does not time the
// kernels again. REVGNN_CACHE_DIR overrides the folder. A missing or unreadable file is an empty
// cache (it is rewritten on the next choice); a file that cannot be written is reported by the
// autotuner as "not cached", never a failed run.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { VariantCache, VariantRecord } from '../../src/gpu/variants.ts';

export function defaultCacheDir(): string {
  const env = process.env;
  if (env.REVGNN_CACHE_DIR) return env.REVGNN_CACHE_DIR;
  const base =
    process.platform === 'win32'
      ? (env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'))
      : process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Caches')
        : (env.XDG_CACHE_HOME ?? join(homedir(), '.cache'));
  return join(base, 'revgnn-studio');
}

export class FileVariantCache implements VariantCache {
  constructor(readonly file = join(defaultCacheDir(), 'kernel-variants.json')) {}

  async get(key: string): Promise<VariantRecord | undefined> {
    return this.readAll()[key];
  }

  async set(key: string, record: VariantRecord): Promise<void> {
    const all = { ...this.readAll(), [key]: record };
    mkdirSync(dirname(this.file), { recursive: true });
    // Write then rename: a run killed mid-write leaves the old file, not half a new one.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n');
    renameSync(tmp, this.file);
  }

  private readAll(): Record<string, VariantRecord> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return {};
    }
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, VariantRecord>) : {};
    } catch {
      return {};
    }
  }
}
