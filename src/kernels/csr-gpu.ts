// A CSR matrix on the GPU, uploaded once per (sub)graph and booked under 'graph'. The transposed
// form keeps `perm` (its entries' positions in the original) so backward passes can walk sources
// and still find each edge's own row of edge features and gradients. Also the argument checks and
// vec4 test the sparse kernel wrappers (spmm, aggregate) share.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import type { Csr, CsrTransposed } from '../graph/types';

export { wgslModule } from './wgsl-module';

export interface CsrGpu {
  rows: number;
  cols: number;
  nnz: number;
  /** 1 × (rows + 1), u32 */
  rowPtr: Tensor;
  /** 1 × nnz, u32 (a 4-byte buffer when nnz = 0, so it can still be bound) */
  colIdx: Tensor;
  /** 1 × nnz, f32; null means every weight is 1 */
  values: Tensor | null;
  /** Transposed only: 1 × nnz u32, perm[t] = entry of the original CSR that entry t came from. */
  perm: Tensor | null;
}

function validate(csr: Csr | CsrTransposed, label: string): void {
  const nnz = csr.colIdx.length;
  const fail = (what: string): never => {
    throw new Error(`uploadCsr(${label}): ${what}`);
  };
  if (csr.rowPtr.length !== csr.rows + 1) {
    fail(`rowPtr has ${csr.rowPtr.length} entries, expected rows + 1 = ${csr.rows + 1}.`);
  }
  if (csr.rowPtr[0] !== 0) fail(`rowPtr[0] is ${csr.rowPtr[0]}, expected 0.`);
  if (csr.rowPtr[csr.rows] !== nnz) {
    fail(`rowPtr[rows] is ${csr.rowPtr[csr.rows]}, expected nnz = ${nnz}.`);
  }
  for (let i = 0; i < csr.rows; i++) {
    if (csr.rowPtr[i + 1] < csr.rowPtr[i]) fail(`rowPtr decreases at row ${i}.`);
  }
  for (let k = 0; k < nnz; k++) {
    if (csr.colIdx[k] >= csr.cols) {
      fail(`colIdx[${k}] = ${csr.colIdx[k]} is not below cols = ${csr.cols}.`);
    }
  }
  if (csr.values && csr.values.length !== nnz) {
    fail(`values has ${csr.values.length} entries, expected nnz = ${nnz}.`);
  }
  if ('perm' in csr && csr.perm) {
    if (csr.perm.length !== nnz) fail(`perm has ${csr.perm.length} entries, expected ${nnz}.`);
    for (let t = 0; t < nnz; t++) {
      if (csr.perm[t] >= nnz) fail(`perm[${t}] = ${csr.perm[t]} is not below nnz = ${nnz}.`);
    }
  }
}

export function uploadCsr(rt: GpuRuntime, csr: Csr | CsrTransposed, label: string): CsrGpu {
  validate(csr, label);
  const nnz = csr.colIdx.length;
  const opts = (part: string) => ({ label: `${label}.${part}`, persistent: true });
  const perm = 'perm' in csr && csr.perm ? csr.perm : null;
  return {
    rows: csr.rows,
    cols: csr.cols,
    nnz,
    rowPtr: rt.upload(csr.rowPtr, 1, csr.rows + 1, 'graph', opts('rowPtr')),
    colIdx: rt.upload(csr.colIdx, 1, nnz, 'graph', opts('colIdx')),
    values: csr.values ? rt.upload(csr.values, 1, nnz, 'graph', opts('values')) : null,
    perm: perm ? rt.upload(perm, 1, nnz, 'graph', opts('perm')) : null,
  };
}

export function releaseCsr(rt: GpuRuntime, g: CsrGpu): void {
  rt.release(g.rowPtr, g.colIdx, g.values, g.perm);
}

/** Throws unless the device can bind `count` storage buffers in one compute stage. */
export function requireStorageBuffers(rt: GpuRuntime, count: number, kernel: string): void {
  const have = rt.limits.maxStorageBuffersPerShaderStage;
  if (have < count) {
    throw new Error(
      `${kernel} binds ${count} storage buffers; this device allows ${have} per shader stage.`,
    );
  }
}

/** Throws unless every buffer a dispatch writes is bound nowhere else (WebGPU forbids it). */
export function requireNoAliasing(
  kernel: string,
  written: Record<string, Tensor>,
  read: Record<string, Tensor | null>,
): void {
  const all = Object.entries({ ...read, ...written });
  for (const [wName, w] of Object.entries(written)) {
    for (const [name, t] of all) {
      if (name !== wName && t && t.buffer === w.buffer) {
        throw new Error(
          `${kernel}: ${wName} (${w.owner}) and ${name} (${t.owner}) share a buffer; ` +
            `an output must have a buffer of its own.`,
        );
      }
    }
  }
}

/** Throws a message naming the argument when a tensor is not rows × cols of the given dtype. */
export function requireShape(
  kernel: string,
  name: string,
  t: Tensor,
  rows: number,
  cols: number,
  dtype: 'f32' | 'u32' = 'f32',
): void {
  if (t.rows !== rows || t.cols !== cols) {
    throw new Error(`${kernel}: ${name} is ${t.rows}×${t.cols}, expected ${rows}×${cols}.`);
  }
  if (t.dtype !== dtype) {
    throw new Error(`${kernel}: ${name} has dtype ${t.dtype}, expected ${dtype}.`);
  }
}

/** True when every view can be read as array<vec4f>: offset, row stride and width multiples of 4. */
export function vec4Aligned(...views: (Tensor | null | undefined)[]): boolean {
  return views.every(
    (t) => !t || (t.offset % 4 === 0 && t.rowStride % 4 === 0 && t.cols % 4 === 0),
  );
}
