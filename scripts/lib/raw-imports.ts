// Registers the `?raw` import hooks (./raw-import-hooks.mjs) once per process.
import { register } from 'node:module';

let registered = false;

export function registerRawImports(): void {
  if (registered) return;
  register('./raw-import-hooks.mjs', import.meta.url);
  registered = true;
}
