// Binds a kernel's tensor operands so that views sharing one buffer (a group slice written in
// place, moments in one arena, out = a + out) are legal. WebGPU rejects a dispatch that binds one
// buffer both read-only and writable, or twice as writable storage over overlapping ranges, so
// each distinct buffer is bound exactly once — read_write when any operand on it is written —
// and the shader reaches operands through generated accessors `ld_<name>(i)` / `st_<name>(i, v)`
// that name the right binding. The WGSL file holds only the kernel bodies; this prelude is
// prepended, and its pattern is part of the module name, so each pattern compiles once.
import type { BindingKind, CompiledKernel } from '../gpu/pipeline-cache';
import type { GpuRuntime } from '../gpu/runtime';
import type { DType, Tensor } from '../gpu/tensor';
import type { TrackedBuffer } from '../gpu/tracked-allocator';
import { joinWgsl } from './wgsl-module';

/** One operand a shader family may use: every name is always declared (absent ones are stubs). */
export interface OperandDecl {
  name: string;
  dtype: DType;
}

export interface BoundKernel {
  kernel: CompiledKernel;
  buffers: TrackedBuffer[];
}

const WGSL_TYPE: Record<DType, string> = { f32: 'f32', u32: 'u32', i32: 'i32' };
const codeCache = new Map<string, string>();

/**
 * The kernel for `entryPoint` of a family with `manifest` operands, given the tensors of this
 * call (`null` for operands the entry point does not use) and which of them it writes.
 */
export function bindKernel(
  rt: GpuRuntime,
  family: { name: string; code: string; manifest: readonly OperandDecl[] },
  entryPoint: string,
  given: Record<string, Tensor | null | undefined>,
  writes: readonly string[],
  constants?: Record<string, number>,
): BoundKernel {
  const slotOf = new Map<number, number>();
  const buffers: TrackedBuffer[] = [];
  const slotDtype: DType[] = [];
  const slotWritten: boolean[] = [];
  const assigned: (number | null)[] = [];
  for (const decl of family.manifest) {
    const t = given[decl.name];
    if (!t) {
      assigned.push(null);
      continue;
    }
    if (t.dtype !== decl.dtype) {
      throw new Error(
        `${family.name}: ${decl.name} (${t.owner}) must be ${decl.dtype}, found ${t.dtype}.`,
      );
    }
    let slot = slotOf.get(t.buffer.id);
    if (slot === undefined) {
      slot = buffers.length;
      slotOf.set(t.buffer.id, slot);
      buffers.push(t.buffer);
      slotDtype.push(t.dtype);
      slotWritten.push(false);
    }
    if (writes.includes(decl.name)) slotWritten[slot] = true;
    assigned.push(slot);
  }
  const kinds: BindingKind[] = slotWritten.map((w) => (w ? 'rw' : 'read'));
  const key =
    family.manifest
      .map((d, i) => {
        const s = assigned[i];
        return s === null ? '-' : `${s}${writes.includes(d.name) ? 'w' : ''}`;
      })
      .join(',') +
    '|' +
    slotDtype.map((d, s) => `${kinds[s]}:${d}`).join(',');
  const name = `${family.name}<${key}>`;
  let code = codeCache.get(name);
  if (code === undefined) {
    // joinWgsl keeps a variant's `enable` directives at the very top, above the prelude.
    code = joinWgsl(prelude(family.manifest, assigned, slotDtype, kinds, writes), family.code);
    codeCache.set(name, code);
  }
  const kernel = rt.kernel({
    name,
    code,
    entryPoint,
    bindings: ['uniform', ...kinds],
    constants,
  });
  return { kernel, buffers };
}

function prelude(
  manifest: readonly OperandDecl[],
  assigned: readonly (number | null)[],
  slotDtype: readonly DType[],
  kinds: readonly BindingKind[],
  writes: readonly string[],
): string {
  const lines: string[] = [];
  slotDtype.forEach((d, s) => {
    const access = kinds[s] === 'rw' ? 'read_write' : 'read';
    lines.push(
      `@group(0) @binding(${s + 1}) var<storage, ${access}> buf${s}: array<${WGSL_TYPE[d]}>;`,
    );
  });
  manifest.forEach((decl, i) => {
    const t = WGSL_TYPE[decl.dtype];
    const s = assigned[i];
    if (s === null) {
      lines.push(`fn ld_${decl.name}(i: u32) -> ${t} { return ${t}(); }`);
      lines.push(`fn st_${decl.name}(i: u32, v: ${t}) { }`);
      return;
    }
    // A slot keeps the dtype of the first operand bound to it; others reinterpret its bits.
    const same = slotDtype[s] === decl.dtype;
    const load = same ? `buf${s}[i]` : `bitcast<${t}>(buf${s}[i])`;
    lines.push(`fn ld_${decl.name}(i: u32) -> ${t} { return ${load}; }`);
    if (writes.includes(decl.name)) {
      const v = same ? 'v' : `bitcast<${WGSL_TYPE[slotDtype[s]]}>(v)`;
      lines.push(`fn st_${decl.name}(i: u32, v: ${t}) { buf${s}[i] = ${v}; }`);
    } else {
      lines.push(`fn st_${decl.name}(i: u32, v: ${t}) { }`);
    }
  });
  return lines.join('\n') + '\n';
}

/** A shape check that names the argument and says what was expected and what was found. */
export function expectShape(fn: string, arg: string, t: Tensor, rows: number, cols: number): void {
  if (t.rows !== rows || t.cols !== cols) {
    throw new Error(
      `${fn}: ${arg} (${t.owner}) must be ${rows}×${cols}, found ${t.rows}×${t.cols}.`,
    );
  }
}
