// What every headless entry point and every host share: the progress shape and the entry's
// signature. Entries import only this (never a host), so the engine's commands run unchanged in
// the page (src/headless/main.ts) and in Node with Dawn (scripts/lib/node-host.ts).

export interface HeadlessProgress {
  label: string;
  done: number;
  total: number;
  /** A long entry's result so far (JSON), so the caller can keep it if a later step fails. */
  partial?: unknown;
}

export type ProgressFn = (p: HeadlessProgress) => void;

/** An entry point: JSON-able arguments from the caller and a progress callback. */
export type HeadlessEntry = (args: unknown, progress: ProgressFn) => Promise<unknown>;

/**
 * What the Node side sees on the page's window.revgnnHeadless: name → async function(args,
 * kernels), kernels being the `--kernels` text (src/kernels/variants.ts) for the entry's runtimes.
 */
export type HeadlessRegistry = Record<
  string,
  (args: unknown, kernels?: string | null) => Promise<unknown>
>;
