// Adapter and device acquisition: ask for the limits deep GNNs need and the features that help.
import { WebGpuUnavailableError } from './errors';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a software adapter (SwiftShader): figures from it are not GPU speeds. */
  isFallback: boolean;
  /** Largest subgroup the adapter may use (0 where it does not say). */
  subgroupMaxSize: number;
}

/** Limits we raise to the adapter's maximum: the defaults (8 storage buffers, 128 MiB) are small. */
const RAISED_LIMITS = [
  'maxStorageBuffersPerShaderStage',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
] as const;

export type RaisedLimit = (typeof RAISED_LIMITS)[number];
export type DeviceLimits = Record<RaisedLimit, number> & {
  minUniformBufferOffsetAlignment: number;
};

const OPTIONAL_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups', 'shader-f16'];

export interface GpuDeviceHandle {
  adapter: GPUAdapter;
  device: GPUDevice;
  adapterInfo: AdapterSummary;
  limits: DeviceLimits;
  features: ReadonlySet<string>;
  /** WGSL language extensions the implementation offers (e.g. `subgroup_id`). */
  wgslFeatures: ReadonlySet<string>;
}

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Called once when the device is lost, with the browser's reason and message. */
  onLost?: (info: { reason: string; message: string }) => void;
  /** Called for every uncaptured GPU error (validation, internal, out-of-memory). */
  onError?: (message: string, kind: string) => void;
}

export function webGpuAvailable(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && !!navigator.gpu;
}

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  // isFallbackAdapter moved from the adapter to its info; read whichever the browser has.
  const legacy = (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const infoFallback = (info as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const isFallback =
    !!(infoFallback ?? legacy) || /swiftshader|llvmpipe|warp|software/i.test(info.architecture);
  return {
    vendor: info.vendor || 'unknown',
    architecture: info.architecture || 'unknown',
    device: info.device || '',
    description: info.description || '',
    isFallback,
    subgroupMaxSize: info.subgroupMaxSize ?? 0,
  };
}

export async function acquireDevice(opts: AcquireOptions = {}): Promise<GpuDeviceHandle> {
  if (!webGpuAvailable()) throw new WebGpuUnavailableError('no-api');
  const adapter = await navigator.gpu.requestAdapter({
    powerPreference: opts.powerPreference ?? 'high-performance',
  });
  if (!adapter) throw new WebGpuUnavailableError('no-adapter');

  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));

  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  } catch (e) {
    throw new WebGpuUnavailableError('no-device', String(e));
  }

  device.lost.then((info) => {
    opts.onLost?.({ reason: info.reason, message: info.message });
  });
  device.addEventListener('uncapturederror', (ev) => {
    const err = (ev as GPUUncapturedErrorEvent).error;
    const kind =
      err instanceof GPUOutOfMemoryError
        ? 'out-of-memory'
        : err instanceof GPUValidationError
          ? 'validation'
          : 'internal';
    opts.onError?.(err.message, kind);
  });

  const limits = {
    minUniformBufferOffsetAlignment: device.limits.minUniformBufferOffsetAlignment,
  } as DeviceLimits;
  for (const name of RAISED_LIMITS) limits[name] = device.limits[name];

  return {
    adapter,
    device,
    adapterInfo: summarizeAdapter(adapter),
    limits,
    features: new Set([...device.features]),
    wgslFeatures: new Set([...(navigator.gpu.wgslLanguageFeatures ?? [])]),
  };
}
