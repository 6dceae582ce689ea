// Starts the engine worker once and keeps the page's view of it: adapter, memory, errors.
import { useEffect, useState } from 'react';
import { Comlink, startEngine, type EngineClient } from '../worker/client';
import type { InitResult } from '../worker/protocol';
import type { MemorySnapshot } from '../gpu/tracked-allocator';

export interface EngineState {
  client: EngineClient | null;
  init: InitResult | null;
  memory: MemorySnapshot | null;
  messages: { kind: string; text: string }[];
}

export function useEngine(): EngineState {
  const [state, setState] = useState<EngineState>({
    client: null,
    init: null,
    memory: null,
    messages: [],
  });

  useEffect(() => {
    let client: EngineClient;
    try {
      client = startEngine();
    } catch (e) {
      setState((s) => ({
        ...s,
        init: { ok: false, reason: 'error', message: `Could not start the engine worker: ${e}` },
      }));
      return;
    }
    let alive = true;
    const say = (kind: string, text: string) =>
      alive && setState((s) => ({ ...s, messages: [...s.messages.slice(-19), { kind, text }] }));
    const events = Comlink.proxy({
      memory: (m: MemorySnapshot) => alive && setState((s) => ({ ...s, memory: m })),
      gpuError: (message: string, kind: string) => say(kind, message),
      deviceLost: (reason: string, message: string) =>
        say('device-lost', `The GPU device was lost (${reason}). ${message}`.trim()),
    });
    client.init(events).then(
      (init) =>
        alive && setState((s) => ({ ...s, client, init, memory: init.ok ? init.memory : null })),
      (e) =>
        alive &&
        setState((s) => ({ ...s, init: { ok: false, reason: 'error', message: String(e) } })),
    );
    return () => {
      alive = false;
      client[Comlink.releaseProxy]();
    };
  }, []);

  return state;
}
