// Runs a named headless entry in this Node process on Dawn's WebGPU (./dawn.ts): the same engine
// modules as the page, no browser. Same arguments, result, progress lines and error messages as
// the Chromium host (./headless.ts).
import { NodeFsSource, resolveDataset } from '../../src/graph/node-source.ts';
import { installDatasetResolver } from '../../src/headless/dataset-ref.ts';
import { configureKernels } from '../../src/headless/kernel-host.ts';
import { throttledProgress } from '../../src/headless/progress.ts';
import type { HeadlessEntry } from '../../src/headless/types.ts';
import { installWebGpu } from './dawn.ts';
import {
  entryFailed,
  HeadlessError,
  timeout,
  type HeadlessOptions,
  type HeadlessProgress,
} from './host-types.ts';
import { TerminalProgress } from './terminal-progress.ts';
import type { EntryRunner } from './hosts.ts';
import { FileVariantCache } from './variant-cache-file.ts';

export async function runInNode<T>(
  name: string,
  args: unknown,
  opts: HeadlessOptions = {},
): Promise<T> {
  // Engine modules read GPUBufferUsage & co. when they load: WebGPU's globals come first.
  installWebGpu();
  const { entryNamed } = await import('../../src/headless/entries.ts');
  let entry: HeadlessEntry;
  try {
    entry = entryNamed(name);
  } catch (e) {
    throw new HeadlessError((e as Error).message);
  }
  // The CLI passes a built-in's name or an absolute folder (scripts/commands/options.ts dataRef).
  installDatasetResolver((ref) =>
    ref.startsWith('/') ? new NodeFsSource(ref) : resolveDataset(ref),
  );
  configureKernels(opts.kernels, new FileVariantCache());
  const bar = opts.onProgress ? null : new TerminalProgress();
  const send = opts.onProgress ?? ((p: HeadlessProgress) => bar!.update(p));
  try {
    const run = entry(args, throttledProgress(send)).catch((e: unknown) => {
      throw entryFailed(name, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    });
    return (await Promise.race([run, timeout(opts.timeoutMs, name)])) as T;
  } finally {
    bar?.stop();
  }
}

/** Commands given this runner offer only the Node host (the single-file build). */
export const nodeRunner: EntryRunner = {
  choices: ['node'],
  defaultHost: 'node',
  run: (_host, name, args, opts) => runInNode(name, args, opts),
};
