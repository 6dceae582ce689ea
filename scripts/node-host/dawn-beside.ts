// The single-file build's stand-in for the `webgpu` package: Dawn's binary is the `dawn.node`
// beside the .mjs (or REVGNN_DAWN_NODE), loaded the way the package loads it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const path = process.env.REVGNN_DAWN_NODE ?? fileURLToPath(new URL('./dawn.node', import.meta.url));

function load(): { create: (flags: string[]) => GPU; globals: object } {
  try {
    return createRequire(import.meta.url)(path);
  } catch (e) {
    throw new Error(
      `Could not load Dawn's binary ${path} (copy dawn.node next to the .mjs, or set ` +
        `REVGNN_DAWN_NODE): ${(e as Error).message}`,
    );
  }
}

export const { create, globals } = load();
