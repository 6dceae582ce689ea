// The typed protocol between the page and the engine worker (carried by comlink).
import type { AdapterSummary, DeviceLimits } from '../gpu/device';
import type { MemorySnapshot } from '../gpu/tracked-allocator';

export type InitResult =
  | {
      ok: true;
      adapter: AdapterSummary;
      limits: DeviceLimits;
      features: string[];
      memory: MemorySnapshot;
    }
  | { ok: false; reason: 'no-api' | 'no-adapter' | 'no-device' | 'error'; message: string };

export interface EngineEvents {
  memory(snapshot: MemorySnapshot): void;
  gpuError(message: string, kind: string): void;
  deviceLost(reason: string, message: string): void;
}

export interface EngineApi {
  init(events: EngineEvents, opts?: { budgetBytes?: number | null }): Promise<InitResult>;
  memory(): MemorySnapshot | null;
  /** Test hook: destroys the device as a driver reset would. */
  loseDevice(): void;
}
