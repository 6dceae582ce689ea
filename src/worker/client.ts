// The page's handle on the engine worker.
import * as Comlink from 'comlink';
import type { EngineApi } from './protocol';

export type EngineClient = Comlink.Remote<EngineApi>;

export function startEngine(): EngineClient {
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'revgnn-engine',
  });
  return Comlink.wrap<EngineApi>(worker);
}

export { Comlink };
