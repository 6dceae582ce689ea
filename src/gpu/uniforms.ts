// Packs a kernel's uniform parameters in declaration order: every field is a 4-byte scalar,
// so the WGSL struct has no padding to mirror.
import type { Tensor } from './tensor';

export const UNIFORM_SLOT_BYTES = 256;

export class UniformWriter {
  private readonly view: DataView;
  private n = 0;
  constructor(readonly buffer = new ArrayBuffer(UNIFORM_SLOT_BYTES)) {
    this.view = new DataView(buffer);
  }
  u32(v: number): this {
    this.check();
    this.view.setUint32(this.n, v >>> 0, true);
    this.n += 4;
    return this;
  }
  i32(v: number): this {
    this.check();
    this.view.setInt32(this.n, v | 0, true);
    this.n += 4;
    return this;
  }
  f32(v: number): this {
    this.check();
    this.view.setFloat32(this.n, v, true);
    this.n += 4;
    return this;
  }
  /** offset and row stride of a tensor view, as two u32 fields. */
  view2d(t: Tensor): this {
    return this.u32(t.offset).u32(t.rowStride);
  }
  get byteLength(): number {
    return this.n;
  }
  private check(): void {
    if (this.n + 4 > UNIFORM_SLOT_BYTES) throw new Error('Kernel uniforms exceed 256 bytes.');
  }
}

export function uniforms(): UniformWriter {
  return new UniformWriter();
}
