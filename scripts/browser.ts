// One place that decides which Chromium runs the tests, the e2e suite and the headless CLI.
// Playwright's own browser download does not work offline, so we always use a system browser.
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but no file is there.`);
    }
    return fromEnv;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'No Chromium found. Install one (Debian/Ubuntu: `apt-get install -y chromium`) ' +
        'or set CHROMIUM_PATH to a Chromium or Chrome binary with WebGPU.',
    );
  }
  return found;
}

/** Flags that give WebGPU in headless Chromium (SwiftShader when there is no GPU). */
export function chromiumArgs(opts: { webgpu?: boolean } = {}): string[] {
  const args = [
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ];
  if (opts.webgpu !== false) args.push('--enable-unsafe-webgpu');
  // Chromium refuses to start its sandbox as root (CI containers run as root).
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--no-sandbox');
  return args;
}
