// Which host runs a headless entry: `chromium` (the page in headless Chromium, ./headless.ts) or
// `node` (this process on Dawn, ./node-host.ts). `auto` picks node when Dawn finds a hardware
// adapter and chromium otherwise (no GPU driver: Chromium's SwiftShader is the tested path).
// Each host is imported only when chosen, so a Node-only run never loads Playwright or Vite.
import { spawnSync } from 'node:child_process';
import { summarizeAdapter } from '../../src/gpu/device.ts';
import type { HeadlessOptions, HostName } from './host-types.ts';
import { registerRawImports } from './raw-imports.ts';

export type HostChoice = HostName | 'auto';

/** How commands run entries: the host choices they offer and the runner. */
export interface EntryRunner {
  choices: readonly HostChoice[];
  defaultHost: HostChoice;
  run<T>(host: HostChoice, name: string, args: unknown, opts?: HeadlessOptions): Promise<T>;
}

export const devRunner: EntryRunner = {
  choices: ['auto', 'chromium', 'node'],
  defaultHost: 'auto',
  async run<T>(choice: HostChoice, name: string, args: unknown, opts?: HeadlessOptions) {
    const host = choice === 'auto' ? pickHost() : choice;
    if (host === 'chromium')
      return (await import('./headless.ts')).runHeadless<T>(name, args, opts);
    registerRawImports();
    return (await import('./node-host.ts')).runInNode<T>(name, args, opts);
  },
};

const PROBE = `
const { create } = await import(process.argv[1]);
const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const i = a?.info;
process.stdout.write(JSON.stringify(i ? { vendor: i.vendor, architecture: i.architecture,
  device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter } : null));
process.exit(0);`;

/**
 * node when Dawn sees a hardware adapter, else chromium. Asked in a child process: Dawn prints
 * driver warnings straight to stderr, which would look like errors of the run.
 */
export function pickHost(): HostName {
  let info: GPUAdapterInfo | null = null;
  try {
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', PROBE, import.meta.resolve('webgpu')],
      { encoding: 'utf8', timeout: 30_000 },
    );
    info = r.status === 0 ? (JSON.parse(r.stdout) as GPUAdapterInfo | null) : null;
  } catch {
    info = null;
  }
  if (!info || summarizeAdapter({ info } as GPUAdapter).isFallback) return 'chromium';
  process.stderr.write(
    `host: node (Dawn) on ${[info.vendor, info.architecture, info.description].filter(Boolean).join(' ')}\n`,
  );
  return 'node';
}
