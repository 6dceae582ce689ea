// npm run build:node → dist-node/revgnn-node.mjs (the Node host's CLI, every dependency and
// every WGSL text inlined) and dist-node/dawn.node (Dawn's binary for this platform, from the
// `webgpu` package). Copy the folder anywhere with Node ≥ 18 and run `node revgnn-node.mjs`.
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT_DIR = join(ROOT, 'dist-node');
export const BUNDLE = join(OUT_DIR, 'revgnn-node.mjs');

/** Vite's `?raw` imports as esbuild text. */
const rawText: Plugin = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (a) => ({
      path: resolve(a.resolveDir, a.path.slice(0, -'?raw'.length)),
      namespace: 'raw',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (a) => ({
      contents: readFileSync(a.path, 'utf8'),
      loader: 'text',
    }));
  },
};

/** dawn.node of this platform inside the installed `webgpu` package. */
export function dawnBinary(): string {
  const pkg = dirname(createRequire(import.meta.url).resolve('webgpu'));
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  return join(pkg, 'dist', `${process.platform}-${arch}`, 'dawn.node');
}

export async function buildNodeHost(): Promise<{ bundle: string; dawn: string }> {
  mkdirSync(OUT_DIR, { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'scripts/node-host/cli.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    alias: { webgpu: join(ROOT, 'scripts/node-host/dawn-beside.ts') },
    plugins: [rawText],
    // CommonJS dependencies (commander, cli-progress) call require() for Node's built-ins.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module';\nconst require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const dawn = join(OUT_DIR, 'dawn.node');
  copyFileSync(dawnBinary(), dawn);
  return { bundle: BUNDLE, dawn };
}

const invokedDirectly =
  process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { bundle, dawn } = await buildNodeHost();
  const mb = (f: string) => `${(statSync(f).size / 2 ** 20).toFixed(1)} MiB`;
  console.log(`wrote ${bundle} (${mb(bundle)}) and ${dawn} (${mb(dawn)})`);
}
