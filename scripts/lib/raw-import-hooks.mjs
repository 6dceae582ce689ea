// Node module hooks that give `import text from './x.wgsl?raw'` (Vite's raw imports) to engine
// modules loaded by tsx, so the Node host runs the same sources the page does. The single-file
// build inlines these texts instead (scripts/node-host/build.ts).
import { readFile } from 'node:fs/promises';
import { URL } from 'node:url';

const RAW = '?raw';

export async function resolve(specifier, context, nextResolve) {
  if (!specifier.endsWith(RAW)) return nextResolve(specifier, context);
  const file = await nextResolve(specifier.slice(0, -RAW.length), context);
  return { url: file.url + RAW, format: 'module', shortCircuit: true };
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith(RAW)) return nextLoad(url, context);
  const text = await readFile(new URL(url.slice(0, -RAW.length)), 'utf8');
  return {
    format: 'module',
    source: `export default ${JSON.stringify(text)};`,
    shortCircuit: true,
  };
}
