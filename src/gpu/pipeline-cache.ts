// One compute pipeline per (shader, entry point, specialisation constants), built once.
// Layouts are explicit so the uniform binding can use a dynamic offset into the batcher's ring.

/** Binding 0 is always the uniform block; the rest are storage buffers in order. */
export type BindingKind = 'uniform' | 'read' | 'rw';

export interface KernelSpec {
  /** A stable name for the shader source (used in the cache key and labels). */
  name: string;
  code: string;
  entryPoint: string;
  bindings: readonly BindingKind[];
  constants?: Record<string, number>;
}

export interface CompiledKernel {
  key: string;
  label: string;
  pipeline: GPUComputePipeline;
  bindGroupLayout: GPUBindGroupLayout;
  bindings: readonly BindingKind[];
}

export class PipelineCache {
  private readonly kernels = new Map<string, CompiledKernel>();
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();

  constructor(private readonly device: GPUDevice) {}

  get(spec: KernelSpec): CompiledKernel {
    const constKey = spec.constants
      ? Object.entries(spec.constants)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : '';
    const key = `${spec.name}:${spec.entryPoint}:${constKey}`;
    const hit = this.kernels.get(key);
    if (hit) return hit;

    if (spec.bindings[0] !== 'uniform') {
      throw new Error(`Kernel ${spec.name}: binding 0 must be the uniform block.`);
    }
    let module = this.modules.get(spec.name);
    if (!module) {
      module = this.device.createShaderModule({ code: spec.code, label: spec.name });
      this.modules.set(spec.name, module);
    }
    const bindGroupLayout = this.layoutFor(spec.bindings);
    const label = `${spec.name}.${spec.entryPoint}${constKey ? `(${constKey})` : ''}`;
    const pipeline = this.device.createComputePipeline({
      label,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [bindGroupLayout] }),
      compute: { module, entryPoint: spec.entryPoint, constants: spec.constants },
    });
    const kernel: CompiledKernel = {
      key,
      label,
      pipeline,
      bindGroupLayout,
      bindings: spec.bindings,
    };
    this.kernels.set(key, kernel);
    return kernel;
  }

  get size(): number {
    return this.kernels.size;
  }

  /** The labels of every pipeline built so far (`module.entry(constants)`). */
  labels(): string[] {
    return [...this.kernels.values()].map((k) => k.label);
  }

  private layoutFor(bindings: readonly BindingKind[]): GPUBindGroupLayout {
    const key = bindings.join(',');
    let layout = this.layouts.get(key);
    if (!layout) {
      layout = this.device.createBindGroupLayout({
        label: `layout(${key})`,
        entries: bindings.map((kind, binding) => ({
          binding,
          visibility: GPUShaderStage.COMPUTE,
          buffer:
            kind === 'uniform'
              ? { type: 'uniform' as const, hasDynamicOffset: true }
              : { type: kind === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
        })),
      });
      this.layouts.set(key, layout);
    }
    return layout;
  }
}
