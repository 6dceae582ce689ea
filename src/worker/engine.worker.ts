// The engine runs here, off the page's thread: the page only renders what comes back.
import * as Comlink from 'comlink';
import { GpuRuntime } from '../gpu/runtime';
import { WebGpuUnavailableError } from '../gpu/errors';
import type { EngineApi, EngineEvents, InitResult } from './protocol';

let runtime: GpuRuntime | null = null;
let events: EngineEvents | null = null;

function throttle(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}

const api: EngineApi = {
  async init(ev, opts = {}): Promise<InitResult> {
    events = ev;
    try {
      runtime?.destroy();
      runtime = await GpuRuntime.create({
        budgetBytes: opts.budgetBytes ?? null,
        onLost: (info) => events?.deviceLost(info.reason, info.message),
        onError: (message, kind) => events?.gpuError(message, kind),
      });
    } catch (e) {
      if (e instanceof WebGpuUnavailableError)
        return { ok: false, reason: e.reason, message: e.message };
      return { ok: false, reason: 'error', message: String(e) };
    }
    const rt = runtime;
    rt.allocator.subscribe(throttle(() => events?.memory(rt.allocator.snapshot()), 100));
    return {
      ok: true,
      adapter: rt.adapterInfo,
      limits: rt.limits,
      features: [...rt.features],
      memory: rt.allocator.snapshot(),
    };
  },
  memory() {
    return runtime?.allocator.snapshot() ?? null;
  },
  loseDevice() {
    runtime?.device.destroy();
  },
};

Comlink.expose(api);
