// Runs a named entry point of the headless page (headless.html → src/headless/main.ts) in the
// system Chromium on WebGPU, and returns its JSON-able result. One call = one Vite dev server and
// one browser, both always closed. Shared by the benchmarks and the headless train/sweep CLI.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../browser.ts';
import type { VariantCacheBridge } from '../../src/headless/kernel-host.ts';
import { FileVariantCache } from './variant-cache-file.ts';
import {
  entryFailed,
  HeadlessError,
  timeout,
  type HeadlessOptions,
  type HeadlessProgress,
} from './host-types.ts';
import { TerminalProgress } from './terminal-progress.ts';

export { HeadlessError, type HeadlessOptions, type HeadlessProgress };

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const READY_TIMEOUT_MS = 120_000;

export async function runHeadless<T>(
  name: string,
  args: unknown,
  opts: HeadlessOptions = {},
): Promise<T> {
  const bar = opts.onProgress ? null : new TerminalProgress();
  const onProgress = opts.onProgress ?? ((p: HeadlessProgress) => bar!.update(p));
  let server: ViteDevServer | null = null;
  let browser: Browser | null = null;
  try {
    server = await startServer(opts.allowFolders ?? []);
    const url = serverUrl(server);
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: chromiumArgs(),
      headless: true,
    });
    const page = await browser.newPage();
    const failed = watchPage(page, !!opts.verbose);
    await page.exposeFunction('revgnnProgress', (p: HeadlessProgress) => onProgress(p));
    await page.exposeFunction('revgnnVariantCache', variantCacheBridge(new FileVariantCache()));
    await Promise.race([openPage(page, url), failed]);
    const names = await page.evaluate(() => Object.keys(window.revgnnHeadless ?? {}));
    if (!names.includes(name)) {
      throw new HeadlessError(
        `No headless entry point "${name}". Registered: ${names.join(', ') || '(none)'}.`,
      );
    }
    const run = page
      .evaluate(([n, a, k]) => window.revgnnHeadless![n as string](a, k as string | null), [
        name,
        args,
        opts.kernels ?? null,
      ] as const)
      .catch((e: unknown) => {
        throw entryFailed(name, pageMessage(e));
      });
    return (await Promise.race([run, failed, timeout(opts.timeoutMs, name)])) as T;
  } finally {
    bar?.stop();
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
  }
}

/** The autotuner's choices kept in a file under the user's cache folder, for the page to use. */
function variantCacheBridge(cache: FileVariantCache): VariantCacheBridge {
  return async (op, key, record) => {
    if (op === 'set' && record) await cache.set(key, record);
    return op === 'get' ? ((await cache.get(key)) ?? null) : null;
  };
}

async function startServer(allowFolders: string[]): Promise<ViteDevServer> {
  const server = await createServer({
    configFile: resolve(ROOT, 'vite.config.ts'),
    root: ROOT,
    logLevel: 'warn',
    clearScreen: false,
    // Only the headless page's imports: scanning the React app would pre-bundle its dependencies
    // and could reload the page mid-run when it discovers new ones.
    optimizeDeps: { entries: ['headless.html'] },
    server: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      hmr: false,
      open: false,
      fs: { allow: [ROOT, ...allowFolders.map((f) => resolve(f))] },
    },
  });
  await server.listen();
  return server;
}

function serverUrl(server: ViteDevServer): string {
  const addr = server.httpServer?.address();
  if (!addr || typeof addr === 'string') {
    throw new HeadlessError('The Vite dev server did not report a TCP address.');
  }
  return `http://127.0.0.1:${addr.port}`;
}

async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/headless.html`);
  await page.waitForFunction(() => window.revgnnHeadless !== undefined, null, {
    timeout: READY_TIMEOUT_MS,
  });
}

/**
 * Rejects when the page fails outside the entry point (an uncaught error, a crash, a failed
 * module load); forwards console warnings and errors meanwhile.
 */
function watchPage(page: Page, verbose: boolean): Promise<never> {
  return new Promise<never>((_, reject) => {
    page.on('pageerror', (err) =>
      reject(new HeadlessError(`Uncaught error in the headless page: ${err.message}`)),
    );
    page.on('crash', () => reject(new HeadlessError('The headless page crashed.')));
    page.on('console', (msg) => {
      const type = msg.type();
      if (type === 'error' || type === 'warning' || verbose) {
        process.stderr.write(`[page ${type}] ${msg.text()}\n`);
      }
    });
    page.on('requestfailed', (req) => {
      if (req.url().endsWith('.ts') || req.url().endsWith('.html')) {
        reject(new HeadlessError(`The headless page could not load ${req.url()}.`));
      }
    });
  });
}

/** Playwright wraps page exceptions in its own text; keep the page's message. */
function pageMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^page\.evaluate: /, '').split('\n    at ')[0];
}
