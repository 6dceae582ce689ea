// What both hosts of the headless entries (Chromium: ./headless.ts, Node + Dawn: ./node-host.ts)
// take and throw, kept apart so the Node host's single-file build never pulls in Playwright.
import type { HeadlessProgress } from '../../src/headless/types.ts';

export type { HeadlessProgress };

export const HOSTS = ['chromium', 'node'] as const;
export type HostName = (typeof HOSTS)[number];

export interface HeadlessOptions {
  /** Progress from the entry; default: a terminal progress bar on stderr. */
  onProgress?: (p: HeadlessProgress) => void;
  /** Give up after this long (the run is abandoned, everything closed); default none. */
  timeoutMs?: number;
  /** Forward the page's console.log/info lines too (warnings and errors always are). */
  verbose?: boolean;
  /** Folders outside the project the page may read through /@fs/ (e.g. a dataset folder). */
  allowFolders?: string[];
  /** Kernel variants, as `--kernels` takes them (src/kernels/variants.ts); default: autotuned. */
  kernels?: string;
}

export class HeadlessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeadlessError';
  }
}

export function entryFailed(name: string, message: string): HeadlessError {
  return new HeadlessError(`Headless entry "${name}" failed: ${message}`);
}

export function timeout(ms: number | undefined, name: string): Promise<never> {
  if (!ms) return new Promise<never>(() => undefined);
  return new Promise<never>((_, reject) => {
    const t = setTimeout(
      () => reject(new HeadlessError(`Headless entry "${name}" ran past ${ms} ms.`)),
      ms,
    );
    t.unref();
  });
}
