import code from '../../shaders/copy.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { uniforms } from '../gpu/uniforms';
import { grid1d } from './grid';

/** dst ← src, for views of equal shape (either may be strided). */
export function copy(rt: GpuRuntime, src: Tensor, dst: Tensor): void {
  if (!src.sameShape(dst)) {
    throw new Error(`copy: ${src.owner} is ${src.shape} but ${dst.owner} is ${dst.shape}.`);
  }
  const k = rt.kernel({
    name: 'copy',
    code,
    entryPoint: 'copy2d',
    bindings: ['uniform', 'read', 'rw'],
  });
  const u = uniforms().u32(src.rows).u32(src.cols).view2d(src).view2d(dst);
  rt.batcher.dispatch(k, u, [src.buffer, dst.buffer], grid1d(src.numel, 256));
}

/** A flat vec4 copy of `n4` 16-byte words: the bandwidth roofline of the benchmark. */
export function copyFlat4(rt: GpuRuntime, src: Tensor, dst: Tensor, n4: number): void {
  const k = rt.kernel({
    name: 'copy',
    code,
    entryPoint: 'copy_flat4',
    bindings: ['uniform', 'read', 'rw'],
  });
  rt.batcher.dispatch(k, uniforms().u32(n4), [src.buffer, dst.buffer], grid1d(n4, 256));
}
