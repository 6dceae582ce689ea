// Starts the engine worker once and keeps the page's view of it: adapter, memory, and what went
// wrong (GPU errors, a lost device and whether a new one came back), in words.
import { useCallback, useEffect, useState } from 'react';
import { Comlink, startEngine, type EngineClient, type EngineHandle } from '../worker/client';
import type { InitResult, KernelVariants } from '../worker/protocol';
import type { MemorySnapshot } from '../gpu/tracked-allocator';
import { parseKernelChoice, type KernelChoice } from '../kernels/variants';

export interface EngineMessage {
  id: number;
  kind: 'device-lost' | 'device-restored' | 'gpu-error' | 'info' | 'error';
  text: string;
}

export interface EngineState {
  client: EngineClient | null;
  init: InitResult | null;
  memory: MemorySnapshot | null;
  /** The kernel variant each family runs (after the first run: the autotuner's choices). */
  kernels: KernelVariants | null;
  messages: EngineMessage[];
}

export interface Engine extends EngineState {
  say(kind: EngineMessage['kind'], text: string): void;
  dismiss(id: number): void;
}

let nextMessage = 1;

function lostWords(reason: string, message: string): string {
  const why =
    reason === 'destroyed'
      ? 'it was shut down'
      : 'the browser or the driver reset it (another tab, a driver update, or the GPU was overloaded)';
  return `The GPU device was lost: ${why}.${message ? ` (${message})` : ''} A new device is being created.`;
}

export function useEngine(): Engine {
  const [state, setState] = useState<EngineState>({
    client: null,
    init: null,
    memory: null,
    kernels: null,
    messages: [],
  });

  const say = useCallback((kind: EngineMessage['kind'], text: string) => {
    setState((s) => ({
      ...s,
      messages: [...s.messages.slice(-9), { id: nextMessage++, kind, text }],
    }));
  }, []);

  const dismiss = useCallback((id: number) => {
    setState((s) => ({ ...s, messages: s.messages.filter((m) => m.id !== id) }));
  }, []);

  useEffect(() => {
    let handle: EngineHandle;
    let alive = true;
    try {
      handle = startEngine();
    } catch (e) {
      queueMicrotask(
        () =>
          alive &&
          setState((s) => ({
            ...s,
            init: {
              ok: false,
              reason: 'error',
              message: `Could not start the engine worker: ${e}`,
            },
          })),
      );
      return () => {
        alive = false;
      };
    }
    const guarded =
      <A extends unknown[]>(fn: (...a: A) => void) =>
      (...a: A) => {
        if (alive) fn(...a);
      };
    const events = Comlink.proxy({
      memory: guarded((m: MemorySnapshot) => setState((s) => ({ ...s, memory: m }))),
      kernels: guarded((k: KernelVariants) => setState((s) => ({ ...s, kernels: k }))),
      gpuError: guarded((message: string, kind: string) =>
        say('gpu-error', `The GPU reported a ${kind} error: ${message}`),
      ),
      deviceLost: guarded((reason: string, message: string) =>
        say('device-lost', lostWords(reason, message)),
      ),
      deviceRestored: guarded((ok: boolean, message: string) =>
        say(ok ? 'device-restored' : 'error', message),
      ),
    });
    const client = handle.api;
    const kernels = kernelChoiceFromAddress((text) => say('error', text));
    client.init(events, { kernels }).then(
      guarded((init: InitResult) =>
        setState((s) => ({
          ...s,
          client,
          init,
          memory: init.ok ? init.memory : null,
          kernels: init.ok ? init.kernels : null,
        })),
      ),
      guarded((e: unknown) =>
        setState((s) => ({ ...s, init: { ok: false, reason: 'error', message: String(e) } })),
      ),
    );
    return () => {
      alive = false;
      handle.terminate();
    };
  }, [say]);

  return { ...state, say, dismiss };
}

/**
 * `?kernels=gemm=tiled,spmm=rowblock` (or `tune`, `default`) forces kernel variants for this page;
 * a value not understood is reported and left out.
 */
function kernelChoiceFromAddress(report: (text: string) => void): KernelChoice | undefined {
  const text = new URLSearchParams(location.search).get('kernels');
  if (text === null) return undefined;
  try {
    return parseKernelChoice(text);
  } catch (e) {
    report(`${e instanceof Error ? e.message : String(e)} The kernels are chosen automatically.`);
    return undefined;
  }
}
