// WebGPU for Node: Dawn's official bindings (npm `webgpu`) installed as navigator.gpu and the
// GPU* globals, so the engine's modules find the same API they find in a browser. The
// single-file build swaps the `webgpu` import for ../node-host/dawn-beside.ts (dawn.node next to
// the .mjs).
import { create, globals } from 'webgpu';

let gpu: GPU | null = null;

/** Installs navigator.gpu (once) and returns it. */
export function installWebGpu(): GPU {
  if (gpu) return gpu;
  Object.assign(globalThis, globals);
  gpu = create([]) as GPU;
  const g = globalThis as { navigator?: object };
  // Node 21+ has a navigator without gpu; Node 20 has none.
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(g, 'navigator', { value: { gpu }, configurable: true });
  return gpu;
}
