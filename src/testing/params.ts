// A model's parameters read back from the GPU in float64 (for the references) with their shapes
// and their float32 gradients, as the GPU-vs-reference tests compare them.
import type { GpuRuntime } from '../gpu/runtime';
import type { ParamStore } from '../nn/params';
import type { Weights } from '../reference/layers';

export async function readParams(rt: GpuRuntime, store: ParamStore) {
  const weights: Weights = new Map();
  const shapes = new Map<string, [number, number]>();
  const grads = new Map<string, Float32Array>();
  for (const p of store.params) {
    weights.set(p.name, Float64Array.from((await rt.read(p.value)) as Float32Array));
    shapes.set(p.name, [p.rows, p.cols]);
    grads.set(p.name, (await rt.read(p.grad)) as Float32Array);
  }
  return { weights, shapes, grads };
}
